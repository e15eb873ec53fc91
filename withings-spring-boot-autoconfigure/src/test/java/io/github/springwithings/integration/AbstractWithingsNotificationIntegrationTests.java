package io.github.springwithings.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.notify.WithingsAppli;
import io.github.springwithings.notify.WithingsNotificationEvent;
import io.github.springwithings.notify.WithingsNotificationReceiver;
import io.github.springwithings.notify.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.event.WithingsUserLostEvent;
import io.github.springwithings.simulator.SimulatedBrowser;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.WithingsSimulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notification callback end to end, over real HTTP: the simulator subscribes the app's
 * callback with a signed-in user's access token (after its {@code HEAD} probe), and delivers,
 * retries and unlinks as Withings does. Run on Tomcat and on Reactor Netty by the subclasses.
 */
abstract class AbstractWithingsNotificationIntegrationTests {

	static final String PATH = "/withings/notifications/Zq3xv9Tt1mPp";

	@LocalServerPort
	int port;

	@Autowired
	WithingsAuthorizedClientService store;

	@Autowired
	WithingsNotificationReceiver receiver;

	@Autowired
	Listener listener;


	final HttpClient http = HttpClient.newHttpClient();

	String userId;

	final Map<Outcome, Long> countsBefore = new java.util.EnumMap<>(Outcome.class);

	static void properties(DynamicPropertyRegistry registry, WithingsSimulator simulator) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		// the public URL behind a proxy; the test calls the app directly on that path
		registry.add("withings.notifications.callback-url", () -> "https://app.example.com" + PATH);
		registry.add("withings.notifications.allowed-sources", () -> "127.0.0.1/32,::1/128");
	}

	abstract WithingsSimulator simulator();

	@BeforeEach
	void signIn() {
		simulator().reset();
		simulator().consentAsNewUsers();
		new SimulatedBrowser().signIn("http://127.0.0.1:" + this.port + "/oauth2/authorization/withings", null);
		this.userId = this.store.findPage("withings", null, 100)
			.stream()
			.map(WithingsAuthorizedClient::getUserId)
			.max(String::compareTo)
			.orElseThrow();
		this.listener.events.clear();
		this.listener.threads.clear();
		this.listener.entered = new CountDownLatch(1);
		for (Outcome outcome : Outcome.values()) {
			this.countsBefore.put(outcome, this.receiver.count(outcome));
		}
	}

	/** How many notifications had that outcome in this test. */
	long counted(Outcome outcome) {
		return this.receiver.count(outcome) - this.countsBefore.get(outcome);
	}

	@AfterEach
	void release() {
		this.listener.gate.countDown();
		this.receiver.setAllowedSources(List.of("127.0.0.1/32", "::1/128"));
	}

	@Test
	void stepOnScaleWhenSubscribedThenOneEventWithUserAndDatesOffTheRequestThread() throws Exception {
		subscribe(1);

		assertThat(simulator().stepOnScale(this.userId, 72.5)).isOne();

		assertThat(simulator().awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		SimulatorDelivery delivery = simulator().deliveries().get(0);
		WithingsNotificationEvent event = nextEvent(WithingsNotificationEvent.class);
		assertThat(event.userId()).isEqualTo(this.userId);
		assertThat(event.principalName()).isEqualTo(this.userId);
		assertThat(event.registrationId()).isEqualTo("withings");
		assertThat(event.appli()).isEqualTo(WithingsAppli.WEIGHT);
		Instant date = Instant.ofEpochSecond(Long.parseLong(delivery.fields().get("startdate")));
		assertThat(event.startDate()).isEqualTo(date);
		assertThat(event.endDate()).isEqualTo(date);
		assertThat(event.unlinked()).isFalse();
		assertThat(this.listener.threads).singleElement().asString().doesNotContain("http-nio").doesNotContain("reactor-http");
		assertThat(counted(Outcome.ACCEPTED)).isOne();
	}

	/** Withings retries what it thinks failed: the same notification again is acknowledged, not published again. */
	@Test
	void notificationWhenWithingsRetriesThenPublishedOnce() throws Exception {
		String form = "userid=" + this.userId + "&appli=1&startdate=1767225600&enddate=1767225600";

		assertThat(post(PATH, form).statusCode()).isEqualTo(200);
		assertThat(nextEvent(WithingsNotificationEvent.class).userId()).isEqualTo(this.userId);
		assertThat(post(PATH, form).statusCode()).isEqualTo(200);

		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counted(Outcome.DUPLICATE) == 1);
		assertThat(counted(Outcome.ACCEPTED)).isOne();
		assertThat(this.listener.events).isEmpty();
	}

	@Test
	void notificationWhenListenerIsSlowThenAcknowledgedAtOnce() throws Exception {
		subscribe(1);
		this.listener.gate = new CountDownLatch(1);

		simulator().stepOnScale(this.userId, 65.0);

		assertThat(this.listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(simulator().awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		assertThat(this.listener.events).isEmpty();   // the listener is still blocked
		assertThat(simulator().deliveries().get(0).duration()).isLessThan(Duration.ofSeconds(1));
		this.listener.gate.countDown();
		assertThat(nextEvent(WithingsNotificationEvent.class).userId()).isEqualTo(this.userId);
	}

	@Test
	void unlinkWhenSubscribedToUserActionsThenLinkRemovedAndAnnounced() throws Exception {
		subscribe(46);

		assertThat(simulator().unlink(this.userId)).isOne();

		assertThat(simulator().awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		WithingsUserLostEvent lost = nextEvent(WithingsUserLostEvent.class);
		assertThat(lost.reason()).isEqualTo(WithingsUserLostEvent.Reason.UNLINKED);
		assertThat(lost.user().userId()).isEqualTo(this.userId);
		WithingsNotificationEvent event = nextEvent(WithingsNotificationEvent.class);
		assertThat(event.appli()).isEqualTo(WithingsAppli.USER_ACTION);
		assertThat(event.action()).isEqualTo("unlink");
		assertThat(event.unlinked()).isTrue();
		assertThat(this.store.loadByUserId("withings", this.userId)).isNull();
	}

	/**
	 * An unlink that arrives while the link works (late, or a retry from before the user linked
	 * again): Withings is asked, the link is kept and nothing is published.
	 */
	@Test
	void unlinkWhenTheLinkStillWorksThenKeptAndNotPublished() throws Exception {
		int grants = simulator().counters().refreshTokenGrants();

		assertThat(post(PATH, "userid=" + this.userId + "&appli=46&action=unlink").statusCode()).isEqualTo(200);

		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counted(Outcome.STALE_UNLINK) == 1);
		assertThat(this.store.loadByUserId("withings", this.userId)).isNotNull();
		assertThat(simulator().counters().refreshTokenGrants()).as("Withings was asked").isEqualTo(grants + 1);
		assertThat(counted(Outcome.UNLINKED)).isZero();
		assertThat(this.listener.events).isEmpty();
	}

	@Test
	void headWhenCallbackOrRedirectUriThenOkAndOtherPathsAreTheAppsOwn() throws Exception {
		assertThat(send("HEAD", PATH, null, null).statusCode()).isEqualTo(200);
		assertThat(send("HEAD", "/login/oauth2/code/withings", null, null).statusCode()).isEqualTo(200);
		HttpResponse<String> get = send("GET", PATH, null, null);
		assertThat(get.statusCode()).isEqualTo(405);
		assertThat(get.headers().firstValue("Allow")).hasValue("HEAD, POST");


		for (String other : List.of(PATH + "x", PATH + "/", "/withings/notifications/guess", "/withings/notifications")) {
			assertThat(post(other, "userid=" + this.userId + "&appli=1&startdate=1&enddate=2").statusCode())
				.as(other)
				.isNotEqualTo(200);
		}
		assertThat(counted(Outcome.ACCEPTED)).isZero();
	}

	@Test
	void postWhenBadOrOversizedBodyThenClient4xxNeverServerError() throws Exception {
		assertThat(post(PATH, "appli=1&startdate=1").statusCode()).isEqualTo(400);
		assertThat(post(PATH, "userid=abc&appli=1").statusCode()).isEqualTo(400);
		assertThat(post(PATH, "userid=1&appli=x").statusCode()).isEqualTo(400);
		assertThat(post(PATH, "userid=1&appli=1&startdate=yesterday").statusCode()).isEqualTo(400);
		assertThat(post(PATH, "userid=1&appli=1&date=2026-13-45").statusCode()).isEqualTo(400);
		assertThat(post(PATH, "userid=%zz&appli=1").statusCode()).isEqualTo(400);
		assertThat(post(PATH, "userid=1&appli=1&pad=" + "a".repeat(5000)).statusCode()).isEqualTo(413);
		assertThat(send("POST", PATH, "application/json", "{\"userid\":1}").statusCode()).isEqualTo(415);
		// unknown appli and unknown user: acknowledged (and counted)
		assertThat(post(PATH, "userid=" + this.userId + "&appli=999&foo=bar").statusCode()).isEqualTo(200);
		assertThat(nextEvent(WithingsNotificationEvent.class).appli()).isEqualTo(WithingsAppli.UNKNOWN);
		assertThat(post(PATH, "userid=99999999&appli=1&startdate=1&enddate=2").statusCode()).isEqualTo(200);
		assertThat(counted(Outcome.UNKNOWN_APPLI)).isOne();
		assertThat(counted(Outcome.INVALID)).isEqualTo(7);
		assertThat(counted(Outcome.TOO_LARGE)).isOne();
	}

	@Test
	void postWhenCallerOutsideAllowedSourcesThenForbidden() throws Exception {
		this.receiver.setAllowedSources(List.of("192.0.2.0/24"));

		assertThat(post(PATH, "userid=" + this.userId + "&appli=1&startdate=1&enddate=2").statusCode()).isEqualTo(403);
		assertThat(send("HEAD", PATH, null, null).statusCode()).isEqualTo(403);
		assertThat(this.listener.events).isEmpty();
	}

	private void subscribe(int appli) throws Exception {
		String accessToken = this.store.loadByUserId("withings", this.userId)
			.getAuthorizedClient()
			.getAccessToken()
			.getTokenValue();
		String callback = "http://127.0.0.1:" + this.port + PATH;
		HttpResponse<String> subscribed = this.http.send(HttpRequest.newBuilder(URI.create(simulator().baseUrl() + "/notify"))
			.header("Authorization", "Bearer " + accessToken)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("action=subscribe&appli=" + appli + "&callbackurl="
					+ java.net.URLEncoder.encode(callback, StandardCharsets.UTF_8)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(subscribed.body()).contains("\"status\":0");
		assertThat(simulator().subscriptions(this.userId)).hasSize(1);
	}

	private HttpResponse<String> post(String path, String form) throws Exception {
		return send("POST", path, "application/x-www-form-urlencoded", form);
	}

	private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + path).isLessThan(500);
		return response;
	}

	private <T> T nextEvent(Class<T> type) throws InterruptedException {
		Object event = this.listener.events.poll(10, TimeUnit.SECONDS);
		assertThat(event).isInstanceOf(type);
		return type.cast(event);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NotificationApplication {

		@Bean
		Listener listener() {
			return new Listener();
		}

		/** An application task executor of its own: the hand-off goes to it. */
		@Bean(name = "applicationTaskExecutor")
		Executor applicationTaskExecutor() {
			return new SimpleAsyncTaskExecutor("notification-test-");
		}

	}

	static class Listener {

		final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

		final BlockingQueue<String> threads = new LinkedBlockingQueue<>();

		volatile CountDownLatch gate = new CountDownLatch(0);

		volatile CountDownLatch entered = new CountDownLatch(1);

		@EventListener
		void onNotification(WithingsNotificationEvent event) throws InterruptedException {
			this.threads.add(Thread.currentThread().getName());
			this.entered.countDown();
			this.gate.await(30, TimeUnit.SECONDS);
			this.events.add(event);
		}

		@EventListener
		void onLost(WithingsUserLostEvent event) {
			this.events.add(event);
		}

	}

}
