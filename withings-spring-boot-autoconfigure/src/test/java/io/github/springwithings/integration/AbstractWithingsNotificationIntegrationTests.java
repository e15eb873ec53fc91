package io.github.springwithings.integration;

import java.math.BigDecimal;
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

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.notification.WithingsSubscription;
import io.github.springwithings.notification.WithingsSubscriptionFailedEvent;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.github.springwithings.simulator.SimulatedBrowser;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorSubscription;
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
 * Notifications end to end, over real HTTP: a user who signs in is subscribed in the background
 * (subscribe-on-link, through {@link WithingsNotifications}, after the simulator's {@code HEAD}
 * probe of the callback), and the simulator delivers, retries and unlinks as Withings does. Run
 * on Tomcat and on Reactor Netty by the subclasses.
 */
public abstract class AbstractWithingsNotificationIntegrationTests {

	static final String PATH = "/withings/notifications/Zq3xv9Tt1mPp";

	@LocalServerPort
	int port;

	@Autowired
	WithingsAuthorizedClientService store;

	@Autowired
	WithingsNotificationReceiver receiver;

	@Autowired
	Listener listener;

	@Autowired
	WithingsNotifications notifications;

	@Autowired
	WithingsSubscribeOnLink subscribeOnLink;

	@Autowired
	WithingsApi withingsApi;

	@Autowired
	WithingsAuthorizedClients authorizedClients;


	final HttpClient http = HttpClient.newHttpClient();

	String userId;

	final Map<Outcome, Long> countsBefore = new java.util.EnumMap<>(Outcome.class);

	protected static void properties(DynamicPropertyRegistry registry, WithingsSimulator simulator) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		// port 0: the port the server listens on, known once it runs
		registry.add("withings.notifications.callback-url", () -> "http://127.0.0.1:0" + PATH);
		registry.add("withings.notifications.allowed-sources", () -> "127.0.0.1/32,::1/128");
		registry.add("withings.notifications.subscribe-spacing", () -> "0s");
		registry.add("withings.rate-limit.requests-per-minute", () -> "600");
		registry.add("withings.notifications.subscribe-retry-delays", () -> "200ms,200ms");
		// the starter's hand-off: one thread, two places in its queue
		registry.add("withings.notifications.executor.threads", () -> "1");
		registry.add("withings.notifications.executor.queue-capacity", () -> "2");
		// the durable inbox (the store is H2): retries and claims that ran out looked for often
		registry.add("withings.notifications.inbox.poll-interval", () -> "200ms");
		registry.add("withings.notifications.inbox.initial-backoff", () -> "100ms");
		registry.add("withings.notifications.inbox.max-backoff", () -> "1s");
	}

	protected abstract WithingsSimulator simulator();

	@BeforeEach
	void signIn() {
		simulator().reset();
		simulator().consentAsNewUsers();
		this.userId = signInNewUser();
		// subscribe-on-link: weight and user actions, in the background
		awaitSubscriptions(this.userId, 1, 46);
		this.listener.events.clear();
		this.listener.failures.clear();
		this.listener.threads.clear();
		this.listener.entered = new CountDownLatch(1);
		for (Outcome outcome : Outcome.values()) {
			this.countsBefore.put(outcome, this.receiver.count(outcome));
		}
	}

	/** Sign a new Withings user in through the app; their user id. */
	String signInNewUser() {
		HttpResponse<String> page = new SimulatedBrowser()
			.signIn("http://127.0.0.1:" + this.port + "/oauth2/authorization/withings", null);
		assertThat(page.statusCode()).as("signed in (the test app has no pages: 404 after the redirect)").isLessThan(500);
		return this.store.findPage("withings", null, 100)
			.stream()
			.map(WithingsAuthorizedClient::getUserId)
			.max(String::compareTo)
			.orElseThrow();
	}

	void awaitSubscriptions(String userId, Integer... appli) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(simulator().subscriptions(userId)).extracting(SimulatorSubscription::appli)
				.containsExactlyInAnyOrder(appli));
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
	void signInWhenSubscribeOnLinkThenSubscribedToTheCallbackInTheBackgroundNeverDelayingTheSignIn()
			throws Exception {
		assertThat(simulator().subscriptions(this.userId)).extracting(SimulatorSubscription::callbackUrl)
			.containsOnly("http://127.0.0.1:" + this.port + PATH);
		assertThat(this.notifications.list(this.userId)).extracting(WithingsSubscription::appli)
			.containsExactlyInAnyOrder(WithingsAppli.WEIGHT, WithingsAppli.USER_ACTION);
		CountDownLatch listed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// Withings holds the answer to the next /notify call (the new user's list) until released
		simulator().injectFault(SimulatorEndpoint.NOTIFY, SimulatorFault.hold(listed, release));
		try {
			String second = signInNewUser();

			assertThat(listed.await(10, TimeUnit.SECONDS)).as("the subscription has started").isTrue();
			assertThat(simulator().subscriptions(second)).as("signed in while Withings holds the subscription").isEmpty();
			release.countDown();
			awaitSubscriptions(second, 1, 46);
		}
		finally {
			release.countDown();
		}
		// subscribing again changes nothing; revoke and subscribe through the bean
		assertThat(this.notifications.subscribe(this.userId)).isEmpty();
		assertThat(this.notifications.revoke(this.userId, WithingsAppli.USER_ACTION)).isOne();
		awaitSubscriptions(this.userId, 1);
	}

	/** Withings cannot reach the callback (its HEAD is refused): retried, reported, and the sign-in works. */
	@Test
	void signInWhenWithingsCannotReachTheCallbackThenRetriedReportedAndTheLinkKept() throws Exception {
		long retries = this.subscribeOnLink.count(WithingsSubscribeOnLink.Outcome.RETRY);
		this.receiver.setAllowedSources(List.of("192.0.2.0/24"));

		String second = signInNewUser();

		WithingsSubscriptionFailedEvent failed = this.listener.failures.poll(20, TimeUnit.SECONDS);
		assertThat(failed).isNotNull();
		assertThat(failed.user().userId()).isEqualTo(second);
		assertThat(failed.appliCodes()).containsExactly(1, 46);
		assertThat(failed.attempts()).isEqualTo(3);
		assertThat(((WithingsApiException) failed.cause()).getStatus()).isEqualTo(293);
		assertThat(this.subscribeOnLink.count(WithingsSubscribeOnLink.Outcome.RETRY) - retries).isEqualTo(2);
		assertThat(this.store.loadByUserId("withings", second)).as("the link works").isNotNull();
		assertThat(simulator().subscriptions(second)).isEmpty();

		this.receiver.setAllowedSources(List.of("127.0.0.1/32", "::1/128"));
		assertThat(this.notifications.subscribe(second)).hasSize(2);
	}

	@Test
	void stepOnScaleWhenSubscribedThenOneEventWithUserAndDatesOffTheRequestThread() throws Exception {
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

		// the app fetches exactly the new measure: the notification's dates, straight
		WithingsMeasures added = this.withingsApi.forUser(event.userId())
			.getMeasures(event.startDate(), event.endDate(), WithingsMeasure.WEIGHT);
		assertThat(added.groups()).singleElement()
			.satisfies((group) -> assertThat(group.measure(WithingsMeasure.WEIGHT)).get()
				.extracting(WithingsMeasure::value)
				.isEqualTo(new BigDecimal("72.500")));
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
		this.listener.gate = new CountDownLatch(1);

		simulator().stepOnScale(this.userId, 65.0);

		assertThat(this.listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(simulator().awaitAcknowledgedNotifications(1, Duration.ofSeconds(10))).isTrue();
		assertThat(this.listener.events).isEmpty();   // the listener is still blocked
		assertThat(simulator().deliveries().get(0).duration()).isLessThan(Duration.ofSeconds(1));
		this.listener.gate.countDown();
		assertThat(nextEvent(WithingsNotificationEvent.class).userId()).isEqualTo(this.userId);
	}

	/**
	 * Review #9, with the durable inbox: a stuck listener fills the starter's bounded executor
	 * (one thread, two queued), but every notification is committed to the inbox and acknowledged
	 * (200) at once, the inserts having threads of their own; those past the executor's bound
	 * are handled from the inbox once a thread is free, each once. The application's own task
	 * executor is never used.
	 */
	@Test
	void notificationsWhenTheListenerIsStuckThenEachCommittedAcknowledgedAndHandledOnceItIsFree() throws Exception {
		this.listener.gate = new CountDownLatch(1);

		assertThat(status(distinct(1))).isEqualTo(200);
		assertThat(this.listener.entered.await(10, TimeUnit.SECONDS)).as("the one thread is held").isTrue();
		for (int n = 2; n <= 5; n++) {
			assertThat(status(distinct(n))).as("committed, acknowledged").isEqualTo(200);
		}
		assertThat(counted(Outcome.ACCEPTED)).isEqualTo(5);
		assertThat(counted(Outcome.BUSY)).isZero();

		this.listener.gate.countDown();
		List<Instant> handled = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			handled.add(nextEvent(WithingsNotificationEvent.class).startDate());
		}
		assertThat(handled).containsExactlyInAnyOrder(Instant.ofEpochSecond(1767225600 + 1),
				Instant.ofEpochSecond(1767225600 + 2), Instant.ofEpochSecond(1767225600 + 3),
				Instant.ofEpochSecond(1767225600 + 4), Instant.ofEpochSecond(1767225600 + 5));
		assertThat(this.listener.threads).hasSize(5)
			.allSatisfy((thread) -> assertThat(thread).startsWith("withings-notification-"));
	}

	/** A notification of the signed-in user that no other has. */
	private String distinct(int n) {
		return "userid=" + this.userId + "&appli=1&startdate=" + (1767225600 + n) + "&enddate=" + (1767225600 + n);
	}

	/** The status of a notification POST, a 5xx included. */
	private int status(String form) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + PATH))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@Test
	void unlinkWhenSubscribedToUserActionsThenLinkRemovedAndAnnounced() throws Exception {

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

	/**
	 * Forged unlinks spent the principal's renewals in the window: a real unlink is then committed
	 * to the inbox and answered 503 (not checked), the link kept, never dropped as late; Withings'
	 * retry finds it in the inbox (200), and the inbox's own retry, once the window is over,
	 * removes the link.
	 */
	@Test
	void unlinkWhenTheRenewalsAreSpentThen503LinkKeptAndTheInboxRetryRemovesItOnceTheWindowIsOver() throws Exception {
		SimulatorClock clock = new SimulatorClock();
		this.authorizedClients.setClock(clock);
		try {
			for (int i = 0; i < 3; i++) {
				assertThat(post(PATH, "userid=" + this.userId + "&appli=46&action=unlink&date=" + i).statusCode())
					.as("a forged unlink, while the link works").isEqualTo(200);
			}
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counted(Outcome.STALE_UNLINK) == 3);
			int grants = simulator().counters().refreshTokenGrants();

			assertThat(simulator().unlink(this.userId)).isOne();

			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> unlinkDeliveries().size() == 2); // Withings' two attempts of the first cycle
			assertThat(unlinkDeliveries()).extracting(SimulatorDelivery::httpStatus)
				.as("not checked, then in the inbox already")
				.containsExactly(503, 200);
			assertThat(counted(Outcome.UNLINK_UNVERIFIED)).isOne();
			assertThat(counted(Outcome.DUPLICATE)).isOne();
			assertThat(counted(Outcome.STALE_UNLINK)).as("never dropped as late").isEqualTo(3);
			assertThat(counted(Outcome.UNLINKED)).isZero();
			assertThat(this.store.loadByUserId("withings", this.userId)).as("kept").isNotNull();
			assertThat(simulator().counters().refreshTokenGrants()).as("Withings not asked").isEqualTo(grants);
			assertThat(this.listener.events).isEmpty();

			clock.advance(Duration.ofMinutes(1));

			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> this.store.loadByUserId("withings", this.userId) == null);
			WithingsUserLostEvent lost = nextEvent(WithingsUserLostEvent.class);
			assertThat(lost.reason()).isEqualTo(WithingsUserLostEvent.Reason.UNLINKED);
			assertThat(nextEvent(WithingsNotificationEvent.class).unlinked()).isTrue();
			assertThat(counted(Outcome.UNLINKED)).isOne();
			assertThat(counted(Outcome.RETRIED)).as("retried by the inbox while the window lasted").isPositive();
			assertThat(unlinkDeliveries()).as("Withings did not need to retry it").hasSize(2);
		}
		finally {
			this.authorizedClients.setClock(java.time.Clock.systemUTC());
		}
	}

	/** The simulator's attempts to deliver the user's unlink notification. */
	private List<SimulatorDelivery> unlinkDeliveries() {
		return simulator().deliveries()
			.stream()
			.filter((delivery) -> delivery.userId().equals(this.userId) && delivery.appli() == 46)
			.toList();
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

	/** The application of both subclasses (public: the reactive one is in {@code integration.reactive}). */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class NotificationApplication {

		@Bean
		Listener listener() {
			return new Listener();
		}

		/** An application task executor of its own: the hand-off never goes to it (the starter's own does). */
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

		final BlockingQueue<WithingsSubscriptionFailedEvent> failures = new LinkedBlockingQueue<>();

		@EventListener
		void onSubscriptionFailed(WithingsSubscriptionFailedEvent event) {
			this.failures.add(event);
		}

	}

}
