package io.github.springwithings.oauth2.client.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import io.github.springwithings.oauth2.client.WithingsReactiveTokenResponseClientAdapter;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsNoncePrefetcher} with the signed token clients, against the simulator (which
 * refuses a nonce used twice or older than 30 minutes, as Withings does); the nonces fetched ahead
 * are fetched when the test runs the queued work, so that it sees what the caller's own call
 * cost: a refresh and a code exchange cost one call to Withings when a nonce is ready; a nonce is
 * never handed out twice; an old one is replaced, not handed out; one Withings refuses is replaced
 * and the request sent again; idle, a nonce is fetched every 25 minutes; a refresh never waits for
 * a busy prefetch thread.
 */
class WithingsNoncePrefetcherTests {

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));

	private final Queue<Runnable> queued = new ArrayDeque<>();

	private final Executor later = this.queued::add;

	private WithingsSimulator simulator;

	private ClientRegistration registration;

	private WithingsNoncePrefetcher prefetcher;

	private WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshClient;

	private WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.registration = TestClientRegistrations.withings(this.simulator).build();
		this.prefetcher = new WithingsNoncePrefetcher(new WithingsNonceClient(RestClient.create()),
				() -> List.of(this.registration), this.later);
		this.prefetcher.setClock(this.clock);
		WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
		this.refreshClient = WithingsAccessTokenResponseClient.refreshToken(withings, WithingsClientAuthentication.SIGNATURE,
				RestClient.builder());
		this.refreshClient.setNoncePrefetcher(this.prefetcher);
		this.codeClient = WithingsAccessTokenResponseClient.authorizationCode(withings,
				WithingsClientAuthentication.SIGNATURE, RestClient.builder());
		this.codeClient.setNoncePrefetcher(this.prefetcher);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	private void runQueued() {
		while (!this.queued.isEmpty()) {
			this.queued.poll().run();
		}
	}

	private OAuth2AccessTokenResponse signIn() {
		String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				"user.metrics");
		return this.codeClient.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code));
	}

	private OAuth2AccessTokenResponse refresh(OAuth2AccessTokenResponse tokens) {
		OAuth2AccessToken accessToken = tokens.getAccessToken();
		return this.refreshClient.getTokenResponse(
				new OAuth2RefreshTokenGrantRequest(this.registration, accessToken, tokens.getRefreshToken()));
	}

	/**
	 * The permits a WebFlux caller takes ahead for a signed call are the requests the call makes,
	 * as the servlet path counts them: two while no nonce is ready, one once one is.
	 */
	@Test
	void signedCallRequestsWhenNoNonceIsReadyThenTwoAndOnceOneIsThenOneAsTheCallsMake() {
		ToIntFunction<ClientRegistration> requests = WithingsReactiveTokenResponseClientAdapter
			.signedCallRequests(this.prefetcher);
		int predicted = requests.applyAsInt(this.registration);

		OAuth2AccessTokenResponse signedIn = signIn();

		assertThat(predicted).isEqualTo(2);
		assertThat(this.simulator.counters().nonceRequests() + this.simulator.counters().authorizationCodeGrants())
			.isEqualTo(predicted);
		runQueued();
		assertThat(this.prefetcher.isReady(this.registration)).isTrue();
		int requestsBefore = this.simulator.counters().nonceRequests();
		predicted = requests.applyAsInt(this.registration);

		refresh(signedIn);

		assertThat(predicted).isOne();
		assertThat(this.simulator.counters().nonceRequests() - requestsBefore
				+ this.simulator.counters().refreshTokenGrants()).isEqualTo(predicted);
	}

	@Test
	void getTokenResponseWhenANonceIsReadyThenOneCallToWithingsAndTheNextNonceFetchedAhead() {
		this.prefetcher.refreshStale();
		runQueued();
		assertThat(this.simulator.counters().nonceRequests()).isOne();
		assertThat(this.prefetcher.isReady(this.registration)).isTrue();

		OAuth2AccessTokenResponse signedIn = signIn();

		assertThat(this.simulator.counters().nonceRequests()).as("the code exchange made no nonce request").isOne();
		assertThat(this.simulator.counters().authorizationCodeGrants()).isOne();
		assertThat(this.queued).as("the next nonce, fetched off the caller's thread").hasSize(1);
		runQueued();

		OAuth2AccessTokenResponse refreshed = refresh(signedIn);

		assertThat(refreshed.getRefreshToken().getTokenValue()).isNotEqualTo(signedIn.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().nonceRequests()).as("nor did the refresh").isEqualTo(2);
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.SERVED_READY)).isEqualTo(2);
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)).isZero();
	}

	@Test
	void getTokenResponseWhenCallsComeBeforeTheNextNonceIsFetchedThenEachGetsOneNeverTheSame() {
		this.prefetcher.refreshStale();
		runQueued();

		OAuth2AccessTokenResponse alice = signIn();
		OAuth2AccessTokenResponse bob = signIn();
		refresh(alice);

		// Withings refuses a nonce used twice: three answers, three nonces
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(3);
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.SERVED_READY)).isOne();
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)).isEqualTo(2);
		assertThat(this.queued).as("one fetch ahead at a time").hasSize(1);
		assertThat(bob.getAccessToken().getTokenValue()).isNotEqualTo(alice.getAccessToken().getTokenValue());
	}

	@Test
	void takeWhenTheReadyNonceIsOlderThanTheMaximumAgeThenNotHandedOutAndReplaced() {
		this.prefetcher.refreshStale();
		runQueued();
		this.clock.advance(Duration.ofMinutes(26));
		this.simulator.clock().advance(Duration.ofMinutes(26));

		signIn();

		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.EXPIRED)).isOne();
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)).isOne();
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(2);
		runQueued();
		assertThat(this.prefetcher.isReady(this.registration)).isTrue();
	}

	@Test
	void getTokenResponseWhenWithingsRefusesTheReadyNonceThenANewOneAndTheRequestOnceMore() {
		OAuth2AccessTokenResponse signedIn = signIn();
		runQueued();
		// Withings' clock is 31 minutes ahead: it has forgotten the nonce the application thinks fresh
		this.simulator.clock().advance(Duration.ofMinutes(31));
		int nonces = this.simulator.counters().nonceRequests();

		OAuth2AccessTokenResponse refreshed = refresh(signedIn);

		assertThat(refreshed.getAccessToken().getTokenValue()).isNotEqualTo(signedIn.getAccessToken().getTokenValue());
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.DISCARDED)).isZero();
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)).as("the second attempt")
			.isEqualTo(2);
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(nonces + 1);
		assertThat(this.simulator.counters().refreshTokenGrants()).as("refused, then sent again").isEqualTo(2);
	}

	@Test
	void refreshStaleWhenIdleForTwoHoursThenANonceEveryTwentyFiveMinutes() {
		for (int minute = 0; minute < 120; minute++) {
			this.prefetcher.refreshStale();
			runQueued();
			this.clock.advance(Duration.ofMinutes(1));
		}

		// at 0, 25, 50, 75 and 100 minutes: 2.4 an hour
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(5);
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.REPLACED)).isEqualTo(4);
	}

	@Test
	void refreshStaleWhenNonceRequestsFailThenCountedAndTheCallerFetchesItsOwn() {
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE,
				SimulatorFault.httpStatus(502));
		this.prefetcher.refreshStale();
		runQueued();

		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.PREFETCH_FAILED)).isOne();
		assertThat(this.prefetcher.isReady(this.registration)).isFalse();
		signIn();
		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)).isOne();
	}


	@Test
	void getTokenResponseWhenBothPrefetchThreadsAreHeldByOtherRegistrationsThenTheRefreshDoesNotWaitForOne()
			throws Exception {
		OAuth2AccessTokenResponse signedIn = signIn();
		ClientRegistration first = otherRegistration("first");
		ClientRegistration second = otherRegistration("second");
		WithingsNoncePrefetcher prefetcher = new WithingsNoncePrefetcher(new WithingsNonceClient(RestClient.create()),
				() -> List.of(first, second, this.registration), WithingsNoncePrefetcher.defaultExecutor());
		this.refreshClient.setNoncePrefetcher(prefetcher);
		// Withings holds the answers to the nonces the other two registrations fetch ahead
		CountDownLatch held = new CountDownLatch(2);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE, SimulatorFault.hold(held, release));
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE, SimulatorFault.hold(held, release));
		prefetcher.discard(first);
		prefetcher.discard(second);
		assertThat(held.await(30, TimeUnit.SECONDS)).as("both prefetch threads wait for Withings").isTrue();

		try {
			// the refreshing caller (it holds the user's refresh claim) must not wait for a thread
			CompletableFuture<OAuth2AccessTokenResponse> refresh = CompletableFuture.supplyAsync(() -> refresh(signedIn));
			OAuth2AccessTokenResponse refreshed = refresh.get(30, TimeUnit.SECONDS);

			assertThat(prefetcher.count(WithingsNoncePrefetcher.Outcome.PREFETCHED)
					+ prefetcher.count(WithingsNoncePrefetcher.Outcome.PREFETCH_FAILED))
				.as("returned while both prefetches are still under way")
				.isZero();
			assertThat(refreshed.getAccessToken().getTokenValue()).isNotEqualTo(signedIn.getAccessToken().getTokenValue());
			assertThat(prefetcher.count(WithingsNoncePrefetcher.Outcome.SKIPPED)).as("not fetched ahead").isOne();
			assertThat(prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)).as("its own nonce").isOne();
		}
		finally {
			release.countDown();
		}
		Awaitility.await().atMost(Duration.ofSeconds(30))
			.until(() -> prefetcher.isReady(first) && prefetcher.isReady(second));
		prefetcher.refreshStale();
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> prefetcher.isReady(this.registration));
	}

	@Test
	void defaultExecutorWhenBothThreadsAreBusyThenAThirdTaskIsRefusedAtOnce() throws Exception {
		SimpleAsyncTaskExecutor executor = WithingsNoncePrefetcher.defaultExecutor();
		CountDownLatch started = new CountDownLatch(2);
		CountDownLatch release = new CountDownLatch(1);
		Runnable busy = () -> {
			started.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		try {
			executor.execute(busy);
			executor.execute(busy);
			assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

			assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> executor.execute(() -> {
			}));
			assertThat(release.getCount()).as("refused while both are still busy").isOne();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void refreshStaleWhenWithingsAnswers601ToANonceFetchedAheadThenTheBudgetIsPausedOnce() {
		WithingsRateBudget budget = WithingsRateBudget
			.local(120, 6, this.clock);
		this.prefetcher.setRateBudget(budget);
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE, SimulatorFault.rateLimited(40));

		this.prefetcher.refreshStale();
		runQueued();

		assertThat(this.prefetcher.count(WithingsNoncePrefetcher.Outcome.PREFETCH_FAILED)).isOne();
		assertThat(budget.count(WithingsRateBudget.Outcome.TOO_MANY_REQUESTS)).isOne();
		assertThat(budget.getRemainingPause()).isEqualTo(Duration.ofSeconds(41));
	}

	/** Another registration of the application: another Withings client, so another nonce. */
	private ClientRegistration otherRegistration(String name) {
		this.simulator.registerClient("client-" + name, "secret-" + name);
		return TestClientRegistrations.withings(this.simulator)
			.registrationId(name)
			.clientId("client-" + name)
			.clientSecret("secret-" + name)
			.build();
	}

}
