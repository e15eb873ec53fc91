package io.github.springwithings.notification;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.actuate.metrics.WithingsMetrics;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.notification.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.notification.WithingsNotificationReceiver.Reply;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The callback with the durable inbox on a real database (H2, or PostgreSQL and MariaDB in CI),
 * the simulator delivering over HTTP as Withings does: acknowledged only once committed; a
 * database that is down answers 503 and loses nothing; two instances receiving the same
 * notification publish it once; a listener that throws is retried with backoff, then given up.
 */
@Tag("database")
class WithingsNotificationInboxReceiverTests {

	private static final String ALICE = "36000301";

	private static final String PATH = "/withings/notifications/In6ox5ecret";

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	private SwitchableDataSource database;

	private JdbcTemplate jdbc;

	private WithingsTestFixture fixture;

	private WithingsApi api;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

	@BeforeEach
	void setUp() {
		this.simulator = WithingsSimulator.start();
		this.dataSource = TestDatabases.dataSource("inboxreceiver", 8);
		this.database = new SwitchableDataSource(this.dataSource);
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.jdbc.update("DELETE FROM withings_notification_inbox");
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource);
		this.fixture.link(ALICE, ALICE);
		this.api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build());
	}

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable server : this.servers) {
			server.close();
		}
		this.simulator.stop();
		this.dataSource.close();
	}

	/** An instance: a receiver with its inbox on the shared database, served over HTTP, subscribed for weight. */
	private Instance instance(String instanceId, ApplicationEventPublisher publisher) {
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH, this.fixture.service,
				List.of("withings"), publisher, Runnable::run);
		WithingsNotificationInbox inbox = new JdbcWithingsNotificationInbox(this.database);
		inbox.setInstanceId(instanceId);
		inbox.setClock(this.clock);
		inbox.setBackoff(Duration.ofSeconds(10), Duration.ofMinutes(1));
		inbox.setMaxAttempts(3);
		receiver.setInbox(inbox, Runnable::run);
		ReceiverHttpServer server = ReceiverHttpServer.start(receiver);
		this.servers.add(server);
		new WithingsNotifications(this.api, new WithingsLinkedUsers(this.fixture.service, "withings"), server.url())
			.subscribe(ALICE, WithingsAppli.WEIGHT);
		return new Instance(receiver, inbox, server);
	}

	@Test
	void notifyWhenTwoInstancesOnOneDatabaseReceiveTheSameNotificationThenPublishedOnce() throws Exception {
		Instance a = instance("instance-a", this.events::add);
		Instance b = instance("instance-b", this.events::add);

		assertThat(this.simulator.notifyUser(ALICE, 1, Instant.ofEpochSecond(1735689600),
				Instant.ofEpochSecond(1735693200))).as("one notification to each callback URL").isEqualTo(2);
		assertThat(this.simulator.awaitAcknowledgedNotifications(2, Duration.ofSeconds(10))).isTrue();

		assertThat(this.events).singleElement()
			.isInstanceOfSatisfying(WithingsNotificationEvent.class, (event) -> assertThat(event.principalName()).isEqualTo(ALICE));
		assertThat(a.receiver.count(Outcome.DUPLICATE) + b.receiver.count(Outcome.DUPLICATE)).isOne();
		assertThat(a.receiver.count(Outcome.PUBLISHED) + b.receiver.count(Outcome.PUBLISHED)).isOne();
		assertThat(this.jdbc.queryForObject("SELECT status FROM withings_notification_inbox", String.class))
			.isEqualTo("DONE");
		assertThat(a.receiver.pollInbox() + b.receiver.pollInbox()).isZero();
		assertThat(this.events).hasSize(1);
	}

	@Test
	void answerWhenTheNotificationIsAcceptedThenAnsweredOnlyOnceItsRowIsCommitted() {
		LinkedBlockingQueue<Runnable> handOff = new LinkedBlockingQueue<>();
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH, this.fixture.service,
				List.of("withings"), this.events::add, Runnable::run);
		receiver.setInbox(new JdbcWithingsNotificationInbox(this.dataSource), handOff::add);
		AtomicInteger rowsWhenAnswered = new AtomicInteger(-1);

		CompletableFuture<Reply> answer = receiver.answer(("userid=" + ALICE + "&appli=1&startdate=1&enddate=2")
			.getBytes(StandardCharsets.UTF_8));
		answer.thenRun(() -> rowsWhenAnswered
			.set(this.jdbc.queryForObject("SELECT COUNT(*) FROM withings_notification_inbox", Integer.class)));

		assertThat(answer).as("not answered before the executor committed the row").isNotDone();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM withings_notification_inbox", Integer.class)).isZero();
		handOff.poll().run();
		assertThat(answer).isCompletedWithValue(new Reply(200, ""));
		assertThat(rowsWhenAnswered).hasValue(1);
		assertThat(this.events).hasSize(1);
	}

	@Test
	void notifyWhenTheDatabaseIsDownThen503NothingPublishedAndWithingsRetryTakenOnceItIsBack() throws Exception {
		this.simulator.setNotificationRetrySchedule(1, Duration.ofSeconds(10));
		Instance a = instance("instance-a", this.events::add);
		this.database.down = true;

		this.simulator.notifyUser(ALICE, 1, Instant.ofEpochSecond(1735689600), Instant.ofEpochSecond(1735693200));
		assertThat(this.simulator.awaitDeliveryAttempts(1, Duration.ofSeconds(10))).isTrue();

		assertThat(this.simulator.deliveries()).singleElement().extracting(SimulatorDelivery::httpStatus).isEqualTo(503);
		assertThat(this.events).isEmpty();
		assertThat(a.receiver.count(Outcome.UNAVAILABLE)).isOne();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM withings_notification_inbox", Integer.class)).isZero();

		this.database.down = false;
		this.simulator.clock().advance(Duration.ofSeconds(10));
		assertThat(this.simulator.awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		assertThat(this.events).singleElement().isInstanceOf(WithingsNotificationEvent.class);
	}

	@Test
	void notifyWhenAListenerThrowsThenRetriedWithBackoffThenGivenUpWithAnEventAndTheRowKept() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		List<WithingsNotificationGivenUpEvent> givenUp = new CopyOnWriteArrayList<>();
		Instance a = instance("instance-a", (event) -> {
			if (event instanceof WithingsNotificationGivenUpEvent up) {
				givenUp.add(up);
				return;
			}
			calls.incrementAndGet();
			throw new IllegalStateException("listener bug");
		});

		WithingsStatistics statistics = new WithingsStatistics(this.fixture.service, List.of("withings"));
		statistics.setNotificationReceiver(a.receiver);
		WithingsMetrics metrics = new WithingsMetrics(statistics);
		metrics.setStoreCache(Duration.ZERO);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		metrics.bindTo(registry);

		this.simulator.notifyUser(ALICE, 1, Instant.ofEpochSecond(1735689600), Instant.ofEpochSecond(1735693200));
		assertThat(this.simulator.awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		assertThat(calls).as("handled at once by the instance that received it").hasValue(1);
		assertThat(a.receiver.count(Outcome.RETRIED)).isOne();
		assertThat(registry.get("withings.notifications.inbox.pending").gauge().value()).isOne();

		this.clock.advance(Duration.ofSeconds(9));
		assertThat(a.receiver.pollInbox()).as("backoff: 10 s").isZero();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(a.receiver.pollInbox()).isOne();
		assertThat(calls).hasValue(2);
		this.clock.advance(Duration.ofSeconds(19));
		assertThat(a.receiver.pollInbox()).as("backoff: 20 s").isZero();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(a.receiver.pollInbox()).isOne();

		assertThat(calls).as("three attempts").hasValue(3);
		assertThat(givenUp).singleElement().satisfies((event) -> {
			assertThat(event.userId()).isEqualTo(ALICE);
			assertThat(event.appli()).isEqualTo(WithingsAppli.WEIGHT);
			assertThat(event.attempts()).isEqualTo(3);
			assertThat(event.lastError()).isEqualTo("java.lang.IllegalStateException: listener bug");
			assertThat(event.receivedAt()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
		});
		assertThat(a.receiver.count(Outcome.GIVEN_UP)).isOne();
		assertThat(a.receiver.count(Outcome.RETRIED)).isEqualTo(2);
		assertThat(a.inbox.countGivenUp()).isOne();
		assertThat(registry.get("withings.notifications.callbacks").tags("outcome", "givenUp").functionCounter().count())
			.isOne();
		assertThat(registry.get("withings.notifications.inbox.given.up").gauge().value()).isOne();
		assertThat(registry.get("withings.notifications.inbox.pending").gauge().value()).isZero();
		assertThat(this.jdbc.queryForObject("SELECT last_error FROM withings_notification_inbox WHERE status = 'GIVEN_UP'",
				String.class)).isEqualTo("java.lang.IllegalStateException: listener bug");
		this.clock.advance(Duration.ofDays(1));
		assertThat(a.receiver.pollInbox()).isZero();
		assertThat(calls).hasValue(3);
	}

	@Test
	void answerWhenTheInboxExecutorIsFullThen503AndNothingStored() {
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH, this.fixture.service,
				List.of("withings"), this.events::add, Runnable::run);
		receiver.setInbox(new JdbcWithingsNotificationInbox(this.dataSource), (task) -> {
			throw new RejectedExecutionException("full");
		});

		assertThat(receiver.answer(("userid=" + ALICE + "&appli=1").getBytes(StandardCharsets.UTF_8)).join())
			.isEqualTo(new Reply(503, "busy, retry later"));
		assertThat(receiver.count(Outcome.BUSY)).isOne();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM withings_notification_inbox", Integer.class)).isZero();
	}

	@Test
	void answerWhenTheCallerMayBlockThenInsertedOnItsThreadWithoutTheInboxExecutor() {
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH, this.fixture.service,
				List.of("withings"), this.events::add, Runnable::run);
		receiver.setInbox(new JdbcWithingsNotificationInbox(this.dataSource), (task) -> {
			throw new RejectedExecutionException("a servlet request thread never hands the insert off");
		});

		CompletableFuture<Reply> answer = receiver
			.answer(("userid=" + ALICE + "&appli=1").getBytes(StandardCharsets.UTF_8), true);

		assertThat(answer).as("answered on the caller's thread: no asynchronous request").isCompletedWithValue(
				new Reply(200, ""));
		assertThat(this.jdbc.queryForObject("SELECT status FROM withings_notification_inbox", String.class))
			.isEqualTo("DONE");
		assertThat(this.events).singleElement().isInstanceOf(WithingsNotificationEvent.class);
	}

	@Test
	void answerWhenTheListenersExecutorIsFullThenCommitted200AndHandledByTheNextPoll() {
		boolean[] full = { true };
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH, this.fixture.service,
				List.of("withings"), this.events::add, (task) -> {
					if (full[0]) {
						throw new RejectedExecutionException("full");
					}
					task.run();
				});
		receiver.setInbox(new JdbcWithingsNotificationInbox(this.dataSource), Runnable::run);

		assertThat(receiver.receive(("userid=" + ALICE + "&appli=1").getBytes(StandardCharsets.UTF_8)).status())
			.isEqualTo(200);
		assertThat(this.events).isEmpty();
		assertThat(receiver.pollInbox()).as("still full: the claim is given back").isZero();
		assertThat(this.jdbc.queryForObject("SELECT claimed_by FROM withings_notification_inbox", String.class)).isNull();

		full[0] = false;
		assertThat(receiver.pollInbox()).isOne();
		assertThat(this.events).singleElement().isInstanceOf(WithingsNotificationEvent.class);
		assertThat(receiver.pollInbox()).isZero();
	}

	private record Instance(WithingsNotificationReceiver receiver, WithingsNotificationInbox inbox,
			ReceiverHttpServer server) {
	}

	/** The database, or none while {@link #down}. */
	static final class SwitchableDataSource extends DelegatingDataSource {

		volatile boolean down;

		SwitchableDataSource(HikariDataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.down) {
				throw new SQLException("Connection refused (test)", "08001");
			}
			return super.getConnection();
		}

	}

}
