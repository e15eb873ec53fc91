package io.github.springwithings.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.testsupport.Concurrently;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cursor stores, memory, JDBC and R2DBC on the tests' database (H2 here, PostgreSQL and
 * MariaDB in CI): one claim wins among concurrent ones, a request during a fetch makes one more
 * fetch, a deferral is not cut short by a notification, a removal wins over a move, notified
 * cursors are found first.
 */
@Tag("database")
class WithingsSyncCursorStoreTests {

	private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

	private static final HikariDataSource dataSource = TestDatabases.dataSource("sync-cursors", 8);

	private static ConnectionPool connectionFactory;

	static Stream<Arguments> stores() {
		List<Arguments> stores = new ArrayList<>();
		stores.add(Arguments.of("memory", new InMemoryWithingsSyncCursorStore()));
		stores.add(Arguments.of("jdbc", new JdbcWithingsSyncCursorStore(dataSource)));
		if (TestDatabases.r2dbc()) {
			if (connectionFactory == null) {
				connectionFactory = TestDatabases.connectionFactoryOnExistingSchema("sync-cursors", 8);
			}
			stores.add(Arguments.of("r2dbc", new R2dbcWithingsSyncCursorStore(connectionFactory)));
		}
		return stores.stream();
	}

	@AfterAll
	static void close() {
		dataSource.close();
		if (connectionFactory != null) {
			connectionFactory.dispose();
		}
	}

	@BeforeEach
	void clean() {
		new JdbcTemplate(dataSource).update("DELETE FROM withings_sync_cursor");
	}

	private static WithingsSyncCursor cursor(WithingsSyncCursorStore store, String userId) {
		return store.findByUser("withings", userId).get(0);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void claimWhenTwentyWorkersRaceThenOneWins(String name, WithingsSyncCursorStore store) throws Exception {
		assertThat(store.create(WithingsSyncCursor.start("withings", "1", WithingsDataKind.MEASURES, "p", NOW, NOW)))
			.isTrue();
		assertThat(store.create(WithingsSyncCursor.start("withings", "1", WithingsDataKind.MEASURES, "p", NOW, NOW)))
			.as("one cursor per user and kind")
			.isFalse();
		WithingsSyncCursor due = store.findDue(NOW, 10).get(0);
		AtomicInteger won = new AtomicInteger();
		List<Callable<Void>> workers = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String owner = "worker-" + i;
			workers.add(() -> {
				if (store.claim(due, owner, NOW, NOW.plus(Duration.ofMinutes(5))) != null) {
					won.incrementAndGet();
				}
				return null;
			});
		}

		Concurrently.run(workers, 20, Duration.ofSeconds(30));

		assertThat(won).hasValue(1);
		assertThat(store.findDue(NOW, 10)).as("claimed: not due for others").isEmpty();
		assertThat(store.findDue(NOW.plus(Duration.ofMinutes(6)), 10)).as("the lease ran out").hasSize(1);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void requestWhenAFetchRunsThenOneMoreFetchAfterItsMove(String name, WithingsSyncCursorStore store) {
		store.create(WithingsSyncCursor.start("withings", "2", WithingsDataKind.MEASURES, "p", NOW, NOW));
		store.request("withings", "2", WithingsDataKind.MEASURES, NOW);
		WithingsSyncCursor claimed = store.claim(store.findDue(NOW, 10).get(0), "w", NOW, NOW.plusSeconds(300));
		assertThat(claimed.requestedAt()).as("announced").isEqualTo(NOW);
		for (int i = 1; i <= 3; i++) {
			assertThat(store.request("withings", "2", WithingsDataKind.MEASURES, NOW.plusSeconds(i))).isTrue();
		}

		assertThat(store.complete(claimed, NOW.plusSeconds(1), NOW.plusSeconds(5), NOW.plus(Duration.ofHours(6))))
			.isTrue();

		List<WithingsSyncCursor> due = store.findDue(NOW.plusSeconds(5), 10);
		assertThat(due).singleElement().satisfies((cursor) -> {
			assertThat(cursor.lastUpdate()).isEqualTo(NOW.plusSeconds(1));
			assertThat(cursor.requestedAt()).isNotNull();
		});
		WithingsSyncCursor again = store.claim(due.get(0), "w", NOW.plusSeconds(5), NOW.plusSeconds(300));
		assertThat(store.complete(again, NOW.plusSeconds(2), NOW.plusSeconds(6), NOW.plus(Duration.ofHours(6))))
			.isTrue();
		assertThat(store.findDue(NOW.plusSeconds(6), 10)).as("coalesced: one more fetch, not three").isEmpty();
		assertThat(cursor(store, "2").dueAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void requestWhenDeferredThenDueStaysAtTheDeferralAndTheRequestIsKept(String name, WithingsSyncCursorStore store) {
		store.create(WithingsSyncCursor.start("withings", "3", WithingsDataKind.MEASURES, "p", NOW, NOW));
		store.request("withings", "3", WithingsDataKind.MEASURES, NOW);
		WithingsSyncCursor claimed = store.claim(store.findDue(NOW, 10).get(0), "w", NOW, NOW.plusSeconds(300));
		assertThat(store.release(claimed, NOW.plusSeconds(60))).isTrue();

		store.request("withings", "3", WithingsDataKind.MEASURES, NOW.plusSeconds(10));

		assertThat(store.findDue(NOW.plusSeconds(10), 10)).isEmpty();
		WithingsSyncCursor deferred = cursor(store, "3");
		assertThat(deferred.dueAt()).isEqualTo(NOW.plusSeconds(60));
		assertThat(deferred.attempts()).isOne();
		assertThat(deferred.requestedAt()).isNotNull();
		assertThat(deferred.lastUpdate()).isEqualTo(NOW);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void completeWhenTheCursorWasRemovedDuringTheFetchThenNotBroughtBack(String name, WithingsSyncCursorStore store) {
		store.create(WithingsSyncCursor.start("withings", "4", WithingsDataKind.MEASURES, "p", NOW, NOW));
		store.create(WithingsSyncCursor.start("withings", "4", WithingsDataKind.ACTIVITY, "p", NOW, NOW));
		WithingsSyncCursor claimed = store.claim(store.findDue(NOW, 1).get(0), "w", NOW, NOW.plusSeconds(300));

		assertThat(store.delete("withings", "4")).isEqualTo(2);

		assertThat(store.holds(claimed)).isFalse();
		assertThat(store.complete(claimed, NOW.plusSeconds(1), NOW, NOW.plusSeconds(60))).isFalse();
		assertThat(store.release(claimed, NOW.plusSeconds(60))).isFalse();
		assertThat(store.findByUser("withings", "4")).isEmpty();
		assertThat(store.findUserIds("withings")).doesNotContain("4");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void findDueWhenBackstopIsLateThenNotifiedCursorsFirst(String name, WithingsSyncCursorStore store) {
		for (int i = 0; i < 5; i++) {
			store.create(WithingsSyncCursor.start("withings", "5" + i, WithingsDataKind.MEASURES, "p", NOW,
					NOW.minus(Duration.ofHours(5 - i))));
		}
		store.request("withings", "54", WithingsDataKind.MEASURES, NOW);

		assertThat(store.findDue(NOW, 2)).extracting(WithingsSyncCursor::userId).containsExactly("54", "50");
		assertThat(store.nextDue()).isEqualTo(NOW.minus(Duration.ofHours(5)));
	}

}
