package io.github.springwithings.ratelimit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore;
import io.github.springwithings.ratelimit.R2dbcWithingsRateBudgetStore;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.testsupport.Concurrently;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsRateBudget#shared} over the store's table {@code withings_rate_budget}, on JDBC
 * and R2DBC (H2, and PostgreSQL in CI), instances being budgets of their own over the same table
 * with one clock the test moves: one instance alone may use the whole budget; instances together
 * never exceed it in any minute; concurrent callers of two instances get exactly the permits
 * there are; one instance's 601 makes the others wait; changed settings reach the stored bucket;
 * a store that fails leaves each instance a budget of its own.
 */
@Tag("database")
class WithingsSharedRateBudgetTests {

	enum Store {

		JDBC, R2DBC

	}

	private final SimulatorClock clock = new SimulatorClock(
			Clock.fixed(WithingsRateBudgetTests.T0, ZoneOffset.UTC));

	private final AtomicBoolean databaseDown = new AtomicBoolean();

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	@BeforeEach
	void start() {
		this.dataSource = TestDatabases.dataSource("rate-budget", 16);
		this.connectionFactory = TestDatabases.connectionFactoryOnExistingSchema("rate-budget", 16);
	}

	@AfterEach
	void stop() {
		this.dataSource.close();
		this.connectionFactory.dispose();
	}

	private ProxyManager<String> store(Store store) {
		return switch (store) {
			case JDBC -> new JdbcWithingsRateBudgetStore(failing(this.dataSource), this.clock);
			case R2DBC -> {
				TestDatabases.assumeR2dbc();
				yield new R2dbcWithingsRateBudgetStore(this.connectionFactory, this.clock);
			}
		};
	}

	/** An instance of the application: a budget of its own over the shared table. */
	private WithingsRateBudget instance(Store store, int requestsPerMinute) {
		WithingsRateBudget budget = WithingsRateBudget.shared(store(store), requestsPerMinute, 6, this.clock);
		budget.setSleeper(this.clock::advance);
		return budget;
	}

	/** The data source, failing every connection while {@link #databaseDown}. */
	private DataSource failing(DataSource dataSource) {
		return new DelegatingDataSource(dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				if (WithingsSharedRateBudgetTests.this.databaseDown.get()) {
					throw new SQLException("Connection refused", "08001");
				}
				return super.getConnection();
			}

		};
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void sharedWhenOneInstanceIsAloneThenItMayUseTheWholeBudget(Store store) {
		WithingsRateBudget first = instance(store, 120);
		WithingsRateBudget second = instance(store, 120);

		for (int i = 0; i < 6; i++) {
			assertThat(first.tryTake()).isZero();
		}

		assertThat(second.tryTake()).as("the burst is the cluster's").isPositive();
		assertThat(first.isShared()).isTrue();
		assertThat(new JdbcTemplate(this.dataSource).queryForObject("SELECT COUNT(*) FROM withings_rate_budget", Long.class))
			.isOne();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void acquireWhenThreeInstancesTakeInTurnsThenNoMinuteAboveTheBudgetAndAllOfItUsed(Store store) {
		List<WithingsRateBudget> instances = List.of(instance(store, 120), instance(store, 120), instance(store, 120));
		List<Instant> granted = new ArrayList<>();

		for (int i = 0; i < 360; i++) {
			instances.get(i % 3).acquire(WithingsRatePriority.BACKGROUND, Duration.ofMinutes(1));
			granted.add(this.clock.instant());
		}

		assertThat(WithingsRateBudgetTests.mostInAnyMinute(granted)).as("never more than the budget, nearly all of it")
			.isBetween(118, 120);
		Duration took = Duration.between(WithingsRateBudgetTests.T0, granted.get(359));
		assertThat(took).as("114 a minute after the burst").isBetween(WithingsRateBudgetTests.INTERVAL.multipliedBy(353),
				WithingsRateBudgetTests.INTERVAL.multipliedBy(355));
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void tryTakeWhenFortyCallersOfTwoInstancesRaceThenExactlyThePermitsThereAre(Store store) throws Exception {
		WithingsRateBudget first = instance(store, 120);
		WithingsRateBudget second = instance(store, 120);
		List<Callable<Long>> calls = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			WithingsRateBudget budget = (i % 2 == 0) ? first : second;
			calls.add(budget::tryTake);
		}

		List<Long> waits = Concurrently.run(calls, 40, Duration.ofSeconds(30));

		assertThat(waits).filteredOn((wait) -> wait == 0).hasSize(6);
		assertThat(first.getAvailablePermits()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void onTooManyRequestsWhenOneInstanceGets601ThenTheOthersWaitToo(Store store) {
		WithingsRateBudget first = instance(store, 120);
		WithingsRateBudget second = instance(store, 120);

		first.onTooManyRequests(Duration.ofSeconds(40), "Too many requests");

		assertThat(Duration.ofNanos(second.tryTake())).isBetween(Duration.ofSeconds(41), Duration.ofSeconds(42));
		this.clock.advance(Duration.ofSeconds(42));
		assertThat(second.tryTake()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void onTooManyRequestsWhenInstancesGet601sInARowThenTheClusterPausesForTheLongestWaitNotTheSum(Store store) {
		WithingsRateBudget first = instance(store, 120);
		WithingsRateBudget second = instance(store, 120);
		WithingsRateBudget third = instance(store, 120);

		first.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");
		second.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");
		first.onTooManyRequests(Duration.ofSeconds(45), "Too many requests");

		assertThat(Duration.ofNanos(third.tryTake())).as("not 165 s").isBetween(Duration.ofSeconds(61),
				Duration.ofSeconds(62));
		assertThat(third.getRemainingPause()).isEqualTo(Duration.ofSeconds(61));
		assertThat(first.count(WithingsRateBudget.Outcome.PAUSED)).isOne();
		assertThat(second.count(WithingsRateBudget.Outcome.PAUSED)).as("the pause was on already").isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void checkPauseWhenAnotherInstanceGets601WhileACallWaitsForItsPermitThenTheCallWaitsForTheEnd(Store store) {
		WithingsRateBudget first = instance(store, 120);
		WithingsRateBudget second = instance(store, 120);
		while (second.tryTake() == 0) {
			// the burst is used
		}
		long wait = second.reserve(Duration.ofSeconds(30));
		assertThat(wait).isPositive();

		first.onTooManyRequests(Duration.ofSeconds(40), "Too many requests");
		this.clock.advance(Duration.ofNanos(wait));

		assertThat(Duration.ofNanos(second.checkPause(Duration.ofMinutes(1).toNanos())))
			.isBetween(Duration.ofSeconds(41).minusNanos(wait).minusMillis(1),
					Duration.ofSeconds(41).minusNanos(wait).plusMillis(1));
		assertThat(second.checkPause(Duration.ofSeconds(30).toNanos())).as("beyond its wait: refused").isEqualTo(-1);
		assertThat(second.count(WithingsRateBudget.Outcome.REFUSED)).isOne();
	}

	@Test
	void pauseWhenTheDatabaseFailsAfterwardsThenThisInstancesOwnBudgetIsPausedToo() {
		WithingsRateBudget budget = instance(Store.JDBC, 120);
		budget.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");
		this.clock.advance(Duration.ofSeconds(10));

		this.databaseDown.set(true);

		assertThat(Duration.ofNanos(budget.tryTake())).as("the fallback waits too").isBetween(Duration.ofSeconds(51),
				Duration.ofSeconds(52));
		assertThat(budget.getRemainingPause()).isEqualTo(Duration.ofSeconds(51));
		budget.onTooManyRequests(Duration.ofSeconds(30), "Too many requests");
		assertThat(budget.getRemainingPause()).as("still the longest, not the sum").isEqualTo(Duration.ofSeconds(51));
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void sharedWhenTheSettingsChangeThenTheStoredBucketGetsThem(Store store) {
		instance(store, 120).tryTake();

		WithingsRateBudget smaller = instance(store, 30);

		int atOnce = 0;
		while (smaller.tryTake() == 0) {
			atOnce++;
		}
		assertThat(atOnce).as("a burst of 3 for 30 a minute, its permits kept in proportion").isBetween(2, 3);
		Instant end = this.clock.instant().plus(Duration.ofMinutes(10));
		int granted = 0;
		while (this.clock.instant().isBefore(end)) {
			smaller.acquire(WithingsRatePriority.BACKGROUND, Duration.ofMinutes(1));
			granted++;
		}
		assertThat(granted).as("27 a minute").isBetween(269, 272);
	}

	@Test
	void tryTakeWhenTheDatabaseIsDownThenThisInstanceFallsBackToABudgetOfItsOwn() {
		WithingsRateBudget budget = instance(Store.JDBC, 120);
		assertThat(budget.tryTake()).isZero();
		this.databaseDown.set(true);

		for (int i = 0; i < 6; i++) {
			assertThat(budget.tryTake()).as("the fallback's burst").isZero();
		}
		assertThat(budget.tryTake()).isPositive();
		assertThat(budget.count(WithingsRateBudget.Outcome.STORE_FAILED)).isEqualTo(7);

		this.databaseDown.set(false);
		assertThat(budget.tryTake()).as("the shared bucket again: 5 left of its burst").isZero();
	}

}
