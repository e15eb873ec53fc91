package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.support.Sleeper;
import io.github.springwithings.testsupport.TestBlockHound;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On WebFlux the permits of the rate budget a refresh needs are all taken before the blocking
 * core runs, and waited for with a delay: a signed refresh whose nonce is not ready (a nonce
 * request, then the token request) takes two, and neither request waits for a permit on a token
 * thread; a permit reserved before a 601 paused the budget is not used in the pause. The core's
 * requests take their permits through the starter's {@link WithingsRateLimitInterceptor}, whose
 * budget's waits on a thread are recorded. Every caller subscribes on Reactor's parallel
 * scheduler with BlockHound installed; the token scheduler has a single thread.
 */
class WithingsReactivePermitsBlockHoundTests {

	private WithingsSimulator simulator;

	private Scheduler tokens;

	private Scheduler budgetScheduler;

	private final WithingsRateBudget budget = WithingsRateBudget.local(120, 6, Clock.systemUTC());

	/** The threads that waited for a permit of {@link #budget} (none may). */
	private final List<String> waitedOnAThread = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.tokens = Schedulers.newBoundedElastic(1, 1000, "test-withings-token");
		this.budgetScheduler = Schedulers.newBoundedElastic(1, 1000, "test-withings-budget");
		this.budget.setSleeper((duration) -> {
			this.waitedOnAThread.add(Thread.currentThread().getName());
			Sleeper.THREAD.sleep(duration);
		});
	}

	@AfterEach
	void stop() {
		this.budgetScheduler.dispose();
		this.tokens.dispose();
		this.simulator.stop();
	}

	/**
	 * Signature mode, no nonce fetched ahead, the budget paused for 3 seconds: alice's refresh (a
	 * user waits) reserves both permits and waits for them with a delay; bob's refresh (outside
	 * the budget) runs and ends on the one token thread meanwhile; no request of alice's refresh
	 * waits for a permit on a thread, and her two requests took two permits.
	 */
	@Test
	void signedRefreshWhenNoNonceIsReadyAndTheBudgetIsPausedThenBothPermitsAreWaitedForWithoutHoldingAThread()
			throws Exception {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				null);
		OAuth2AuthorizedClient alice = fixture.linkExpired("alice", "36300001");
		OAuth2AuthorizedClient bob = fixture.linkExpired("bob", "36300002");
		WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter = limited(fixture,
				WithingsClientAuthentication.SIGNATURE);
		adapter.setRequestsPerCall(WithingsReactiveTokenResponseClientAdapter.signedCallRequests(null));
		this.budget.pause(Duration.ofSeconds(3));
		int noncesBefore = this.simulator.counters().nonceRequests();
		int grantsBefore = this.simulator.counters().refreshTokenGrants();

		CompletableFuture<OAuth2AccessTokenResponse> aliceRefresh = refresh(adapter, fixture, alice, userWaits());
		OAuth2AccessTokenResponse bobRefreshed = refresh(unlimited(fixture), fixture, bob, Context.empty()).get(2,
				TimeUnit.SECONDS);

		assertThat(bobRefreshed.getAccessToken()).isNotNull();
		assertThat(aliceRefresh).as("alice's refresh waits for its permits").isNotDone();
		assertThat(aliceRefresh.get(20, TimeUnit.SECONDS).getRefreshToken().getTokenValue())
			.isEqualTo(fixture.stored("alice").getRefreshToken().getTokenValue());
		assertThat(this.waitedOnAThread).as("threads that waited for a permit").isEmpty();
		// bob's refresh made one of each
		int aliceRequests = (this.simulator.counters().nonceRequests() - noncesBefore - 1)
				+ (this.simulator.counters().refreshTokenGrants() - grantsBefore - 1);
		assertThat(aliceRequests).as("a nonce, then the token").isEqualTo(2);
		assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).as("one permit a request")
			.isEqualTo(aliceRequests);
	}

	/**
	 * Alice's refresh reserved its permit, 2.6 s ahead; while it waits for it a 601 pauses the
	 * budget for 4 s: the token request is not sent before the pause's end.
	 */
	@Test
	void refreshWhenA601PausesTheBudgetWhileItsReservedPermitIsWaitedForThenNoTokenRequestIsSentInThePause()
			throws Exception {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator,
				WithingsClientAuthentication.CLIENT_SECRET, null);
		OAuth2AuthorizedClient alice = fixture.linkExpired("alice", "36300001");
		WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter = limited(fixture,
				WithingsClientAuthentication.CLIENT_SECRET);
		List<Duration> pauseLeftAtTokenRequests = new CopyOnWriteArrayList<>();
		this.simulator.wireMock().addMockServiceRequestListener((request, response) -> {
			if (request.getUrl().startsWith(SimulatorEndpoint.OAUTH2.path())) {
				pauseLeftAtTokenRequests.add(this.budget.getRemainingPause());
			}
		});
		for (int i = 0; i < 6; i++) {
			assertThat(this.budget.tryTake()).isZero();
		}
		for (int i = 0; i < 4; i++) {
			assertThat(this.budget.reserve(Duration.ofMinutes(1))).as("other users' permits").isPositive();
		}

		CompletableFuture<OAuth2AccessTokenResponse> aliceRefresh = refresh(adapter, fixture, alice, userWaits());
		// alice's permit is reserved (the fifth): Withings answers another call 601 meanwhile
		Awaitility.await()
			.pollInterval(Duration.ofMillis(5))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE) == 5);
		assertThat(aliceRefresh).isNotDone();
		this.budget.onTooManyRequests(Duration.ofSeconds(3), "Too many requests");

		assertThat(aliceRefresh.get(20, TimeUnit.SECONDS).getAccessToken()).isNotNull();
		assertThat(pauseLeftAtTokenRequests).as("the pause left when a token request reached Withings")
			.containsExactly(Duration.ZERO);
		assertThat(this.waitedOnAThread).isEmpty();
	}

	/** A refresh client whose requests take their permits of the budget, through the adapter. */
	private WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> limited(
			WithingsTestFixture fixture, WithingsClientAuthentication authentication) {
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withings = WithingsAccessTokenResponseClient
			.refreshToken(fixture.withingsRegistrations, authentication, WithingsTestFixture.restClient()
				.requestInterceptor(new WithingsRateLimitInterceptor(this.budget, Duration.ofSeconds(30))));
		withings.setRateBudget(this.budget);
		SingleFlightRefreshTokenResponseClient refreshClient = new SingleFlightRefreshTokenResponseClient(withings,
				fixture.service, fixture.withingsRegistrations);
		refreshClient.setClock(fixture.clock);
		WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter = new WithingsReactiveTokenResponseClientAdapter<>(
				refreshClient, new WebClientReactiveRefreshTokenTokenResponseClient(), fixture.withingsRegistrations);
		adapter.setScheduler(this.tokens);
		adapter.setRateBudget(this.budget, Duration.ofSeconds(30), this.budgetScheduler);
		return adapter;
	}

	private WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> unlimited(
			WithingsTestFixture fixture) {
		WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter = new WithingsReactiveTokenResponseClientAdapter<>(
				fixture.refreshClient, new WebClientReactiveRefreshTokenTokenResponseClient(),
				fixture.withingsRegistrations);
		adapter.setScheduler(this.tokens);
		return adapter;
	}

	/** A web exchange: the refresh is interactive in the budget. */
	private static Context userWaits() {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/measures"));
		return Context.of(ServerWebExchange.class, exchange);
	}

	private static CompletableFuture<OAuth2AccessTokenResponse> refresh(
			WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter,
			WithingsTestFixture fixture, OAuth2AuthorizedClient client, Context context) {
		return adapter
			.getTokenResponse(new OAuth2RefreshTokenGrantRequest(fixture.registration, client.getAccessToken(),
					client.getRefreshToken()))
			.subscribeOn(Schedulers.parallel())
			.timeout(Duration.ofSeconds(30))
			.contextWrite(context)
			.toFuture();
	}

}
