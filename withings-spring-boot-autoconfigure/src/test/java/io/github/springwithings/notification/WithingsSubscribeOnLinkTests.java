package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.notification.WithingsSubscribeOnLink.Outcome;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsSubscribeOnLink} against the simulator and a real callback server, its attempts
 * and retries run by the test on a clock it moves: a link is only queued, then subscribed; a
 * callback Withings cannot reach is retried on the schedule and given up with an event; a
 * category the user did not grant is given up at once, the others subscribed; a link gone is
 * dropped; linking again replaces a pending retry, and a retry of the older link never replaces
 * the new link's attempt.
 */
@ExtendWith(OutputCaptureExtension.class)
class WithingsSubscribeOnLinkTests {

	private static final String ALICE = "36000201";

	private static final String BOB = "36000202";

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));

	private final ManualTaskScheduler scheduler = new ManualTaskScheduler(this.clock);

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private TestCallbackServer callback;

	private WithingsSubscribeOnLink subscribeOnLink;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.callback = TestCallbackServer.start();
		WithingsNotifications notifications = new WithingsNotifications(new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build()), new WithingsLinkedUsers(this.fixture.service, "withings"), this.callback.url("/notify/s3cr3t"));
		notifications.setSpacing(Duration.ZERO);
		this.subscribeOnLink = new WithingsSubscribeOnLink(notifications);
		this.subscribeOnLink.setTaskScheduler(this.scheduler);
		this.subscribeOnLink.setClock(this.clock);
		this.subscribeOnLink.setRetryDelays(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)));
		this.subscribeOnLink.setApplicationEventPublisher(this.events::add);
	}

	@AfterEach
	void stop() {
		this.subscribeOnLink.destroy();
		this.callback.close();
		this.simulator.stop();
	}

	private WithingsUserLinkedEvent linked(String principalName, String userId) {
		this.fixture.link(principalName, userId);
		return new WithingsUserLinkedEvent(WithingsLinkedUser.of(this.fixture.service
			.loadWithingsAuthorizedClient("withings", principalName)));
	}

	@Test
	void onLinkedWhenAUserLinksThenQueuedOnlyThenSubscribedToTheDefaultCategories() {
		WithingsUserLinkedEvent event = linked(ALICE, ALICE);
		int notifyRequests = this.simulator.counters().notifyRequests();

		this.subscribeOnLink.onLinked(event);

		assertThat(this.simulator.counters().notifyRequests()).as("nothing on the caller's thread").isEqualTo(notifyRequests);
		assertThat(this.subscribeOnLink.getPending()).isOne();
		assertThat(this.scheduler.runDue()).isOne();
		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(1, 46);
		assertThat(this.subscribeOnLink.count(Outcome.SUBSCRIBED)).isOne();
		assertThat(this.subscribeOnLink.getPending()).isZero();

		this.subscribeOnLink.onLinked(event); // a sign-in again: already subscribed
		this.scheduler.runDue();
		assertThat(this.simulator.subscriptions(ALICE)).hasSize(2);
		assertThat(this.subscribeOnLink.count(Outcome.ALREADY_SUBSCRIBED)).isOne();
		assertThat(this.events).isEmpty();
	}

	@Test
	void onLinkedWhenWithingsCannotReachTheCallbackThenRetriedOnTheScheduleUntilItCan() {
		this.callback.setHeadStatus(503);
		this.subscribeOnLink.onLinked(linked(ALICE, ALICE));

		this.scheduler.runDue();
		assertThat(this.subscribeOnLink.count(Outcome.RETRY)).isOne();
		assertThat(this.scheduler.scheduled()).containsExactly(this.clock.instant().plus(Duration.ofMinutes(1)));
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(this.scheduler.runDue()).isZero();

		this.callback.setHeadStatus(200);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.scheduler.runDue()).isOne();

		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(1, 46);
		assertThat(this.subscribeOnLink.count(Outcome.SUBSCRIBED)).isOne();
		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.events).isEmpty();
	}

	@Test
	void onLinkedWhenEveryRetryFailsThenGivenUpWithAnEventAndTheLinkKept() {
		this.callback.setHeadStatus(404);
		this.subscribeOnLink.onLinked(linked(ALICE, ALICE));

		this.scheduler.runDue();
		this.clock.advance(Duration.ofMinutes(1));
		this.scheduler.runDue();
		assertThat(this.scheduler.scheduled()).containsExactly(this.clock.instant().plus(Duration.ofMinutes(5)));
		this.clock.advance(Duration.ofMinutes(5));
		this.scheduler.runDue();

		assertThat(this.subscribeOnLink.count(Outcome.RETRY)).isEqualTo(2);
		assertThat(this.subscribeOnLink.count(Outcome.FAILED)).isOne();
		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsSubscriptionFailedEvent.class, (failed) -> {
			assertThat(failed.user().userId()).isEqualTo(ALICE);
			assertThat(failed.appliCodes()).containsExactly(1, 46);
			assertThat(failed.attempts()).isEqualTo(3);
			assertThat(failed.cause()).isInstanceOfSatisfying(WithingsApiException.class,
					(cause) -> assertThat(cause.getStatus()).isEqualTo(293));
		});
		assertThat(this.fixture.stored(ALICE)).as("the link works").isNotNull();
	}

	/**
	 * Withings' 293 names the callback URL with its secret segment, and a listener of the failure
	 * event fails with the event's cause: no log line, stack trace included, shows the secret.
	 */
	@Test
	void onLinkedWhenWithingsEchoesTheCallbackUrlAndAListenerFailsThenNoLogHoldsTheSecret(CapturedOutput output) {
		this.simulator.setEchoCallbackUrls(true);
		this.callback.setHeadStatus(404);
		this.subscribeOnLink.setApplicationEventPublisher((event) -> {
			this.events.add(event);
			if (event instanceof WithingsSubscriptionFailedEvent failed) {
				throw new RuntimeException("the listener failed", failed.cause());
			}
		});
		this.subscribeOnLink.onLinked(linked(ALICE, ALICE));

		this.scheduler.runDue();
		this.clock.advance(Duration.ofMinutes(1));
		this.scheduler.runDue();
		this.clock.advance(Duration.ofMinutes(5));
		this.scheduler.runDue();

		assertThat(this.subscribeOnLink.count(Outcome.FAILED)).isOne();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsSubscriptionFailedEvent.class,
				(failed) -> assertThat(failed.cause()).isInstanceOfSatisfying(WithingsApiException.class, (cause) -> {
					assertThat(cause.getStatus()).isEqualTo(293);
					assertThat(cause).hasNoCause();
					assertThat(String.valueOf(cause)).doesNotContain("s3cr3t");
				}));
		assertThat(output).contains("A listener of WithingsSubscriptionFailedEvent failed").doesNotContain("s3cr3t");
	}

	@Test
	void onLinkedWhenTheApplicationStopsDuringAnAttemptThenDroppedWithNoEvent() {
		this.callback.setHeadStatus(404);
		this.callback.onProbe(this.subscribeOnLink::destroy);
		this.subscribeOnLink.onLinked(linked(ALICE, ALICE));

		assertThat(this.scheduler.runDue()).isOne();
		Thread.interrupted(); // stopping interrupts the attempt, here run on the test's thread

		assertThat(this.callback.probes).as("stopped while Withings probed the callback").hasPositiveValue();
		assertThat(this.subscribeOnLink.count(Outcome.DROPPED)).isOne();
		assertThat(this.subscribeOnLink.count(Outcome.FAILED)).isZero();
		assertThat(this.subscribeOnLink.count(Outcome.RETRY)).isZero();
		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.events).as("no event into a closing context").isEmpty();
	}

	@Test
	void onLinkedWhenAScopeIsMissingThenThatCategoryGivenUpAtOnceAndTheOthersSubscribed() {
		this.fixture.linkWithScope(ALICE, ALICE, "user.activity");
		this.subscribeOnLink.onLinked(new WithingsUserLinkedEvent(
				WithingsLinkedUser.of(this.fixture.service.loadWithingsAuthorizedClient("withings", ALICE))));

		this.scheduler.runDue();

		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(46);
		assertThat(this.scheduler.scheduled()).as("no retry of a refusal").isEmpty();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsSubscriptionFailedEvent.class, (failed) -> {
			assertThat(failed.appliCodes()).containsExactly(1);
			assertThat(failed.attempts()).isOne();
			assertThat(((WithingsApiException) failed.cause()).getStatus()).isEqualTo(214);
		});
	}

	@Test
	void onLinkedWhenTheNotifyCallFailsThenOnlyTheFailedCategoriesAreRetried() {
		this.simulator.injectFault(SimulatorEndpoint.NOTIFY, SimulatorFault.httpStatus(502));
		this.subscribeOnLink.onLinked(linked(ALICE, ALICE));

		this.scheduler.runDue(); // list fails: the whole attempt again
		assertThat(this.subscribeOnLink.count(Outcome.RETRY)).isOne();
		this.clock.advance(Duration.ofMinutes(1));
		this.scheduler.runDue();

		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(1, 46);
	}

	@Test
	void onLinkedWhenTheLinkIsGoneBeforeTheAttemptThenDropped() {
		this.subscribeOnLink.onLinked(linked(ALICE, ALICE));
		this.fixture.service.removeAuthorizedClient("withings", ALICE);

		this.scheduler.runDue();

		assertThat(this.subscribeOnLink.count(Outcome.UNLINKED)).isOne();
		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.simulator.subscriptions(ALICE)).isEmpty();
		assertThat(this.events).isEmpty();
	}

	@Test
	void onLinkedWhenLinkedAgainDuringARetryThenTheRetryIsReplacedByAnAttemptNow() {
		this.callback.setHeadStatus(500);
		WithingsUserLinkedEvent event = linked(ALICE, ALICE);
		this.subscribeOnLink.onLinked(event);
		this.scheduler.runDue();
		assertThat(this.scheduler.scheduled()).hasSize(1);
		this.callback.setHeadStatus(200);

		this.subscribeOnLink.onLinked(event);

		assertThat(this.subscribeOnLink.getPending()).isOne();
		assertThat(this.scheduler.scheduled()).containsExactly(this.clock.instant());
		this.scheduler.runDue();
		assertThat(this.simulator.subscriptions(ALICE)).hasSize(2);
		assertThat(this.subscribeOnLink.getPending()).isZero();
	}

	/**
	 * Review #14: the user links again (to another Withings account) while the first attempt runs,
	 * and the first attempt fails for one category. Its retry must not replace the new link's
	 * attempt: both categories are subscribed for the new account, at once.
	 */
	@Test
	void onLinkedWhenAnOlderAttemptFailsWhileANewLinkWaitsThenTheNewLinkGetsEveryCategory() {
		WithingsUserLinkedEvent first = linked(ALICE, ALICE);
		AtomicInteger probes = new AtomicInteger();
		this.callback.onProbe(() -> {
			int probe = probes.incrementAndGet();
			if (probe == 1) {
				// during the first call of the first attempt: linked again, to another account
				this.subscribeOnLink.onLinked(linked(ALICE, BOB));
			}
			this.callback.setHeadStatus((probe == 2) ? 503 : 200); // the first attempt fails for appli 46
		});
		this.subscribeOnLink.onLinked(first);

		this.scheduler.runDue();

		assertThat(this.simulator.subscriptions(BOB)).as("the new link, at once")
			.extracting(SimulatorSubscription::appli)
			.containsExactlyInAnyOrder(1, 46);
		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(1);
		assertThat(this.scheduler.scheduled()).as("no retry left of the older link").isEmpty();
		assertThat(this.subscribeOnLink.getPending()).isZero();
		assertThat(this.events).isEmpty();
	}

	/** The new link's attempt takes the older one's failures, and a final failure names the new link's user. */
	@Test
	void onLinkedWhenBothLinksFailThenOneEventNamingTheNewLinksUser() {
		WithingsUserLinkedEvent first = linked(ALICE, ALICE);
		AtomicInteger probes = new AtomicInteger();
		this.callback.setHeadStatus(404);
		this.callback.onProbe(() -> {
			if (probes.incrementAndGet() == 1) {
				this.subscribeOnLink.onLinked(linked(ALICE, BOB));
			}
		});
		this.subscribeOnLink.onLinked(first);

		this.scheduler.runDue();
		this.clock.advance(Duration.ofMinutes(1));
		this.scheduler.runDue();
		this.clock.advance(Duration.ofMinutes(5));
		this.scheduler.runDue();

		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsSubscriptionFailedEvent.class, (failed) -> {
			assertThat(failed.user().userId()).isEqualTo(BOB);
			assertThat(failed.appliCodes()).containsExactly(1, 46);
			assertThat(failed.attempts()).isEqualTo(3);
		});
	}

	@Test
	void onLinkedWhenAnotherRegistrationOrStoppedThenNothingQueued() {
		this.fixture.link(ALICE, ALICE);
		WithingsLinkedUser user = WithingsLinkedUser.of(this.fixture.service.loadWithingsAuthorizedClient("withings", ALICE));
		this.subscribeOnLink.onLinked(new WithingsUserLinkedEvent(new WithingsLinkedUser("withings-demo",
				user.principalName(), user.userId(), user.scopes(), user.refreshTokenIssuedAt())));
		assertThat(this.scheduler.scheduled()).isEmpty();

		this.subscribeOnLink.destroy();
		this.subscribeOnLink.onLinked(new WithingsUserLinkedEvent(user));

		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.subscribeOnLink.count(Outcome.DROPPED)).isOne();
	}

	@Test
	void isRetryableWhenTheCategoryItselfIsRefusedThenNot() {
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException(293, "callback"))).isTrue();
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException(601, "too many"))).isTrue();
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException(522, "timeout"))).isTrue();
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException("HTTP 502", null))).isTrue();
		assertThat(WithingsSubscribeOnLink.isRetryable(new IllegalStateException("down"))).isTrue();
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException(214, "scope"))).isFalse();
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException(503, "unknown appli"))).isFalse();
		assertThat(WithingsSubscribeOnLink.isRetryable(new WithingsApiException(2554, "not implemented"))).isFalse();
	}

}
