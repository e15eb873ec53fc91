package io.github.springwithings.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.notification.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable inbox on the R2DBC store, behind the WebFlux web filter on Reactor Netty, with
 * BlockHound installed: the simulator's notification is committed to the table and published,
 * and the event loop never waits for the database (the insert runs on the inbox's executor). The
 * harness sees blocking: an insert run on the event loop itself is refused there. (A JVM of
 * its own, see the build.)
 */
@Tag("database")
class WithingsNotificationInboxBlockHoundTests {

	private static final String ALICE = "36000501";

	private static final String PATH = "/withings/notifications/Bh7Inb0xSecret";

	private WithingsSimulator simulator;

	private ConnectionPool connectionFactory;

	private WithingsTestFixture fixture;

	private DisposableServer server;

	private WithingsNotificationReceiver receiver;

	private ThreadPoolExecutor executor;

	private ThreadPoolExecutor inboxExecutor;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		// r2dbc-mariadb 1.3 blocks on its own lock on the event loop as it connects: BlockHound would
		// flag the driver, not the starter (the R2DBC inbox runs on MariaDB in WithingsNotificationInboxTests)
		Assumptions.assumeFalse(TestDatabases.mariadb(), "r2dbc-mariadb blocks on its own lock on the event loop");
		this.simulator = WithingsSimulator.start();
		this.connectionFactory = TestDatabases.connectionFactory("inboxblockhound", 4);
		DatabaseClient.create(this.connectionFactory)
			.sql("DELETE FROM withings_notification_inbox")
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		this.fixture = WithingsTestFixture.onR2dbc(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.connectionFactory);
		this.fixture.link(ALICE, ALICE);
		this.executor = bounded();
		this.inboxExecutor = bounded();
	}

	private static ThreadPoolExecutor bounded() {
		return new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10),
				new ThreadPoolExecutor.AbortPolicy());
	}

	private String serve(Executor inboxExecutor) {
		this.receiver = new WithingsNotificationReceiver(PATH, this.fixture.service, List.of("withings"),
				this.events::add, this.executor);
		this.receiver.setInbox(new R2dbcWithingsNotificationInbox(this.connectionFactory), inboxExecutor);
		HttpHandler handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return exchange.getResponse().setComplete();
		})
			.filter(new WithingsNotificationWebFilter(this.receiver))
			// made here: its first use would read its defaults from the class path on the event loop
			.codecConfigurer(ServerCodecConfigurer.create())
			.build();
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
		String url = "http://127.0.0.1:" + this.server.port() + PATH;
		WithingsApi api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build());
		new WithingsNotifications(api, new WithingsLinkedUsers(this.fixture.service, "withings"), url).subscribe(ALICE,
				WithingsAppli.WEIGHT);
		return url;
	}

	@AfterEach
	void stop() {
		if (this.simulator == null) {
			return;
		}
		if (this.server != null) {
			this.server.disposeNow();
		}
		this.executor.shutdownNow();
		this.inboxExecutor.shutdownNow();
		this.simulator.stop();
		this.connectionFactory.dispose();
	}

	@Test
	void notifyWhenTheInboxIsOnR2dbcThenCommittedPublishedAndTheEventLoopNeverBlocks() throws Exception {
		serve(this.inboxExecutor);

		this.simulator.notifyUser(ALICE, 1, Instant.ofEpochSecond(1735689600), Instant.ofEpochSecond(1735693200));

		assertThat(this.simulator.awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.receiver.count(Outcome.PUBLISHED) == 1);
		assertThat(this.events).singleElement().isInstanceOf(WithingsNotificationEvent.class);
		assertThat(this.receiver.count(Outcome.INVALID)).as("no BlockHound error turned into a 400").isZero();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> "DONE".equals(DatabaseClient.create(this.connectionFactory)
				.sql("SELECT status FROM withings_notification_inbox")
				.map((row, metadata) -> row.get("status", String.class))
				.one()
				.block(Duration.ofSeconds(10))));
	}

	@Test
	void notifyWhenTheInsertRunsOnTheEventLoopThenRefusedThereAnswered503AndNothingPublished() throws Exception {
		this.simulator.setNotificationRetrySchedule(1); // one attempt, no retry
		serve(Runnable::run);

		this.simulator.notifyUser(ALICE, 1, Instant.ofEpochSecond(1735689600), Instant.ofEpochSecond(1735693200));

		assertThat(this.simulator.awaitDeliveryAttempts(1, Duration.ofSeconds(10))).isTrue();
		// the insert would wait for the database on the event loop: refused there (Reactor's block()
		// on a non-blocking thread, BlockHound), so nothing is stored and the callback answers 503
		assertThat(this.simulator.deliveries()).first().extracting(SimulatorDelivery::httpStatus).isEqualTo(503);
		assertThat(this.receiver.count(Outcome.UNAVAILABLE)).isOne();
		assertThat(this.events).isEmpty();
	}

}
