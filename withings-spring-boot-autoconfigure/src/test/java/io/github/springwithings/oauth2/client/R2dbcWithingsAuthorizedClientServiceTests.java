package io.github.springwithings.oauth2.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.github.springwithings.testsupport.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The R2DBC store's own faults: what an R2DBC application does around it (a reactive transaction
 * that rolls back, a pool that is exhausted, a database that is down, a locked row) and servlet and
 * reactive instances sharing one database. The store's lifecycle suites
 * ({@link SingleFlightRefreshTokenResponseClientTests}, {@link WithingsFaultInjectionTests}, ...)
 * run on it too. H2 in memory by default, PostgreSQL when {@code withings.test.postgres.url} is set.
 */
@Tag("database")
class R2dbcWithingsAuthorizedClientServiceTests {

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	private String database;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.database = "r2dbc-" + UUID.randomUUID();
		this.dataSource = TestDatabases.dataSource(this.database, 5);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		if (this.connectionFactory != null) {
			this.connectionFactory.dispose();
		}
		this.dataSource.close();
	}

	private WithingsTestFixture reactiveInstance(int poolSize) {
		this.connectionFactory = TestDatabases.connectionFactoryOnExistingSchema(this.database, poolSize);
		return WithingsTestFixture.onR2dbc(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.connectionFactory);
	}

	/**
	 * A servlet instance (JDBC) and a WebFlux instance (R2DBC) of one application, one database:
	 * 100 callers on each, one expired user, one refresh at Withings.
	 */
	@Test
	void authorizeWhenServletAndReactiveInstancesShareOneDatabaseThenOneRefreshForAllTheirCallers() throws Exception {
		WithingsTestFixture servlet = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		WithingsTestFixture reactive = reactiveInstance(10);
		OAuth2AuthorizedClient linked = servlet.linkExpired("363", "363");
		assertThat(reactive.stored("363").getRefreshToken().getTokenValue())
			.isEqualTo(linked.getRefreshToken().getTokenValue());
		this.simulator.setLatency(Duration.ofMillis(200));
		AtomicInteger caller = new AtomicInteger();

		List<String> tokens = Concurrently.run(200,
				() -> ((caller.getAndIncrement() % 2 == 0) ? servlet : reactive).clients.authorize("363")
					.getAccessToken()
					.getTokenValue(),
				Duration.ofMinutes(1));

		assertThat(Set.copyOf(tokens)).hasSize(1).doesNotContain(linked.getAccessToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
		assertThat(servlet.stored("363").getAccessToken().getTokenValue()).isEqualTo(tokens.get(0));
		assertThat(reactive.getmeas(tokens.get(0))).containsEntry("status", 0);
	}

	/**
	 * The caller's reactive transaction (R2DBC, same connection factory) rolls back after the
	 * refresh: its own write is undone, the rotation Withings made is kept.
	 */
	@Test
	void authorizeWhenInAReactiveTransactionThatRollsBackThenTheRotationIsKept() {
		WithingsTestFixture fixture = reactiveInstance(4);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		new JdbcTemplate(this.dataSource).execute("CREATE TABLE IF NOT EXISTS caller_note (note varchar(100))");
		new JdbcTemplate(this.dataSource).update("DELETE FROM caller_note");
		DatabaseClient client = DatabaseClient.create(this.connectionFactory);
		TransactionalOperator transaction = TransactionalOperator
			.create(new R2dbcTransactionManager(this.connectionFactory));
		Mono<String> work = client.sql("INSERT INTO caller_note (note) VALUES ('written in the caller''s transaction')")
			.fetch()
			.rowsUpdated()
			.then(Mono.fromCallable(() -> fixture.clients.authorize("363").getAccessToken().getTokenValue())
				.subscribeOn(Schedulers.boundedElastic()))
			.flatMap((token) -> Mono.error(new IllegalStateException("the caller fails after the refresh")));

		Throwable failure = catchThrowableOfType(IllegalStateException.class, () -> transaction.transactional(work).block());

		assertThat(failure).hasMessage("the caller fails after the refresh");
		assertThat(new JdbcTemplate(this.dataSource).queryForObject("SELECT COUNT(*) FROM caller_note", Integer.class))
			.as("the caller's write was rolled back")
			.isZero();
		OAuth2AuthorizedClient kept = fixture.stored("363");
		assertThat(kept.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(fixture.clients.authorize("363").getAccessToken().getTokenValue())
			.isEqualTo(kept.getAccessToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/** Every connection of the pool is held elsewhere: the caller fails within the timeout, then all is well. */
	@Test
	void authorizeWhenThePoolIsExhaustedThenFailsWithinTheQueryTimeoutWithoutCallingWithingsAndNothingIsLost() {
		WithingsTestFixture fixture = reactiveInstance(2);
		((R2dbcWithingsAuthorizedClientService) fixture.service).setQueryTimeout(Duration.ofSeconds(1));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		List<io.r2dbc.spi.Connection> held = List.of(Mono.from(this.connectionFactory.create()).block(),
				Mono.from(this.connectionFactory.create()).block());

		QueryTimeoutException failure = catchThrowableOfType(QueryTimeoutException.class,
				() -> fixture.clients.authorize("363"));

		assertThat(failure).hasMessageStartingWith("No answer from the database within PT1S");
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		held.forEach((connection) -> Mono.from(connection.close()).block());
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/** The database goes down: the caller fails with the store's error, Withings is not called. */
	@Test
	void authorizeWhenTheDatabaseIsDownThenFailsWithoutCallingWithingsAndWorksOnceItIsBack() {
		this.connectionFactory = TestDatabases.connectionFactoryOnExistingSchema(this.database, 4);
		SwitchableConnectionFactory database = new SwitchableConnectionFactory(this.connectionFactory);
		WithingsTestFixture fixture = WithingsTestFixture.onR2dbc(this.simulator,
				WithingsClientAuthentication.SIGNATURE, database);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		database.down.set(true);

		DataAccessResourceFailureException failure = catchThrowableOfType(DataAccessResourceFailureException.class,
				() -> fixture.clients.authorize("363"));

		assertThat(failure).hasRootCauseMessage("Connection refused (the test's database is down)");
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		database.down.set(false);
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isEqualTo(linked.getRefreshToken().getTokenValue());
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
	}

	/**
	 * The database goes down between Withings' rotation and its storing: nothing is handed out,
	 * the refresh stays in doubt and is followed with the same refresh token once it is back.
	 */
	@Test
	void authorizeWhenTheDatabaseGoesDownAfterWithingsRotatedThenNothingHandedOutAndTheChainIsFollowed() {
		this.connectionFactory = TestDatabases.connectionFactoryOnExistingSchema(this.database, 4);
		SwitchableConnectionFactory database = new SwitchableConnectionFactory(this.connectionFactory);
		AtomicBoolean goDown = new AtomicBoolean(true);
		WithingsTestFixture fixture = WithingsTestFixture.onR2dbc(this.simulator,
				WithingsClientAuthentication.SIGNATURE, database, (service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current,
							OAuth2AccessTokenResponse response) {
						database.down.set(goDown.getAndSet(false));
						return super.saveRotation(current, response);
					}

				});
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");

		ClientAuthorizationException failure = catchThrowableOfType(ClientAuthorizationException.class,
				() -> fixture.clients.authorize("363"));

		assertThat(failure.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
		assertThat(failure.getError().getDescription()).contains("storing them failed");
		database.down.set(false);
		WithingsFaultInjectionTests.assertRotationInDoubtThenFollowed(fixture, linked);
	}

	/**
	 * Another transaction holds the row: the claim times out and the caller fails at once, without
	 * calling Withings; once the lock is gone the user is refreshed.
	 */
	@Test
	void authorizeWhenTheRowIsLockedThenFailsWithinTheQueryTimeoutWithoutCallingWithings() throws Exception {
		WithingsTestFixture fixture = reactiveInstance(4);
		((R2dbcWithingsAuthorizedClientService) fixture.service).setQueryTimeout(Duration.ofSeconds(1));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		try (Connection locker = this.dataSource.getConnection()) {
			locker.setAutoCommit(false);
			try (PreparedStatement lock = locker.prepareStatement(
					"SELECT version FROM withings_authorized_client WHERE principal_name = ? FOR UPDATE")) {
				lock.setString(1, "363");
				lock.executeQuery().close();
			}

			OAuth2AuthorizationException failure = catchThrowableOfType(OAuth2AuthorizationException.class,
					() -> fixture.clients.authorize("363"));

			assertThat(failure.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
			assertThat(failure.getError().getDescription()).contains("store is unavailable");
			assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
			locker.rollback();
		}
		// the driver may still apply the timed-out claim: a claim in doubt, taken over once stale
		fixture.advance(Duration.ofMinutes(2));
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/**
	 * A claim the database applied after its caller gave up (as a timed-out R2DBC statement can):
	 * nobody refreshes under it while it is fresh, the in-doubt follow-up takes it over once it is
	 * stale, and the user stays linked.
	 */
	@Test
	void authorizeWhenAClaimLandsAfterItsCallerGaveUpThenItIsTakenOverOnceStale() {
		WithingsTestFixture fixture = reactiveInstance(4);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		new JdbcTemplate(this.dataSource).update(
				"UPDATE withings_authorized_client SET refresh_started_at = ? WHERE principal_name = '363'",
				fixture.clock.instant().toEpochMilli());

		assertThat(fixture.inDoubt.retry().refreshed()).as("a fresh claim is left alone").isZero();
		fixture.clock.advance(Duration.ofSeconds(61));
		assertThat(fixture.inDoubt.retry().refreshed()).isEqualTo(1);

		WithingsAuthorizedClient followed = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(followed.getRefreshTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(followed.getRefreshStartedAt()).isNull();
		assertThat(fixture.getmeas(fixture.clients.authorize("363").getAccessToken().getTokenValue()))
			.containsEntry("status", 0);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/** A connection factory that refuses connections while {@link #down} is set. */
	private static final class SwitchableConnectionFactory implements ConnectionFactory {

		final AtomicBoolean down = new AtomicBoolean();

		private final ConnectionFactory delegate;

		SwitchableConnectionFactory(ConnectionFactory delegate) {
			this.delegate = delegate;
		}

		@Override
		public Publisher<? extends io.r2dbc.spi.Connection> create() {
			return Mono.defer(() -> this.down.get()
					? Mono.error(new R2dbcNonTransientResourceException("Connection refused (the test's database is down)"))
					: Mono.from(this.delegate.create()));
		}

		@Override
		public ConnectionFactoryMetadata getMetadata() {
			return this.delegate.getMetadata();
		}

	}

}
