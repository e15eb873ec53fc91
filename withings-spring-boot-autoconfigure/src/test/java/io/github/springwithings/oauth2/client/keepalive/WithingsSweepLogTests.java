package io.github.springwithings.oauth2.client.keepalive;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep log, in memory and in the database: a sweep starts once per interval, whoever asks,
 * and the database one is shared by instances and restarts.
 */
@Tag("database")
class WithingsSweepLogTests {

	private static final Duration INTERVAL = Duration.ofDays(1);

	enum Log {

		MEMORY, JDBC, R2DBC

	}

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	@BeforeEach
	void start() {
		this.dataSource = TestDatabases.dataSource("sweep-log", 8);
		new JdbcTemplate(this.dataSource).update("DELETE FROM withings_sweep");
		this.connectionFactory = TestDatabases.connectionFactoryOnExistingSchema("sweep-log", 8);
	}

	@AfterEach
	void stop() {
		this.dataSource.close();
		this.connectionFactory.dispose();
	}

	private WithingsSweepLog log(Log log) {
		return switch (log) {
			case MEMORY -> new InMemoryWithingsSweepLog();
			case JDBC -> new JdbcWithingsSweepLog(this.dataSource);
			case R2DBC -> {
				TestDatabases.assumeR2dbc();
				yield new R2dbcWithingsSweepLog(this.connectionFactory);
			}
		};
	}

	@ParameterizedTest
	@EnumSource(Log.class)
	void tryStartWhenNeverStartedThenStartsAndNotAgainWithinTheIntervalButAtItsEnd(Log kind) {
		WithingsSweepLog log = log(kind);
		// nanoseconds on purpose: a database keeps micro- or milliseconds
		Instant first = Instant.parse("2030-01-01T06:00:00.123456789Z");

		assertThat(log.lastStart("work")).isNull();
		assertThat(log.tryStart("work", first, INTERVAL)).isTrue();
		assertThat(log.tryStart("work", first, INTERVAL)).isFalse();
		assertThat(log.tryStart("work", first.plus(INTERVAL).minusMillis(1), INTERVAL)).isFalse();
		assertThat(log.tryStart("other work", first, INTERVAL)).as("each name has its own log").isTrue();
		assertThat(log.tryStart("work", first.plus(INTERVAL), INTERVAL)).as("exactly one interval later").isTrue();
		assertThat(log.lastStart("work")).isBetween(first.plus(INTERVAL).minusMillis(1), first.plus(INTERVAL));
	}

	@Test
	void tryStartWhenTheApplicationRestartsThenTheDatabaseLogRemembersTheLastStart() {
		Instant started = Instant.parse("2030-01-01T06:00:00Z");
		assertThat(new JdbcWithingsSweepLog(this.dataSource).tryStart("work", started, INTERVAL)).isTrue();

		JdbcWithingsSweepLog afterRestart = new JdbcWithingsSweepLog(this.dataSource);

		assertThat(afterRestart.lastStart("work")).isEqualTo(started);
		assertThat(afterRestart.tryStart("work", started.plus(Duration.ofHours(20)), INTERVAL)).isFalse();
		assertThat(afterRestart.tryStart("work", started.plus(INTERVAL), INTERVAL)).isTrue();
	}

	/**
	 * Eight instances, four on JDBC (servlet) and four on R2DBC (WebFlux), ask at the same tick,
	 * day after day: one of them starts each time.
	 */
	@Test
	void tryStartWhenInstancesAskAtTheSameTickThenExactlyOneStartsEachInterval() throws Exception {
		int instances = 8;
		int days = 10;
		List<WithingsSweepLog> logs = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			// half of them on R2DBC, where the database has a driver for it
			logs.add((i % 2 == 0 || !TestDatabases.r2dbc()) ? new JdbcWithingsSweepLog(this.dataSource)
					: new R2dbcWithingsSweepLog(this.connectionFactory));
		}
		CyclicBarrier sameTick = new CyclicBarrier(instances);
		Instant day0 = Instant.parse("2030-01-01T06:00:00Z");
		ExecutorService executor = Executors.newFixedThreadPool(instances);
		try {
			for (int day = 0; day < days; day++) {
				Instant now = day0.plus(INTERVAL.multipliedBy(day));
				List<Future<Boolean>> answers = new ArrayList<>();
				for (WithingsSweepLog log : logs) {
					answers.add(executor.submit(() -> {
						sameTick.await(10, TimeUnit.SECONDS);
						return log.tryStart("work", now, INTERVAL);
					}));
				}
				int started = 0;
				for (Future<Boolean> answer : answers) {
					started += answer.get(30, TimeUnit.SECONDS) ? 1 : 0;
				}
				assertThat(started).as("instances that start on day %d", day).isEqualTo(1);
				assertThat(logs.get(0).lastStart("work")).isEqualTo(now);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}
