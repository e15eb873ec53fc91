package io.github.springwithings.notification;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsStatusFamily;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link WithingsNotifications} over the starter's {@code RestClient}, against the simulator's
 * {@code /notify} (which probes the callback URL with {@code HEAD} on every subscribe, as
 * Withings does), with a real callback server.
 */
@ExtendWith(OutputCaptureExtension.class)
class WithingsNotificationsTests {

	private static final String ALICE = "36000101";

	private static final String PATH = "/withings/notifications/s3cr3t";

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private TestCallbackServer callback;

	private WithingsNotifications notifications;

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));

	private final List<Duration> waits = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.callback = TestCallbackServer.start();
		WithingsApi api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build());
		this.notifications = new WithingsNotifications(api, new WithingsLinkedUsers(this.fixture.service, "withings"),
				this.callback.url(PATH));
		this.notifications.setClock(this.clock);
		this.notifications.setSleeper((wait) -> {
			this.waits.add(wait);
			this.clock.advance(wait);
		});
	}

	@AfterEach
	void stop() {
		this.callback.close();
		this.simulator.stop();
	}

	@Test
	void subscribeWhenNotSubscribedThenEachDefaultCategoryOnceAfterAHeadProbe() {
		this.fixture.link(ALICE, ALICE);

		List<WithingsSubscription> made = this.notifications.subscribe(ALICE);

		assertThat(made).extracting(WithingsSubscription::appli)
			.containsExactly(WithingsAppli.WEIGHT, WithingsAppli.USER_ACTION);
		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(1, 46);
		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::callbackUrl)
			.containsOnly(this.callback.url(PATH));
		assertThat(this.callback.probes).hasValue(2);
	}

	@Test
	void subscribeWhenSubscribedAlreadyThenNothingNewIsSubscribed() {
		this.fixture.link(ALICE, ALICE);
		this.notifications.subscribe(ALICE);

		assertThat(this.notifications.subscribe(ALICE)).isEmpty();
		assertThat(this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT)).isEmpty();

		assertThat(this.simulator.subscriptions(ALICE)).hasSize(2);
		assertThat(this.callback.probes).hasValue(2);
	}

	@Test
	void subscribeWhenAnotherCallbackIsSubscribedThenOursToo() {
		this.fixture.link(ALICE, ALICE);
		WithingsNotifications other = otherCallback("/other");
		other.subscribe(ALICE, WithingsAppli.WEIGHT);

		assertThat(this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT)).singleElement()
			.extracting(WithingsSubscription::callbackUrl)
			.isEqualTo(this.callback.url(PATH));
		assertThat(this.notifications.list(ALICE)).extracting(WithingsSubscription::callbackUrl)
			.containsExactlyInAnyOrder(this.callback.url("/other"), this.callback.url(PATH));
	}

	@Test
	void subscribeWhenNamedByUserIdThenTheLinkOfThatWithingsUser() {
		this.fixture.link("alice@example.com", ALICE);

		assertThat(this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT)).hasSize(1);
		assertThat(this.notifications.subscribe("alice@example.com", WithingsAppli.WEIGHT)).isEmpty();
		assertThat(this.simulator.subscriptions(ALICE)).hasSize(1);
	}

	@Test
	void subscribeWhenNoLinkThenConsentRequired() {
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.notifications.subscribe("nobody"));
		assertThat(this.callback.probes).hasValue(0);
	}

	@Test
	void subscribeWhenWithingsCannotReachTheCallbackThen293ForEachCategory() {
		this.fixture.link(ALICE, ALICE);
		this.callback.setHeadStatus(405);

		assertThatExceptionOfType(WithingsSubscriptionException.class)
			.isThrownBy(() -> this.notifications.subscribe(ALICE))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(293);
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.INVALID_PARAMS);
				assertThat(ex.getError()).as("Withings' text could echo the callback URL").isNull();
				assertThat(ex.getFailures()).containsOnlyKeys(1, 46);
				assertThat(ex.getSubscribed()).isEmpty();
			});
		assertThat(this.simulator.subscriptions(ALICE)).isEmpty();
	}

	@Test
	void subscribeWhenAScopeIsMissingThen214ForThatCategoryAndTheOthersSubscribed() {
		this.fixture.linkWithScope(ALICE, ALICE, "user.activity");

		assertThatExceptionOfType(WithingsSubscriptionException.class)
			.isThrownBy(() -> this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT, WithingsAppli.ACTIVITY))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(214);
				assertThat(ex.getFailures()).containsOnlyKeys(1);
				assertThat(ex.getFailures().get(1)).isInstanceOfSatisfying(WithingsApiException.class, (failure) -> {
					assertThat(failure.getStatus()).isEqualTo(214);
					assertThat(failure.getFamily()).isEqualTo(WithingsStatusFamily.UNAUTHORIZED);
					assertThat(failure.getError()).isNull();
				});
				assertThat(ex.getSubscribed()).extracting(WithingsSubscription::appli)
					.containsExactly(WithingsAppli.ACTIVITY);
			});
		assertThat(this.simulator.subscriptions(ALICE)).extracting(SimulatorSubscription::appli).containsExactly(16);
	}

	@Test
	void subscribeWhenSeveralCategoriesAndCallersThenSubscribeCallsAreSpaced() {
		this.fixture.link(ALICE, ALICE);
		this.fixture.link("36000102", "36000102");
		this.notifications.setSpacing(Duration.ofSeconds(5));

		this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT, WithingsAppli.SLEEP, WithingsAppli.USER_ACTION);
		assertThat(this.waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(2));
		this.notifications.subscribe("36000102", WithingsAppli.WEIGHT);

		assertThat(this.waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(3));
		this.clock.advance(Duration.ofSeconds(60));
		this.notifications.list(ALICE);
		this.notifications.revoke(ALICE, WithingsAppli.SLEEP);
		assertThat(this.waits).as("list and revoke are not probed: not spaced").hasSize(3);
	}

	@Test
	void listWhenSubscribedThenTypedSubscriptionsAndUnknownCodesKept() {
		this.fixture.link(ALICE, ALICE);
		this.notifications.subscribe(ALICE, 1, 58);

		assertThat(this.notifications.list(ALICE)).containsExactly(
				WithingsSubscription.of(1, this.callback.url(PATH), null),
				WithingsSubscription.of(58, this.callback.url(PATH), null));
		assertThat(this.notifications.list(ALICE).get(1).appli()).isEqualTo(WithingsAppli.GLUCOSE);
	}

	@Test
	void revokeWhenCategoriesNamedThenOnlyThoseOfOurCallbackAndAgainNothing() {
		this.fixture.link(ALICE, ALICE);
		this.notifications.subscribe(ALICE, WithingsAppli.WEIGHT, WithingsAppli.SLEEP, WithingsAppli.USER_ACTION);
		otherCallback("/other").subscribe(ALICE, WithingsAppli.SLEEP);

		assertThat(this.notifications.revoke(ALICE, WithingsAppli.SLEEP)).isOne();
		assertThat(this.notifications.revoke(ALICE, WithingsAppli.SLEEP)).isZero();

		assertThat(this.notifications.list(ALICE)).extracting(WithingsSubscription::appliCode, WithingsSubscription::callbackUrl)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1, this.callback.url(PATH)),
					org.assertj.core.groups.Tuple.tuple(46, this.callback.url(PATH)),
					org.assertj.core.groups.Tuple.tuple(44, this.callback.url("/other")));
		assertThat(this.notifications.revoke(ALICE)).isEqualTo(2);
		assertThat(this.notifications.list(ALICE)).extracting(WithingsSubscription::callbackUrl)
			.containsExactly(this.callback.url("/other"));
	}

	@Test
	void subscribeWhenTheCallbackUrlIsResolvedLateThenTheUrlOfTheCall() {
		this.fixture.link(ALICE, ALICE);
		String[] url = { null };
		WithingsNotifications late = new WithingsNotifications(new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build()), new WithingsLinkedUsers(this.fixture.service, "withings"), () -> url[0]);
		late.setSpacing(Duration.ZERO);

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> late.subscribe(ALICE));
		url[0] = this.callback.url(PATH);
		assertThat(late.subscribe(ALICE, WithingsAppli.WEIGHT)).singleElement()
			.extracting(WithingsSubscription::callbackUrl)
			.isEqualTo(this.callback.url(PATH));
	}

	/**
	 * Withings' 293 names the callback URL with its secret segment: the exception, its causes and
	 * suppressed exceptions (what a logged stack trace prints) and the logs carry the status and
	 * its family only.
	 */
	@Test
	void subscribeWhenWithingsEchoesTheCallbackUrlThenNoExceptionOfTheChainNorAnyLogHoldsTheSecret(
			CapturedOutput output) {
		this.fixture.link(ALICE, ALICE);
		this.simulator.setEchoCallbackUrls(true);
		this.callback.setHeadStatus(404);

		WithingsSubscriptionException ex = catchThrowableOfType(WithingsSubscriptionException.class,
				() -> this.notifications.subscribe(ALICE));

		assertThat(ex).isNotNull();
		assertThat(ex.getStatus()).isEqualTo(293);
		assertThat(ex.getFailures()).containsOnlyKeys(1, 46)
			.allSatisfy((code, failure) -> assertThat(failure).isInstanceOf(WithingsApiException.class)
				.extracting((f) -> ((WithingsApiException) f).getStatus())
				.isEqualTo(293));
		List<Throwable> chain = chain(ex);
		assertThat(chain).as("the exception, its cause, the other failure").hasSizeGreaterThanOrEqualTo(3);
		assertThat(chain).allSatisfy((throwable) -> assertThat(String.valueOf(throwable)).doesNotContain("s3cr3t"));
		StringWriter trace = new StringWriter();
		ex.printStackTrace(new PrintWriter(trace));
		assertThat(trace.toString()).contains("293").doesNotContain("s3cr3t");
		assertThat(output).doesNotContain("s3cr3t");
		assertThat(this.callback.probes).as("Withings refused after its probe").hasValue(2);
	}

	/** The exception, then its causes and suppressed exceptions, depth first. */
	private static List<Throwable> chain(Throwable throwable) {
		List<Throwable> chain = new ArrayList<>();
		chain.add(throwable);
		if (throwable.getCause() != null && throwable.getCause() != throwable) {
			chain.addAll(chain(throwable.getCause()));
		}
		for (Throwable suppressed : throwable.getSuppressed()) {
			chain.addAll(chain(suppressed));
		}
		return chain;
	}

	private WithingsNotifications otherCallback(String path) {
		WithingsNotifications other = new WithingsNotifications(new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build()), new WithingsLinkedUsers(this.fixture.service, "withings"), this.callback.url(path));
		other.setSpacing(Duration.ZERO);
		return other;
	}

}
