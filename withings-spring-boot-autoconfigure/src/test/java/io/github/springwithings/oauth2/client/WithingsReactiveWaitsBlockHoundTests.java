package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
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
 * On WebFlux a refresh that must wait (for a refresh claimed by another instance, for a 601's
 * {@code wait_seconds}, for a permit of the rate budget) waits with a delay and holds no thread: with a token scheduler of a
 * single thread, another user's refresh runs and ends while the first one waits. Every caller
 * subscribes on Reactor's parallel scheduler with BlockHound installed.
 */
class WithingsReactiveWaitsBlockHoundTests {

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private Scheduler tokens;

	private WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter;

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		this.tokens = Schedulers.newBoundedElastic(1, 1000, "test-withings-token");
		this.adapter = new WithingsReactiveTokenResponseClientAdapter<>(this.fixture.refreshClient,
				new WebClientReactiveRefreshTokenTokenResponseClient(), this.fixture.withingsRegistrations);
		this.adapter.setScheduler(this.tokens);
	}

	@AfterEach
	void stop() {
		this.tokens.dispose();
		this.simulator.stop();
	}

	@Test
	void refreshWhenAnotherInstanceHoldsTheClaimThenItPollsWithDelaysAndHoldsNoThread() throws Exception {
		OAuth2AuthorizedClient alice = this.fixture.linkExpired("alice", "36300001");
		OAuth2AuthorizedClient bob = this.fixture.linkExpired("bob", "36300002");
		WithingsAuthorizedClient claimed = this.fixture.service.loadWithingsAuthorizedClient("withings", "alice");
		Instant claimedAt = this.fixture.clock.instant();
		assertThat(this.fixture.service.claimRefresh(claimed, claimedAt, claimedAt)).as("another instance's claim")
			.isTrue();

		CompletableFuture<OAuth2AccessTokenResponse> aliceRefresh = refresh(alice);
		OAuth2AccessTokenResponse bobRefreshed = refresh(bob).get(5, TimeUnit.SECONDS);

		assertThat(bobRefreshed.getAccessToken()).isNotNull();
		assertThat(aliceRefresh).as("alice's refresh waits for the other instance").isNotDone();
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();

		this.fixture.service.releaseRefresh(claimed, claimedAt);

		assertThat(aliceRefresh.get(10, TimeUnit.SECONDS).getRefreshToken().getTokenValue())
			.isEqualTo(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.isNotEqualTo(alice.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(2);
	}

	@Test
	void refreshWhenWithingsAnswers601ThenRetriedOnceAfterItsWaitWithoutHoldingAThread() throws Exception {
		OAuth2AuthorizedClient alice = this.fixture.linkExpired("alice", "36300001");
		OAuth2AuthorizedClient bob = this.fixture.linkExpired("bob", "36300002");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(5));

		CompletableFuture<OAuth2AccessTokenResponse> aliceRefresh = refresh(alice);
		OAuth2AccessTokenResponse bobRefreshed = refresh(bob).get(4, TimeUnit.SECONDS);

		assertThat(bobRefreshed.getAccessToken()).isNotNull();
		assertThat(aliceRefresh).as("alice's refresh waits Withings' 5 seconds").isNotDone();
		assertThat(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.as("the claim was released: nothing was done at Withings")
			.isEqualTo(alice.getRefreshToken().getTokenValue());

		assertThat(aliceRefresh.get(20, TimeUnit.SECONDS).getRefreshToken().getTokenValue())
			.isEqualTo(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.isNotEqualTo(alice.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(2);
	}

	@Test
	void refreshWhen4CallersOfOneClientThenOneCallToWithingsAndOneAnswer() throws Exception {
		OAuth2AuthorizedClient alice = this.fixture.linkExpired("alice", "36300001");

		CompletableFuture<OAuth2AccessTokenResponse> first = refresh(alice);
		CompletableFuture<OAuth2AccessTokenResponse> second = refresh(alice);
		CompletableFuture<OAuth2AccessTokenResponse> third = refresh(alice);
		CompletableFuture<OAuth2AccessTokenResponse> fourth = refresh(alice);

		String accessToken = first.get(10, TimeUnit.SECONDS).getAccessToken().getTokenValue();
		for (CompletableFuture<OAuth2AccessTokenResponse> other : List.of(second, third, fourth)) {
			assertThat(other.get(10, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo(accessToken);
		}
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
		assertThat(this.fixture.stored("alice").getAccessToken().getTokenValue()).isEqualTo(accessToken);
	}

	/**
	 * A user waits (a web exchange): the refresh reserves the next permit of the rate budget, paused
	 * for 3 seconds, and waits for it with a delay, not on the token thread.
	 */
	@Test
	void refreshWhenTheRateBudgetIsPausedThenThePermitIsWaitedForWithoutHoldingAThread() throws Exception {
		OAuth2AuthorizedClient alice = this.fixture.linkExpired("alice", "36300001");
		OAuth2AuthorizedClient bob = this.fixture.linkExpired("bob", "36300002");
		WithingsRateBudget budget = WithingsRateBudget.local(600, 6, Clock.systemUTC());
		budget.pause(Duration.ofSeconds(3));
		Scheduler budgetScheduler = Schedulers.newBoundedElastic(1, 1000, "test-withings-budget");
		try {
			this.adapter.setRateBudget(budget, Duration.ofSeconds(30), budgetScheduler);
			WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> unlimited = new WithingsReactiveTokenResponseClientAdapter<>(
					this.fixture.refreshClient, new WebClientReactiveRefreshTokenTokenResponseClient(),
					this.fixture.withingsRegistrations);
			unlimited.setScheduler(this.tokens);
			ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/measures"));

			CompletableFuture<OAuth2AccessTokenResponse> aliceRefresh = refresh(this.adapter, alice,
					Context.of(ServerWebExchange.class, exchange));
			OAuth2AccessTokenResponse bobRefreshed = refresh(unlimited, bob, Context.empty()).get(2, TimeUnit.SECONDS);

			assertThat(bobRefreshed.getAccessToken()).isNotNull();
			assertThat(aliceRefresh).as("alice's refresh waits for its permit").isNotDone();
			assertThat(aliceRefresh.get(20, TimeUnit.SECONDS).getAccessToken()).isNotNull();
			assertThat(budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isOne();
			assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(2);
		}
		finally {
			budgetScheduler.dispose();
		}
	}

	private CompletableFuture<OAuth2AccessTokenResponse> refresh(OAuth2AuthorizedClient client) {
		return refresh(this.adapter, client, Context.empty());
	}

	private CompletableFuture<OAuth2AccessTokenResponse> refresh(
			WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter,
			OAuth2AuthorizedClient client, Context context) {
		return adapter
			.getTokenResponse(new OAuth2RefreshTokenGrantRequest(this.fixture.registration, client.getAccessToken(),
					client.getRefreshToken()))
			.subscribeOn(Schedulers.parallel())
			.timeout(Duration.ofSeconds(30))
			.contextWrite(context)
			.toFuture();
	}

}
