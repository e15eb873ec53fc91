package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inside a caller's transaction, the store and the rate budget's reads hold a pooled connection
 * only while their statement runs: none is kept for the caller's transaction (Spring's
 * {@code DataSourceUtils} would bind it to the caller's synchronization until it completes), so a
 * pool of transactional threads + 1 is enough.
 */
@Tag("database")
class WithingsPooledConnectionsTests {

	private WithingsSimulator simulator;

	private HikariDataSource pool;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		if (this.pool != null) {
			this.pool.close();
		}
	}

	@Test
	void authorizeWhenInACallerTransactionThenOnlyTheCallersConnectionStaysInUse() {
		this.pool = TestDatabases.dataSource("pooled-authorize", 3);
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.pool);
		fixture.link("363", "363");
		fixture.linkExpired("bob", "36000043");
		int[] active = new int[2];

		callerTransaction().executeWithoutResult((status) -> {
			callersOwnWork();
			assertThat(fixture.clients.authorize("363")).isNotNull();
			active[0] = this.pool.getHikariPoolMXBean().getActiveConnections();
			assertThat(fixture.clients.authorize("bob")).isNotNull();
			active[1] = this.pool.getHikariPoolMXBean().getActiveConnections();
		});

		assertThat(active[0]).as("after a read of the store").isOne();
		assertThat(active[1]).as("after a refresh").isOne();
	}

	@Test
	void acquireWhenABackgroundCallWaitsForAPermitInACallerTransactionThenNoReadKeepsAConnection() {
		this.pool = TestDatabases.dataSource("pooled-budget", 3);
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.pool);
		fixture.link("363", "363");
		SimulatorClock clock = new SimulatorClock();
		WithingsRateBudget budget = WithingsRateBudget.shared(new JdbcWithingsRateBudgetStore(this.pool, clock), 60, 1,
				clock);
		List<Integer> activeWhileWaiting = new CopyOnWriteArrayList<>();
		budget.setSleeper((duration) -> {
			activeWhileWaiting.add(this.pool.getHikariPoolMXBean().getActiveConnections());
			clock.advance(duration);
		});
		assertThat(budget.tryTake()).as("the budget is now empty").isZero();

		callerTransaction().executeWithoutResult((status) -> {
			callersOwnWork();
			// the application's scheduled job: the store's read, then a background permit
			assertThat(fixture.clients.authorize("363")).isNotNull();
			budget.acquire(WithingsRatePriority.BACKGROUND, Duration.ofMinutes(1));
		});

		assertThat(activeWhileWaiting).as("the caller's connection only").isNotEmpty().containsOnly(1);
	}

	@Test
	void authorizeWhenOneThreadIsInATransactionOnAPoolOfTwoThenAnotherThreadStillGetsAConnection() throws Exception {
		this.pool = TestDatabases.dataSource("pooled-two-threads", 2);
		this.pool.getHikariConfigMXBean().setConnectionTimeout(Duration.ofSeconds(2).toMillis());
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.pool);
		fixture.link("363", "363");
		fixture.linkExpired("bob", "36000043");
		CountDownLatch transactionRead = new CountDownLatch(1);
		CountDownLatch otherDone = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<?> transactional = executor.submit(() -> callerTransaction().executeWithoutResult((status) -> {
				callersOwnWork();
				assertThat(fixture.clients.authorize("363")).isNotNull();
				transactionRead.countDown();
				try {
					assertThat(otherDone.await(30, TimeUnit.SECONDS)).isTrue();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
			assertThat(transactionRead.await(30, TimeUnit.SECONDS)).isTrue();
			Future<OAuth2AuthorizedClient> other = executor.submit(() -> {
				try {
					return fixture.clients.authorize("bob");
				}
				finally {
					otherDone.countDown();
				}
			});

			assertThat(other.get(30, TimeUnit.SECONDS)).as("refreshed without a pool timeout").isNotNull();
			transactional.get(30, TimeUnit.SECONDS);
		}
		finally {
			otherDone.countDown();
			executor.shutdownNow();
		}
	}

	private TransactionTemplate callerTransaction() {
		return new TransactionTemplate(new DataSourceTransactionManager(this.pool));
	}

	/** The caller's own statement: its transaction now holds a connection of the pool. */
	private void callersOwnWork() {
		assertThat(new JdbcTemplate(this.pool).queryForObject("SELECT COUNT(*) FROM withings_authorized_client",
				Integer.class)).isPositive();
		assertThat(this.pool.getHikariPoolMXBean().getActiveConnections()).isOne();
	}

}
