package io.github.springwithings.simulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Withings' notification service, played by the simulator over real HTTP: {@code /notify}
 * (subscribe with a {@code HEAD} probe, get, list, update, revoke), the events that send
 * notifications (a weight, any category, an unlink) and their delivery to a real callback server,
 * retried when not acknowledged. Nothing sleeps: the tests wait on the simulator's delivery
 * counters and move its clock.
 */
class WithingsSimulatorNotificationTests {

	private static final String CLIENT_ID = WithingsSimulator.DEFAULT_CLIENT_ID;

	private static final String SECRET = WithingsSimulator.DEFAULT_CLIENT_SECRET;

	private static final String REDIRECT_URI = "https://app.example.org/callback";

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private WithingsSimulator simulator;

	private CallbackServer callback;

	@BeforeEach
	void start() throws Exception {
		this.simulator = WithingsSimulator.start();
		this.callback = CallbackServer.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		this.callback.close();
	}

	@Test
	void subscribeWhenCallbackAnswersHeadWith2xxThenSubscribedAfterTheProbe() throws Exception {
		Tokens alice = link("363", "user.metrics");
		String url = this.callback.url("/withings/notify");

		Map<String, Object> subscribed = notify(alice, "subscribe", "callbackurl", url, "appli", "1", "comment", "weight");

		assertThat(subscribed).containsEntry("status", 0).containsEntry("body", Map.of());
		assertThat(this.callback.requests()).singleElement().satisfies((probe) -> {
			assertThat(probe.method()).isEqualTo("HEAD");
			assertThat(probe.path()).isEqualTo("/withings/notify");
		});
		assertThat(this.simulator.counters().callbackProbes()).isOne();
		assertThat(this.simulator.subscriptions("363"))
			.containsExactly(new SimulatorSubscription(CLIENT_ID, "363", 1, url, "weight"));
		assertThat(body(notify(alice, "list")))
			.isEqualTo(Map.of("profiles", List.of(Map.of("appli", 1, "callbackurl", url, "comment", "weight"))));
	}

	@Test
	void subscribeWhenHeadAnswers405Or500Or302OrNobodyListensThenRefusedWith293() throws Exception {
		Tokens alice = link("363", "user.metrics");
		String url = this.callback.url("/withings/notify");
		String deadUrl;
		try (CallbackServer gone = CallbackServer.start()) {
			deadUrl = gone.url("/withings/notify");
		}

		for (int status : new int[] { 405, 500, 302 }) {
			this.callback.answerHead(status);
			assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "1")).as("HEAD " + status)
				.containsEntry("status", 293)
				.containsEntry("error", "The callback URL is either absent or incorrect (HEAD answered " + status + ")");
		}
		assertThat(notify(alice, "subscribe", "callbackurl", deadUrl, "appli", "1")).containsEntry("status", 293);

		assertThat(this.callback.requests("HEAD")).hasSize(3);
		assertThat(this.simulator.subscriptions("363")).isEmpty();
		assertThat(this.simulator.counters().callbackProbes()).isEqualTo(4);
		assertThat(this.simulator.counters().refusedCallbacks()).isEqualTo(4);
	}

	@Test
	void subscribeWhenSameCallbackAndAppliTwiceThenBothKeptGetShowsTheLastAndOneNotificationPerEvent()
			throws Exception {
		Tokens alice = link("363", "user.metrics");
		String url = this.callback.url("/weight");

		assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "1", "comment", "first"))
			.containsEntry("status", 0);
		assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "1", "comment", "second"))
			.containsEntry("status", 0);

		assertThat((List<?>) body(notify(alice, "list")).get("profiles")).hasSize(2);
		// no appli: Withings considers appli 1
		assertThat(body(notify(alice, "get", "callbackurl", url)))
			.isEqualTo(Map.of("appli", 1, "callbackurl", url, "comment", "second"));
		assertThat(this.simulator.stepOnScale("363", 70)).isOne();
		assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();
		assertThat(this.simulator.counters().notificationsSent()).isOne();
	}

	@Test
	void getUpdateListRevokeWhenManagedThenAsWithingsDocumentsThem() throws Exception {
		Tokens alice = link("363", "user.metrics,user.activity");
		String first = this.callback.url("/first");
		String second = this.callback.url("/second");
		notify(alice, "subscribe", "callbackurl", first, "appli", "1");
		notify(alice, "subscribe", "callbackurl", first, "appli", "44");

		assertThat(body(notify(alice, "get", "callbackurl", first, "appli", "44")))
			.isEqualTo(Map.of("appli", 44, "callbackurl", first));
		assertThat(notify(alice, "get", "callbackurl", second)).containsEntry("status", 286);

		assertThat(notify(alice, "update", "callbackurl", first, "appli", "1", "comment", "renamed"))
			.containsEntry("status", 0);
		assertThat(body(notify(alice, "get", "callbackurl", first))).containsEntry("comment", "renamed");
		assertThat(notify(alice, "update", "callbackurl", first, "appli", "1", "new_appli", "4"))
			.containsEntry("status", 0);
		assertThat(body(notify(alice, "list", "appli", "4"))).isEqualTo(
				Map.of("profiles", List.of(Map.of("appli", 4, "callbackurl", first, "comment", "renamed"))));
		assertThat(notify(alice, "update", "callbackurl", first, "appli", "4", "new_callbackurl", second))
			.containsEntry("status", 0);
		assertThat(this.callback.requests("HEAD")).extracting(CallbackServer.Received::path)
			.containsExactly("/first", "/first", "/second");
		assertThat(notify(alice, "update", "callbackurl", first, "appli", "4", "comment", "x"))
			.containsEntry("status", 286);
		assertThat(notify(alice, "update", "callbackurl", second, "appli", "4", "new_appli", "16", "comment", "x"))
			.containsEntry("status", 503);
		assertThat(notify(alice, "update", "callbackurl", second, "appli", "4", "new_appli", "50"))
			.containsEntry("status", 214);

		assertThat(notify(alice, "revoke", "callbackurl", second, "appli", "4")).containsEntry("status", 0);
		assertThat(notify(alice, "revoke", "callbackurl", second, "appli", "4")).containsEntry("status", 294);
		// no appli: every category of that callback URL
		assertThat(notify(alice, "revoke", "callbackurl", first)).containsEntry("status", 0);
		assertThat(body(notify(alice, "list"))).isEqualTo(Map.of("profiles", List.of()));
	}

	@Test
	void notifyWhenAccessTokenBadOrExpiredOrAbsentThenStatus401AndNoProbe() throws Exception {
		String url = this.callback.url("/weight");
		Tokens alice = link("363", "user.metrics");
		Map<String, String> subscribe = form("action", "subscribe", "callbackurl", url, "appli", "1");

		assertThat(post("/notify", subscribe, "Bearer not-a-token")).containsEntry("status", 401)
			.containsEntry("error", WithingsBackend.INVALID_TOKEN);
		assertThat(post("/notify", subscribe, null)).containsEntry("status", 401);
		this.simulator.clock().advance(Duration.ofHours(3));
		assertThat(post("/notify", subscribe, "Bearer " + alice.accessToken())).containsEntry("status", 401);

		assertThat(this.callback.requests()).isEmpty();
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isEqualTo(3);
		assertThat(this.simulator.counters().notifyRequests()).isEqualTo(3);
	}

	@Test
	void notifyWhenParametersMissingOrWrongOrScopeMissingThenWithingsStatuses() throws Exception {
		Tokens alice = link("363", "user.metrics");
		String url = this.callback.url("/withings");

		assertThat(notify(alice, "subscribe", "appli", "1")).containsEntry("status", 293);
		assertThat(notify(alice, "subscribe", "callbackurl", url)).containsEntry("status", 503);
		for (String appli : List.of("7", "abc", "-1", "53")) {
			assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", appli)).as(appli)
				.containsEntry("status", 503);
		}
		assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "16")).containsEntry("status", 214)
			.containsEntry("error", "Unauthorized: appli 16 needs scope user.activity");
		assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "1", "comment", "c".repeat(256)))
			.containsEntry("status", 304);
		for (String bad : List.of("ftp://app.example.org/withings", "not a url", "/withings",
				"https://app.example.org/" + "a".repeat(300))) {
			assertThat(notify(alice, "subscribe", "callbackurl", bad, "appli", "1")).as(bad)
				.containsEntry("status", 293);
		}
		assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "1", "nonce", "n", "signature", "s"))
			.containsEntry("status", 503);
		assertThat(notify(alice, "unsubscribe", "callbackurl", url)).containsEntry("status", 2554);
		assertThat(post("/notify", Map.of("callbackurl", url), "Bearer " + alice.accessToken()))
			.containsEntry("status", 2554);
		assertThat(notify(alice, "get")).containsEntry("status", 293);
		assertThat(notify(alice, "revoke")).containsEntry("status", 293);
		assertThat(this.simulator.counters().callbackProbes()).isZero();
		// the user-action category needs no particular scope
		assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "46")).containsEntry("status", 0);
	}

	@Test
	void subscribeWhenStrictCallbackUrlsThenOnlyPublicHttpsUrlsOnPort443Or80AreProbed() throws Exception {
		Tokens alice = link("363", "user.metrics");
		this.simulator.setStrictCallbackUrls(true);

		assertThat(notify(alice, "subscribe", "callbackurl", this.callback.url("/withings"), "appli", "1"))
			.containsEntry("status", 293)
			.containsEntry("error", "The callback URL is either absent or incorrect (HTTPS only)");
		for (String url : List.of("https://localhost/withings", "https://10.0.0.7/withings",
				"https://[::1]/withings", "https://app.example.org:8443/withings")) {
			assertThat(notify(alice, "subscribe", "callbackurl", url, "appli", "1")).as(url)
				.containsEntry("status", 293);
		}

		assertThat(this.simulator.counters().callbackProbes()).isZero();
		assertThat(CallbackUrlRules.urlProblem("https://app.example.org/withings/notify", true)).isNull();
		assertThat(CallbackUrlRules.urlProblem("https://app.example.org:443/withings", true)).isNull();
		assertThat(CallbackUrlRules.urlProblem("http://127.0.0.1:8080/withings", false)).isNull();
	}

	@Test
	@SuppressWarnings("unchecked")
	void stepOnScaleWhenSubscribedThenNotificationPostedAndTheWeightVisibleToGetmeas() throws Exception {
		Tokens alice = link("363", "user.metrics,user.sleepevents");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/bed"), "appli", "50");
		Tokens bob = link("364", "user.metrics");
		notify(bob, "subscribe", "callbackurl", this.callback.url("/bob"), "appli", "1");
		long before = this.simulator.clock().instant().getEpochSecond();

		assertThat(this.simulator.stepOnScale("363", 72.5)).isOne();

		assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();
		long after = this.simulator.clock().instant().getEpochSecond();
		CallbackServer.Received notification = this.callback.requests("POST").get(0);
		assertThat(this.callback.requests("POST")).hasSize(1);
		assertThat(notification.path()).isEqualTo("/weight");
		assertThat(notification.contentType()).startsWith("application/x-www-form-urlencoded");
		assertThat(notification.form()).containsOnlyKeys("userid", "appli", "startdate", "enddate")
			.containsEntry("userid", "363")
			.containsEntry("appli", "1");
		long date = Long.parseLong(notification.form().get("startdate"));
		assertThat(date).isBetween(before, after);
		assertThat(notification.form()).containsEntry("enddate", Long.toString(date));
		assertThat(this.simulator.deliveries()).singleElement().satisfies((delivery) -> {
			assertThat(delivery.attempt()).isOne();
			assertThat(delivery.httpStatus()).isEqualTo(200);
			assertThat(delivery.outcome()).isEqualTo(SimulatorDelivery.Outcome.ACKNOWLEDGED);
			assertThat(delivery.callbackUrl()).isEqualTo(this.callback.url("/weight"));
			assertThat(delivery.fields()).isEqualTo(notification.form());
		});

		Map<String, Object> measures = body(post("/measure",
				form("action", "getmeas", "startdate", Long.toString(date), "enddate", Long.toString(date)),
				"Bearer " + alice.accessToken()));
		assertThat((List<?>) measures.get("measuregrps")).singleElement().satisfies((group) -> {
			Map<?, ?> weighing = (Map<?, ?>) group;
			assertThat(((Number) weighing.get("date")).longValue()).isEqualTo(date);
			assertThat(weighing.get("category")).isEqualTo(1);
			assertThat((List<Object>) weighing.get("measures"))
				.containsExactly(Map.of("value", 72500, "type", 1, "unit", -3, "algo", 0, "fm", 1));
		});
		assertThat(this.simulator.counters().notificationsSent()).isOne();
	}

	@Test
	void deliveryWhenAckNot2xxThenRetriedAtOnceThenAfterTenSecondsOnTheClock() throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		this.callback.answerPosts(500, 503);

		this.simulator.stepOnScale("363", 70);

		assertThat(this.simulator.awaitDeliveryAttempts(2, WAIT)).isTrue();
		assertThat(this.simulator.deliveries()).extracting(SimulatorDelivery::attempt, SimulatorDelivery::httpStatus,
				SimulatorDelivery::outcome)
			.containsExactly(tuple(1, 500, SimulatorDelivery.Outcome.REJECTED),
					tuple(2, 503, SimulatorDelivery.Outcome.REJECTED));
		assertThat(this.simulator.pendingNotificationAttempts()).isOne();

		this.simulator.clock().advance(Duration.ofSeconds(10));

		assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();
		assertThat(this.simulator.deliveries()).hasSize(3).last().satisfies((delivery) -> {
			assertThat(delivery.attempt()).isEqualTo(3);
			assertThat(delivery.acknowledged()).isTrue();
		});
		assertThat(this.simulator.deliveries()).extracting(SimulatorDelivery::notificationId).containsOnly(1L);
		assertThat(this.callback.requests("POST")).extracting(CallbackServer.Received::form).hasSize(3).containsOnly(
				this.callback.requests("POST").get(0).form());
	}

	@Test
	void deliveryWhenAckSlowerThanTheAckTimeoutThenTimedOutAndRetried() throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		this.simulator.setNotificationAckTimeout(Duration.ofMillis(250));
		CountDownLatch release = new CountDownLatch(1);
		this.callback.holdNextPost(release);

		this.simulator.stepOnScale("363", 70);

		try {
			assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();
		}
		finally {
			release.countDown();
		}
		assertThat(this.simulator.deliveries()).hasSize(2).first().satisfies((delivery) -> {
			assertThat(delivery.outcome()).isEqualTo(SimulatorDelivery.Outcome.TIMEOUT);
			assertThat(delivery.httpStatus()).isZero();
			assertThat(delivery.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		});
		assertThat(this.simulator.deliveries().get(1).outcome()).isEqualTo(SimulatorDelivery.Outcome.ACKNOWLEDGED);
	}

	@Test
	void deliveryWhenEveryAttemptFailsThenGivenUpAfterTheScheduleAndTheSubscriptionRemovedWhenAsked()
			throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		this.simulator.setNotificationRetrySchedule(1, Duration.ofMinutes(1));
		this.simulator.setRemoveSubscriptionAfterFailures(2);
		this.callback.answerPosts(500, 500);

		this.simulator.stepOnScale("363", 70);
		assertThat(this.simulator.awaitDeliveryAttempts(1, WAIT)).isTrue();
		assertThat(this.simulator.subscriptions("363")).hasSize(1);
		this.simulator.clock().advance(Duration.ofMinutes(1));

		assertThat(this.simulator.awaitDeliveryAttempts(2, WAIT)).isTrue();
		assertThat(this.simulator.counters().notificationsAbandoned()).isOne();
		assertThat(this.simulator.pendingNotificationAttempts()).isZero();
		assertThat(this.simulator.subscriptions("363")).isEmpty();
		assertThat(this.simulator.stepOnScale("363", 71)).isZero();
	}

	@Test
	void deliveryWhenRedirectAnsweredThenRejectedUnlessAnyStatusBelow400Acknowledges() throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		this.callback.answerPosts(302);
		this.simulator.stepOnScale("363", 70);
		assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();

		this.simulator.setNotificationAckBelow400(true);
		this.callback.answerPosts(302);
		this.simulator.stepOnScale("363", 70);

		assertThat(this.simulator.awaitAcknowledgedNotifications(2, WAIT)).isTrue();
		assertThat(this.simulator.deliveries()).extracting(SimulatorDelivery::httpStatus, SimulatorDelivery::outcome)
			.containsExactly(tuple(302, SimulatorDelivery.Outcome.REJECTED),
					tuple(200, SimulatorDelivery.Outcome.ACKNOWLEDGED),
					tuple(302, SimulatorDelivery.Outcome.ACKNOWLEDGED));
	}

	@Test
	void unlinkWhenSubscribedToUserActionsThenNotifiedTokensRevokedAndSubscriptionsRemoved() throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/actions"), "appli", "46");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");

		assertThat(this.simulator.unlink("363")).isOne();

		assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();
		assertThat(this.callback.requests("POST")).singleElement().satisfies((notification) -> {
			assertThat(notification.path()).isEqualTo("/actions");
			assertThat(notification.form()).containsExactlyEntriesOf(form("userid", "363", "appli", "46", "action", "unlink"));
		});
		assertThat(post("/measure", form("action", "getmeas"), "Bearer " + alice.accessToken())).containsEntry("status",
				401);
		assertThat(this.simulator.refreshTokenState(alice.refreshToken())).isEqualTo(RefreshTokenState.DEAD);
		assertThat(this.simulator.subscriptions("363")).isEmpty();
		assertThat(this.simulator.stepOnScale("363", 70)).isZero();
		assertThat(this.simulator.unlink("363")).isZero();
	}

	@Test
	void revokeWhenTheApplicationRevokesTheUserThenOnlyItsSubscriptionsAreRemovedAndNobodyIsNotified()
			throws Exception {
		this.simulator.registerClient("other-app", "other-secret");
		Tokens alice = link("363", "user.metrics");
		Tokens aliceInOtherApp = link("other-app", "other-secret", "363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/app"), "appli", "46");
		notify(aliceInOtherApp, "subscribe", "callbackurl", this.callback.url("/other"), "appli", "1");
		String nonce = nonce();

		Map<String, Object> revoked = post("/v2/oauth2", form("action", "revoke", "client_id", CLIENT_ID, "nonce",
				nonce, "signature", hmac(SECRET, "revoke", CLIENT_ID, nonce), "userid", "363"), null);

		assertThat(revoked).containsEntry("status", 0);
		assertThat(this.simulator.subscriptions("363")).extracting(SimulatorSubscription::clientId)
			.containsExactly("other-app");
		assertThat(this.simulator.revokeUser("363")).isTrue();
		assertThat(this.simulator.subscriptions("363")).isEmpty();
		assertThat(this.simulator.counters().notificationsSent()).isZero();
	}

	@Test
	void notifyUserWhenEventOrPeriodCategoryThenTheGivenFieldsArePosted() throws Exception {
		Tokens alice = link("363", "user.sleepevents,user.activity");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/bed"), "appli", "50");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/sleep"), "appli", "44");

		assertThat(this.simulator.notifyUser("363", 50, form("date", "2025-01-31", "deviceid", "abc"))).isOne();
		assertThat(this.simulator.notifyUser("363", 44, Instant.ofEpochSecond(1000), Instant.ofEpochSecond(2000)))
			.isOne();

		assertThat(this.simulator.awaitAcknowledgedNotifications(2, WAIT)).isTrue();
		Map<String, Map<String, String>> forms = this.callback.requests("POST")
			.stream()
			.collect(Collectors.toMap(CallbackServer.Received::path, CallbackServer.Received::form));
		assertThat(forms.get("/bed"))
			.containsExactlyEntriesOf(form("userid", "363", "appli", "50", "date", "2025-01-31", "deviceid", "abc"));
		assertThat(forms.get("/sleep"))
			.containsExactlyEntriesOf(form("userid", "363", "appli", "44", "startdate", "1000", "enddate", "2000"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.notifyUser("363", 99, Map.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.notifyUser("alice", 1, Map.of()));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.notifyUser("363", 50, Map.of("userid", "364")));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.stepOnScale("363", 0));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.stepOnScale("363", Double.NaN));
	}

	@Test
	@SuppressWarnings("unchecked")
	void adminApiWhenStepOnScaleNotifyAndUnlinkThenOverHttp() throws Exception {
		Tokens alice = link("363", "user.metrics,user.activity");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/activity"), "appli", "16");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/actions"), "appli", "46");

		HttpResponse<String> weighed = admin("POST", "/users/363/step-on-scale", "{\"weightKg\":80}");
		HttpResponse<String> notified = admin("POST", "/users/363/notify", "{\"appli\":16,\"startdate\":1,\"enddate\":2}");

		assertThat(weighed.statusCode()).isEqualTo(200);
		assertThat(read(weighed)).containsEntry("userId", "363").containsEntry("notifications", 1).containsKey("date");
		assertThat(read(notified)).containsEntry("notifications", 1);
		assertThat(this.simulator.awaitAcknowledgedNotifications(2, WAIT)).isTrue();
		assertThat((List<?>) read(admin("GET", "/users/363/subscriptions", null)).get("subscriptions")).hasSize(3);
		Map<String, Object> log = read(admin("GET", "/notifications", null));
		assertThat(log).containsEntry("subscriptions", 3).containsEntry("pendingAttempts", 0);
		assertThat((List<?>) log.get("deliveries")).hasSize(2)
			.allSatisfy((delivery) -> assertThat((Map<String, Object>) delivery).containsEntry("outcome", "ACKNOWLEDGED")
				.containsEntry("httpStatus", 200));
		assertThat((Map<String, Object>) read(admin("GET", "/state", null)).get("counters"))
			.containsEntry("notificationsAcknowledged", 2);

		HttpResponse<String> unlinked = admin("POST", "/users/363/unlink", null);

		assertThat(read(unlinked)).containsEntry("unlinked", true).containsEntry("notifications", 1);
		assertThat(this.simulator.awaitAcknowledgedNotifications(3, WAIT)).isTrue();
		assertThat(admin("POST", "/users/999/unlink", null).statusCode()).isEqualTo(404);
		assertThat(admin("POST", "/users/363/step-on-scale", "{\"weightKg\":-1}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/363/step-on-scale", "{}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/alice/step-on-scale", "{\"weightKg\":70}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/363/notify", "{\"appli\":99}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/363/notify", "{\"appli\":16,\"foo\":1}").statusCode()).isEqualTo(400);
	}

	@Test
	@SuppressWarnings("unchecked")
	void recordWhenSubscribedThenEachKindNotifiedWithItsWithingsAppliAndPeriod() throws Exception {
		Tokens alice = link("363", "user.metrics,user.activity");
		for (String appli : List.of("1", "16", "44", "54")) {
			notify(alice, "subscribe", "callbackurl", this.callback.url("/appli/" + appli), "appli", appli);
		}
		List<Map<String, Object>> groups = (List<Map<String, Object>>) body(
				post("/measure", form("action", "getmeas"), "Bearer " + alice.accessToken())).get("measuregrps");
		long grpid = ((Number) groups.get(3).get("grpid")).longValue();
		long weighed = ((Number) groups.get(3).get("date")).longValue();
		Instant now = this.simulator.clock().instant();
		LocalDate today = LocalDate.ofInstant(now, SimulatorData.ZONE);
		long dayStart = today.atStartOfDay(SimulatorData.ZONE).toEpochSecond();
		Instant sleep = now.minus(Duration.ofHours(8));
		Instant walk = now.minus(Duration.ofHours(2));
		Instant ecg = now.minus(Duration.ofMinutes(3));

		assertThat(this.simulator.changeMeasure("363", grpid, 69.9)).isOne();
		assertThat(this.simulator.recordActivity("363", today, 2500)).isOne();
		assertThat(this.simulator.recordSleep("363", sleep, now)).isOne();
		assertThat(this.simulator.recordWorkout("363", 1, walk, walk.plus(Duration.ofMinutes(40)))).isOne();
		assertThat(this.simulator.recordHeartRecording("363", ecg)).isOne();

		assertThat(this.simulator.awaitAcknowledgedNotifications(5, WAIT)).isTrue();
		assertThat(this.callback.requests("POST")).extracting(CallbackServer.Received::path,
				(received) -> received.form().get("appli"), (received) -> received.form().get("startdate"),
				(received) -> received.form().get("enddate"))
			.containsExactlyInAnyOrder(tuple("/appli/1", "1", String.valueOf(weighed), String.valueOf(weighed)),
					tuple("/appli/16", "16", String.valueOf(dayStart),
							String.valueOf(today.plusDays(1).atStartOfDay(SimulatorData.ZONE).toEpochSecond() - 1)),
					tuple("/appli/44", "44", String.valueOf(sleep.getEpochSecond()), String.valueOf(now.getEpochSecond())),
					tuple("/appli/16", "16", String.valueOf(walk.getEpochSecond()),
							String.valueOf(walk.plus(Duration.ofMinutes(40)).getEpochSecond())),
					tuple("/appli/54", "54", String.valueOf(ecg.getEpochSecond()), String.valueOf(ecg.getEpochSecond())));
		assertThat(this.callback.requests("POST"))
			.allSatisfy((received) -> assertThat(received.form()).containsEntry("userid", "363"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void dropNotificationsWhenCountThenThoseNeverDeliveredWhileTheDataChanges() throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/alice"), "appli", "1");
		Tokens bob = link("364", "user.metrics");
		notify(bob, "subscribe", "callbackurl", this.callback.url("/bob"), "appli", "1");
		long lastUpdate = this.simulator.clock().instant().getEpochSecond();
		this.simulator.clock().advance(Duration.ofSeconds(1));

		this.simulator.dropNotifications("363", 2);
		assertThat(this.simulator.stepOnScale("363", 71.1)).isZero();
		assertThat(this.simulator.stepOnScale("364", 88)).isOne();
		this.simulator.clock().advance(Duration.ofSeconds(1));
		assertThat(this.simulator.stepOnScale("363", 71.2)).isZero();

		assertThat(this.simulator.droppedNotifications()).isEqualTo(2);
		assertThat(this.simulator.awaitAcknowledgedNotifications(1, WAIT)).isTrue();
		// nothing waits to be delivered: the dropped ones were never queued
		assertThat(this.simulator.pendingNotificationAttempts()).isZero();
		List<Map<String, Object>> changed = (List<Map<String, Object>>) body(post("/measure",
				form("action", "getmeas", "lastupdate", Long.toString(lastUpdate)), "Bearer " + alice.accessToken()))
			.get("measuregrps");
		assertThat(changed).hasSize(2);
		// used up: the next one arrives
		this.simulator.clock().advance(Duration.ofSeconds(1));
		long before = this.simulator.clock().instant().getEpochSecond();
		assertThat(this.simulator.stepOnScale("363", 71.3)).isOne();
		long after = this.simulator.clock().instant().getEpochSecond();
		assertThat(this.simulator.awaitAcknowledgedNotifications(2, WAIT)).isTrue();
		assertThat(this.callback.requests("POST")).extracting(CallbackServer.Received::path)
			.containsExactlyInAnyOrder("/bob", "/alice");
		CallbackServer.Received third = this.callback.requests("POST")
			.stream()
			.filter((received) -> received.path().equals("/alice"))
			.findFirst()
			.orElseThrow();
		assertThat(Long.parseLong(third.form().get("startdate"))).isBetween(before, after);
		assertThat(this.simulator.deliveries()).hasSize(2)
			.allSatisfy((delivery) -> assertThat(delivery.acknowledged()).isTrue());
		assertThat(this.simulator.deliveries()).filteredOn((delivery) -> delivery.userId().equals("363"))
			.singleElement()
			.satisfies((delivery) -> assertThat(delivery.fields()).isEqualTo(third.form()));
		assertThat(this.simulator.counters().notificationsSent()).isEqualTo(2);
		assertThat(this.simulator.counters().notificationsDropped()).isEqualTo(2);

		this.simulator.dropNotifications("363", 5);
		this.simulator.dropNotifications("363", 0);
		assertThat(this.simulator.stepOnScale("363", 71.4)).isOne();
		assertThat(this.simulator.awaitAcknowledgedNotifications(3, WAIT)).isTrue();
		this.simulator.dropNotifications("363", 1);
		this.simulator.reset();
		assertThat(this.simulator.droppedNotifications()).isZero();
	}

	@Test
	@SuppressWarnings("unchecked")
	void adminApiWhenDataRecordedChangedAndNotificationsDroppedThenOverHttp() throws Exception {
		Tokens alice = link("363", "user.metrics,user.activity");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/activity"), "appli", "16");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		List<Map<String, Object>> groups = (List<Map<String, Object>>) body(
				post("/measure", form("action", "getmeas"), "Bearer " + alice.accessToken())).get("measuregrps");
		long grpid = ((Number) groups.get(0).get("grpid")).longValue();
		long lastUpdate = this.simulator.clock().instant().getEpochSecond();
		this.simulator.clock().advance(Duration.ofMinutes(1));
		long now = this.simulator.clock().instant().getEpochSecond();
		String today = LocalDate.ofInstant(Instant.ofEpochSecond(now), SimulatorData.ZONE).toString();

		HttpResponse<String> activity = admin("POST", "/users/363/activity",
				"{\"date\":\"" + today + "\",\"steps\":1234}");
		HttpResponse<String> sleep = admin("POST", "/users/363/sleep",
				"{\"start\":" + (now - 28_800) + ",\"end\":" + (now - 60) + "}");
		HttpResponse<String> workout = admin("POST", "/users/363/workouts",
				"{\"category\":2,\"start\":" + (now - 3_600) + ",\"end\":" + (now - 1_800) + "}");
		HttpResponse<String> heart = admin("POST", "/users/363/heart", "{\"timestamp\":" + (now - 120) + "}");
		HttpResponse<String> dropped = admin("POST", "/users/363/drop-notifications", "{\"count\":1}");
		HttpResponse<String> changed = admin("POST", "/users/363/measures/" + grpid, "{\"weightKg\":71.5}");
		long after = this.simulator.clock().instant().getEpochSecond();

		assertThat(read(activity)).containsEntry("userId", "363").containsEntry("date", today)
			.containsEntry("steps", 1234).containsEntry("notifications", 1);
		assertThat(read(sleep)).containsEntry("notifications", 0).containsKey("id");
		assertThat(read(workout)).containsEntry("notifications", 1).containsKey("id");
		assertThat(read(heart)).containsEntry("notifications", 0).containsKey("signalid");
		assertThat(read(dropped)).containsEntry("count", 1).containsEntry("dropped", 0);
		assertThat(read(changed)).containsEntry("grpid", (int) grpid).containsEntry("notifications", 0);
		assertThat(this.simulator.droppedNotifications()).isOne();
		assertThat((Map<String, Object>) read(admin("GET", "/state", null)).get("counters"))
			.containsEntry("notificationsDropped", 1);
		assertThat(this.simulator.awaitAcknowledgedNotifications(2, WAIT)).isTrue();
		assertThat(this.callback.requests("POST")).extracting(CallbackServer.Received::path)
			.containsExactlyInAnyOrder("/activity", "/activity");
		String since = Long.toString(lastUpdate);
		String bearer = "Bearer " + alice.accessToken();
		assertThat((List<Map<String, Object>>) body(post("/measure", form("action", "getmeas", "lastupdate", since),
				bearer)).get("measuregrps"))
			.singleElement()
			.satisfies((group) -> {
				assertThat(group).containsEntry("grpid", (int) grpid);
				assertThat(((Number) group.get("modified")).longValue()).isBetween(now, after);
			});
		assertThat((List<Map<String, Object>>) body(post("/v2/measure",
				form("action", "getactivity", "lastupdate", since), bearer)).get("activities"))
			.singleElement()
			.satisfies((day) -> {
				assertThat(day).containsEntry("steps", 1234);
				assertThat(((Number) day.get("modified")).longValue()).isBetween(now, after);
			});
		assertThat((List<?>) body(post("/v2/sleep", form("action", "getsummary", "lastupdate", since), bearer))
			.get("series")).hasSize(1);
		assertThat((List<?>) body(post("/v2/measure", form("action", "getworkouts", "lastupdate", since), bearer))
			.get("series")).hasSize(1);
		assertThat((List<?>) body(post("/v2/heart", form("action", "list", "startdate", Long.toString(now - 120),
				"enddate", Long.toString(now)), bearer)).get("series")).hasSize(1);

		assertThat(admin("POST", "/users/363/measures/42", "{\"weightKg\":70}").statusCode()).isEqualTo(404);
		assertThat(admin("POST", "/users/363/measures/abc", "{\"weightKg\":70}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/363/activity", "{\"date\":\"07/12/2026\",\"steps\":1}").statusCode())
			.isEqualTo(400);
		assertThat(admin("POST", "/users/363/activity", "{\"day\":\"" + today + "\",\"steps\":1}").statusCode())
			.isEqualTo(400);
		assertThat(admin("POST", "/users/363/sleep", "{\"start\":" + now + ",\"end\":" + (now - 1) + "}")
			.statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/363/workouts", "{\"start\":" + (now - 60) + ",\"end\":" + now + "}")
			.statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/363/heart", "{\"timestamp\":" + (now + 60) + "}").statusCode())
			.isEqualTo(400);
		assertThat(admin("POST", "/users/363/drop-notifications", "{\"count\":-1}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/users/bob/drop-notifications", "{\"count\":1}").statusCode()).isEqualTo(400);
	}

	@Test
	void resetWhenARetryIsPendingThenSubscriptionsRetriesAndLogForgotten() throws Exception {
		Tokens alice = link("363", "user.metrics");
		notify(alice, "subscribe", "callbackurl", this.callback.url("/weight"), "appli", "1");
		this.simulator.setNotificationRetrySchedule(1, Duration.ofHours(1));
		this.callback.answerPosts(500);
		this.simulator.stepOnScale("363", 70);
		assertThat(this.simulator.awaitDeliveryAttempts(1, WAIT)).isTrue();
		assertThat(this.simulator.pendingNotificationAttempts()).isOne();

		this.simulator.reset();

		assertThat(this.simulator.pendingNotificationAttempts()).isZero();
		assertThat(this.simulator.deliveries()).isEmpty();
		assertThat(this.simulator.subscriptions("363")).isEmpty();
		assertThat(this.simulator.counters().notificationAttempts()).isZero();
	}

	@Test
	void injectFaultWhenNotifyThenPlayedOnTheNextNotifyCall() throws Exception {
		Tokens alice = link("363", "user.metrics");
		this.simulator.injectFault(SimulatorEndpoint.NOTIFY, SimulatorFault.httpStatus(502));

		HttpResponse<String> failed = postRaw("/notify", form("action", "list"), "Bearer " + alice.accessToken());

		assertThat(failed.statusCode()).isEqualTo(502);
		assertThat(notify(alice, "list")).containsEntry("status", 0);
	}

	// --- helpers ----------------------------------------------------------------------------------

	private record Tokens(String userId, String accessToken, String refreshToken) {
	}

	private Tokens link(String userId, String scope) throws Exception {
		return link(CLIENT_ID, SECRET, userId, scope);
	}

	private Tokens link(String clientId, String secret, String userId, String scope) throws Exception {
		this.simulator.setConsentingUserId(userId);
		String code = this.simulator.authorize(clientId, REDIRECT_URI, scope);
		Map<String, Object> tokens = body(post("/v2/oauth2",
				form("action", "requesttoken", "grant_type", "authorization_code", "client_id", clientId, "client_secret",
						secret, "code", code, "redirect_uri", REDIRECT_URI),
				null));
		return new Tokens(userId, (String) tokens.get("access_token"), (String) tokens.get("refresh_token"));
	}

	private Map<String, Object> notify(Tokens tokens, String action, String... parameters) throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("action", action);
		form.putAll(form(parameters));
		return post("/notify", form, "Bearer " + tokens.accessToken());
	}

	private String nonce() throws Exception {
		String timestamp = Long.toString(System.currentTimeMillis() / 1000);
		return (String) body(post("/v2/signature", form("action", "getnonce", "client_id", CLIENT_ID, "timestamp",
				timestamp, "signature", hmac(SECRET, "getnonce", CLIENT_ID, timestamp)), null))
			.get("nonce");
	}

	private Map<String, Object> post(String path, Map<String, String> form, String authorization) throws Exception {
		HttpResponse<String> response = postRaw(path, form, authorization);
		assertThat(response.statusCode()).isEqualTo(200);
		return read(response);
	}

	private HttpResponse<String> postRaw(String path, Map<String, String> form, String authorization)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form.entrySet()
				.stream()
				.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
				.collect(Collectors.joining("&"))));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> admin(String method, String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + "/__admin/withings" + path))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> read(HttpResponse<String> response) {
		return this.json.readValue(response.body(), Map.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(Map<String, Object> envelope) {
		assertThat(envelope).containsEntry("status", 0);
		return (Map<String, Object>) envelope.get("body");
	}

	private static Map<String, String> form(String... namesAndValues) {
		Map<String, String> form = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			form.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return form;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String hmac(String secret, String... values) {
		return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(String.join(",", values));
	}

}
