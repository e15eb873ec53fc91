package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestDatabases;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.ResourcelessJobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token refresh made inside a caller's transaction commits on its own: the caller's JPA
 * transaction or Spring Batch chunk rolls back, the rotation Withings made is kept in the store.
 * Each scenario also writes a row of the caller's own to a scratch table in the same transaction
 * and checks that row is gone afterwards, so the rollback really happened.
 */
@Tag("database")
class WithingsCallerTransactionTests {

	private static final String SCRATCH = "withings_caller_scratch";

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	private LocalContainerEntityManagerFactoryBean entityManagerFactory;

	@BeforeEach
	void startSimulator() {
		this.simulator = WithingsSimulator.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		if (this.entityManagerFactory != null) {
			this.entityManagerFactory.destroy();
		}
		if (this.dataSource != null) {
			new JdbcTemplate(this.dataSource).execute("DROP TABLE IF EXISTS " + SCRATCH);
			this.dataSource.close();
		}
	}

	@ParameterizedTest(name = "readOnly={0}")
	@ValueSource(booleans = { false, true })
	void authorizeWhenInAJpaTransactionThatRollsBackThenTheRotationIsKept(boolean readOnly) {
		// the caller's transaction holds one connection, the store takes the other
		this.dataSource = TestDatabases.dataSource("caller-jpa-" + readOnly, 2);
		createScratchTable();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		EntityManagerFactory emf = entityManagerFactory();
		TransactionTemplate callerTransaction = new TransactionTemplate(new JpaTransactionManager(emf));
		callerTransaction.setReadOnly(readOnly);
		String[] used = new String[1];

		callerTransaction.executeWithoutResult((status) -> {
			// the caller's own JPA work, and plain JDBC bound to the JPA transaction's connection
			assertThat(TransactionSynchronizationManager.hasResource(this.dataSource)).isTrue();
			EntityManager em = EntityManagerFactoryUtils.getTransactionalEntityManager(emf);
			assertThat(em).isNotNull();
			assertThat(((Number) em.createNativeQuery("SELECT COUNT(*) FROM withings_authorized_client")
				.getSingleResult()).intValue()).isEqualTo(1);
			if (!readOnly) {
				assertThat(em.createNativeQuery("INSERT INTO " + SCRATCH + " (id) VALUES ('jpa')").executeUpdate())
					.isEqualTo(1);
			}
			JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM withings_authorized_client", Integer.class))
				.isEqualTo(1);
			if (!readOnly) {
				jdbc.update("INSERT INTO " + SCRATCH + " (id) VALUES ('jdbc')");
				// both writes went through the one connection of the JPA transaction
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + SCRATCH, Integer.class)).isEqualTo(2);
			}
			OAuth2AuthorizedClient client = fixture.clients.authorize("363");
			used[0] = client.getAccessToken().getTokenValue();
			assertThat(fixture.getmeas(used[0])).containsEntry("status", 0);
			status.setRollbackOnly();
		});

		assertThat(scratchRows()).as("the caller's own writes were rolled back").isZero();
		assertTheRotationWasKept(fixture, linked, used[0]);
	}

	@Test
	void authorizeWhenInABatchChunkThatRollsBackThenTheRotationIsKept() throws Exception {
		// the chunk's transaction holds one connection, the store takes the other
		this.dataSource = TestDatabases.dataSource("caller-batch", 2);
		createScratchTable();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		JobRepository repository = new ResourcelessJobRepository();
		String[] used = new String[1];
		Step step = new StepBuilder("sync", repository).<String, String>chunk(1)
			.transactionManager(new DataSourceTransactionManager(this.dataSource))
			.reader(new ListItemReader<>(List.of("363")))
			.processor((principal) -> {
				assertThat(TransactionSynchronizationManager.hasResource(this.dataSource))
					.as("the processor runs in the chunk's transaction")
					.isTrue();
				OAuth2AuthorizedClient client = fixture.clients.authorize(principal);
				used[0] = client.getAccessToken().getTokenValue();
				assertThat(fixture.getmeas(used[0])).containsEntry("status", 0);
				return used[0];
			})
			.writer((chunk) -> {
				JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
				for (String token : chunk) {
					jdbc.update("INSERT INTO " + SCRATCH + " (id) VALUES (?)", token);
				}
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + SCRATCH, Integer.class)).isEqualTo(1);
				throw new IllegalStateException("writer failed");
			})
			.build();
		Job job = new JobBuilder("withings-sync", repository).start(step).build();
		MapJobRegistry registry = new MapJobRegistry();
		registry.register(job);
		TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
		operator.setJobRepository(repository);
		operator.setJobRegistry(registry);
		operator.afterPropertiesSet();

		JobExecution execution = operator.start(job, new JobParameters());

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(execution.getStepExecutions()).singleElement().satisfies((StepExecution sync) -> {
			assertThat(sync.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(sync.getWriteCount()).isZero();
			assertThat(sync.getFailureExceptions()).singleElement()
				.satisfies((ex) -> assertThat(ex).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessage("writer failed"));
		});
		assertThat(scratchRows()).as("the chunk's own writes were rolled back").isZero();
		assertTheRotationWasKept(fixture, linked, used[0]);
	}

	private void assertTheRotationWasKept(WithingsTestFixture fixture, OAuth2AuthorizedClient linked, String used) {
		assertThat(used).isNotNull().isNotEqualTo(linked.getAccessToken().getTokenValue());
		// the new access token was used, so Withings killed the old refresh token
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
		OAuth2AuthorizedClient stored = fixture.stored("363");
		assertThat(stored.getAccessToken().getTokenValue()).isEqualTo(used);
		assertThat(stored.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		fixture.advance(Duration.ofHours(3).plusMinutes(5));
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getAccessToken().getTokenValue()).isNotEqualTo(used);
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(stored.getRefreshToken().getTokenValue());
		assertThat(fixture.getmeas(next.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	private EntityManagerFactory entityManagerFactory() {
		this.entityManagerFactory = new LocalContainerEntityManagerFactoryBean();
		this.entityManagerFactory.setDataSource(this.dataSource);
		this.entityManagerFactory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
		this.entityManagerFactory.setManagedTypes(PersistenceManagedTypes.of());
		this.entityManagerFactory.setPersistenceUnitName("caller");
		this.entityManagerFactory.afterPropertiesSet();
		return this.entityManagerFactory.getObject();
	}

	private void createScratchTable() {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.execute("CREATE TABLE IF NOT EXISTS " + SCRATCH + " (id VARCHAR(2000) NOT NULL)");
		jdbc.update("DELETE FROM " + SCRATCH);
	}

	private int scratchRows() {
		return new JdbcTemplate(this.dataSource).queryForObject("SELECT COUNT(*) FROM " + SCRATCH, Integer.class);
	}

}
