package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.notification.WithingsNotificationInbox.Claimed;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox's statements on a real database (H2, or PostgreSQL and MariaDB in CI), with a
 * controlled clock: insert and duplicate, the claim's compare-and-set between two instances,
 * leases that run out, retries with backoff, give-up and purge.
 */
@Tag("database")
class WithingsNotificationInboxTests {

	private static final NotificationForm WEIGH_IN = NotificationForm
		.parse("userid=363&appli=1&startdate=1735689600&enddate=1735693200");

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));

	private HikariDataSource dataSource;

	private JdbcTemplate jdbc;

	private WithingsNotificationInbox a;

	private WithingsNotificationInbox b;

	@BeforeEach
	void setUp() {
		this.dataSource = TestDatabases.dataSource("inbox", 6);
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.jdbc.update("DELETE FROM withings_notification_inbox");
		this.a = inbox("instance-a");
		this.b = inbox("instance-b");
	}

	private WithingsNotificationInbox inbox(String instanceId) {
		WithingsNotificationInbox inbox = new JdbcWithingsNotificationInbox(this.dataSource);
		inbox.setInstanceId(instanceId);
		inbox.setClock(this.clock);
		inbox.setLease(Duration.ofMinutes(1));
		inbox.setBackoff(Duration.ofSeconds(10), Duration.ofSeconds(30));
		inbox.setMaxAttempts(4);
		return inbox;
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	@Test
	void insertWhenNewThenOneRowPendingClaimedByTheInserterWithItsFieldsAndHashId() {
		Claimed row = this.a.insert(WEIGH_IN);

		assertThat(row.id()).hasSize(64).isEqualTo(WEIGH_IN.id());
		Map<String, Object> stored = this.jdbc.queryForMap("SELECT * FROM withings_notification_inbox");
		assertThat(value(stored, "status")).isEqualTo("PENDING");
		assertThat(value(stored, "claimed_by")).isEqualTo("instance-a");
		assertThat(((Number) value(stored, "claimed_until")).longValue())
			.isEqualTo(this.clock.instant().plus(Duration.ofMinutes(1)).toEpochMilli());
		assertThat(value(stored, "withings_user_id")).isEqualTo("363");
		assertThat(NotificationForm.parse((String) value(stored, "form"))).isEqualTo(WEIGH_IN);
	}

	@Test
	void insertWhenTheSameNotificationAgainFromAnotherInstanceThenDuplicate() {
		assertThat(this.a.insert(WEIGH_IN)).isNotNull();

		assertThat(this.b.insert(NotificationForm.parse("appli=1&userid=363&startdate=1735689600&enddate=1735693200")))
			.isNull();
		assertThat(this.a.insert(NotificationForm.parse("userid=363&appli=1&startdate=1735689600&enddate=1735693201")))
			.as("another notification").isNotNull();
		assertThat(this.a.countPending()).isEqualTo(2);
	}

	@Test
	void claimWhenTwoInstancesRaceForARowWhoseLeaseRanOutThenOneWins() throws Exception {
		this.a.insert(WEIGH_IN);
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(this.a.due()).containsExactly(WEIGH_IN.id());
		assertThat(this.b.due()).containsExactly(WEIGH_IN.id());
		CountDownLatch bothSawIt = new CountDownLatch(2);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<Claimed>> claims = threads.invokeAll(List.of(() -> {
				bothSawIt.countDown();
				bothSawIt.await(10, TimeUnit.SECONDS);
				return this.a.claim(WEIGH_IN.id());
			}, () -> {
				bothSawIt.countDown();
				bothSawIt.await(10, TimeUnit.SECONDS);
				return this.b.claim(WEIGH_IN.id());
			}));
			assertThat(claims.stream().map(this::get).filter((claim) -> claim != null)).hasSize(1);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.a.due()).isEmpty();
	}

	@Test
	void claimWhenTheLeaseRunsThenNotDueUntilItRanOut() {
		this.a.insert(WEIGH_IN);

		this.clock.advance(Duration.ofSeconds(59));
		assertThat(this.b.due()).isEmpty();
		assertThat(this.b.claim(WEIGH_IN.id())).isNull();

		this.clock.advance(Duration.ofSeconds(1));
		Claimed taken = this.b.claim(WEIGH_IN.id());
		assertThat(taken.notification()).isEqualTo(WEIGH_IN);
		assertThat(taken.attempts()).isZero();
		assertThat(this.a.done(new Claimed(WEIGH_IN.id(), WEIGH_IN, "363", 1, null, 0)))
			.as("the first instance's claim ran out").isFalse();
		assertThat(this.b.done(taken)).isTrue();
		assertThat(this.a.countPending()).isZero();
		this.clock.advance(Duration.ofHours(1));
		assertThat(this.a.due()).as("done: never due again").isEmpty();
	}

	@Test
	void failedWhenAttemptsLeftThenRetriedAfterADoublingBackoffUpToTheMax() {
		Claimed row = this.a.insert(WEIGH_IN);
		assertThat(this.a.failed(row, "java.lang.IllegalStateException: listener bug")).isFalse();
		assertThat(this.jdbc.queryForObject("SELECT last_error FROM withings_notification_inbox", String.class))
			.isEqualTo("java.lang.IllegalStateException: listener bug");

		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.b.due()).as("backoff 10 s").isEmpty();
		this.clock.advance(Duration.ofSeconds(1));
		row = this.b.claim(WEIGH_IN.id());
		assertThat(row.attempts()).isEqualTo(1);
		assertThat(this.b.failed(row, "again")).isFalse();

		this.clock.advance(Duration.ofSeconds(19));
		assertThat(this.a.due()).as("backoff 20 s").isEmpty();
		this.clock.advance(Duration.ofSeconds(1));
		row = this.a.claim(WEIGH_IN.id());
		assertThat(this.a.failed(row, "again")).isFalse();

		assertThat(this.a.backoff(3)).as("40 s, bounded by the max").isEqualTo(Duration.ofSeconds(30));
		this.clock.advance(Duration.ofSeconds(29));
		assertThat(this.a.due()).isEmpty();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.a.due()).containsExactly(WEIGH_IN.id());
	}

	@Test
	void failedWhenTheLastAttemptThenGivenUpKeptAndNeverDueAgain() {
		Claimed row = this.a.insert(WEIGH_IN);
		for (int attempt = 1; attempt < 4; attempt++) {
			assertThat(this.a.failed(row, "bug " + attempt)).isFalse();
			this.clock.advance(Duration.ofMinutes(1));
			row = this.a.claim(WEIGH_IN.id());
		}

		assertThat(this.a.failed(row, "bug 4")).isTrue();

		assertThat(this.jdbc.queryForMap("SELECT status, attempts, last_error FROM withings_notification_inbox"))
			.satisfies((stored) -> {
				assertThat(value(stored, "status")).isEqualTo("GIVEN_UP");
				assertThat(((Number) value(stored, "attempts")).intValue()).isEqualTo(4);
				assertThat(value(stored, "last_error")).isEqualTo("bug 4");
			});
		assertThat(this.a.countGivenUp()).isOne();
		this.clock.advance(Duration.ofDays(1));
		assertThat(this.a.due()).isEmpty();
		assertThat(this.a.insert(WEIGH_IN)).as("a retry of a given-up notification is a duplicate").isNull();
	}

	@Test
	void purgeWhenRetentionsRanOutThenDoneRowsGoFirstAndGivenUpRowsLater() {
		this.a.setDoneRetention(Duration.ofHours(6));
		this.a.setGivenUpRetention(Duration.ofDays(30));
		this.a.setMaxAttempts(1);
		this.a.done(this.a.insert(WEIGH_IN));
		this.a.failed(this.a.insert(NotificationForm.parse("userid=363&appli=4")), "bug");
		this.a.insert(NotificationForm.parse("userid=363&appli=16"));

		this.clock.advance(Duration.ofHours(6));
		assertThat(this.a.purge()).isZero();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.a.purge()).as("the done row").isOne();
		assertThat(this.a.insert(WEIGH_IN)).as("after the window: new again").isNotNull();

		this.clock.advance(Duration.ofDays(30));
		assertThat(this.a.purge()).as("the given-up row; pending rows stay").isOne();
		assertThat(this.a.countPending()).isEqualTo(2);

		this.a.setGivenUpRetention(null);
		this.a.setMaxAttempts(1);
		this.a.failed(this.a.insert(NotificationForm.parse("userid=363&appli=44")), "bug");
		this.clock.advance(Duration.ofDays(3650));
		this.a.purge();
		assertThat(this.a.countGivenUp()).as("kept forever").isOne();
	}

	@Test
	void statementsWhenR2dbcThenTheSameRows() {
		ConnectionPool connectionFactory = TestDatabases.connectionFactory("inbox", 2);
		try {
			WithingsNotificationInbox r2dbc = new R2dbcWithingsNotificationInbox(connectionFactory);
			r2dbc.setInstanceId("instance-r");
			r2dbc.setClock(this.clock);
			this.jdbc.update("DELETE FROM withings_notification_inbox");
			Claimed row = r2dbc.insert(WEIGH_IN);
			assertThat(this.a.insert(WEIGH_IN)).as("seen by the JDBC inbox").isNull();
			assertThat(r2dbc.insert(WEIGH_IN)).as("a duplicate key on R2DBC too").isNull();
			assertThat(r2dbc.failed(row, "bug")).isFalse();
			this.clock.advance(Duration.ofMinutes(1));
			assertThat(r2dbc.due()).containsExactly(WEIGH_IN.id());
			Claimed again = r2dbc.claim(WEIGH_IN.id());
			assertThat(again.notification()).isEqualTo(WEIGH_IN);
			assertThat(again.attempts()).isOne();
			assertThat(again.receivedAt()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
			assertThat(r2dbc.done(again)).isTrue();
			assertThat(r2dbc.countPending()).isZero();
		}
		finally {
			connectionFactory.dispose();
		}
	}

	private Claimed get(Future<Claimed> claim) {
		try {
			return claim.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Object value(Map<String, Object> row, String column) {
		return row.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase(column))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
	}

}
