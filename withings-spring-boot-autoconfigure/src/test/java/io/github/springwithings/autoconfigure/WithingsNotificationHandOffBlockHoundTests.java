package io.github.springwithings.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.notification.WithingsNotificationWebFilter;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review #9 on Reactor Netty, with BlockHound installed: the callback hands notifications off
 * from the event loop to the starter's executor (one thread, one place in its queue here) while
 * the application's listener is stuck; past the bound the callback answers 503 at once, and the
 * event loop is never blocked. The harness sees blocking: an executor that blocks when full (a
 * {@code SimpleAsyncTaskExecutor} with a concurrency limit, as Boot makes it with virtual threads)
 * is caught by BlockHound on the event loop. (A JVM of its own, see the build.)
 */
class WithingsNotificationHandOffBlockHoundTests {

	private static final String ALICE = "36000401";

	private static final String PATH = "/withings/notifications/Kd8Qw2Lp0Zx";

	private final HttpClient http = HttpClient.newHttpClient();

	private final CountDownLatch entered = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private DisposableServer server;

	private WithingsNotificationReceiver receiver;

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.fixture.link(ALICE, ALICE);
	}

	private void serve(Executor executor) {
		// the application's listener: stuck until released
		this.receiver = new WithingsNotificationReceiver(PATH, this.fixture.service, List.of("withings"), (event) -> {
			this.entered.countDown();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, executor);
		HttpHandler handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return exchange.getResponse().setComplete();
		})
			.filter(new WithingsNotificationWebFilter(this.receiver))
			// made here: its first use would read its defaults from the class path on the event loop
			.codecConfigurer(ServerCodecConfigurer.create())
			.build();
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
	}

	@AfterEach
	void stop() {
		this.release.countDown();
		if (this.server != null) {
			this.server.disposeNow();
		}
		this.simulator.stop();
	}

	@Test
	void notificationsWhenTheStartersExecutorIsFullThen503AndTheEventLoopNeverBlocks() throws Exception {
		WithingsNotificationsAutoConfiguration.NotificationExecutor executor = new WithingsNotificationsAutoConfiguration.NotificationExecutor(
				1, 1);
		try {
			serve(executor.executor);

			assertThat(post(1)).isEqualTo(200);
			assertThat(this.entered.await(10, TimeUnit.SECONDS)).as("the one thread is held by the listener").isTrue();
			assertThat(post(2)).as("queued").isEqualTo(200);
			assertThat(post(3)).as("full").isEqualTo(503);
			assertThat(post(4)).as("full").isEqualTo(503);

			assertThat(this.receiver.count(Outcome.ACCEPTED)).isEqualTo(2);
			assertThat(this.receiver.count(Outcome.BUSY)).isEqualTo(2);
			assertThat(this.receiver.count(Outcome.INVALID)).as("no BlockHound error turned into a 400").isZero();
			this.release.countDown();
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> this.receiver.count(Outcome.PUBLISHED) == 2);
			assertThat(post(3)).as("Withings' retry, once a thread is free").isEqualTo(200);
		}
		finally {
			executor.destroy();
		}
	}

	@Test
	void notificationsWhenAnExecutorBlocksWhenFullThenBlockHoundCatchesItOnTheEventLoop() throws Exception {
		SimpleAsyncTaskExecutor blocking = new SimpleAsyncTaskExecutor("blocking-");
		blocking.setConcurrencyLimit(1);
		serve(blocking);

		assertThat(post(1)).isEqualTo(200);
		assertThat(this.entered.await(10, TimeUnit.SECONDS)).isTrue();
		// execute() waits for the held slot on the event loop: BlockHound throws there, and the
		// callback reads no notification (400); without BlockHound it would hang the event loop
		assertThat(post(2)).isEqualTo(400);
		assertThat(this.receiver.count(Outcome.ACCEPTED)).isOne();
	}

	private int post(int n) throws Exception {
		String form = "userid=" + ALICE + "&appli=1&startdate=" + (1767225600 + n) + "&enddate=" + (1767225600 + n);
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.server.port() + PATH))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
