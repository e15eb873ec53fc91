package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A refresh answered 601 is retried once the rate budget's pause has ended: the budget pauses for
 * {@code wait_seconds} and a second, and a retry after {@code wait_seconds} alone would find no
 * permit (a background caller, which only takes free ones, gives up). Waits move the simulator's
 * clock, which the budget refills by.
 */
class SingleFlightRateLimitRetryTests {

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WithingsRateBudget budget;

	private SingleFlightRefreshTokenResponseClient refreshClient;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.budget = WithingsRateBudget.local(120, 6, this.simulator.clock());
		this.budget.setSleeper(this.simulator.clock()::advance);
		// a background caller waits at most a second for a free permit (114 a minute: one every 0.53 s)
		WithingsRateLimitInterceptor limiter = new WithingsRateLimitInterceptor(this.budget, Duration.ofSeconds(1));
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withings = WithingsAccessTokenResponseClient
			.refreshToken(this.fixture.withingsRegistrations, WithingsClientAuthentication.CLIENT_SECRET,
					WithingsTestFixture.restClient().requestInterceptor(limiter));
		withings.setRateBudget(this.budget);
		this.refreshClient = new SingleFlightRefreshTokenResponseClient(withings, this.fixture.service,
				this.fixture.withingsRegistrations);
		this.refreshClient.setClock(this.fixture.clock);
		this.refreshClient.setSleeper(this.simulator.clock()::advance);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void backgroundRefreshWhenWithingsAnswers601ThenRetriedAfterTheBudgetsPauseAndSucceeds() {
		OAuth2AuthorizedClient alice = this.fixture.linkExpired("alice", "36300001");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.rateLimited(5));
		Instant started = this.simulator.clock().instant();

		OAuth2AccessTokenResponse refreshed = WithingsRatePriority.BACKGROUND
			.callAs(() -> this.refreshClient.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
					this.fixture.registration, alice.getAccessToken(), alice.getRefreshToken())));

		assertThat(refreshed.getRefreshToken().getTokenValue())
			.isEqualTo(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.isNotEqualTo(alice.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).as("the retry (the 601 granted nothing)").isOne();
		assertThat(this.budget.count(WithingsRateBudget.Outcome.PAUSED)).isOne();
		assertThat(this.budget.count(WithingsRateBudget.Outcome.REFUSED)).isZero();
		assertThat(Duration.between(started, this.simulator.clock().instant())).as("not sent into the pause")
			.isGreaterThanOrEqualTo(Duration.ofSeconds(5).plus(WithingsRateBudget.WAIT_SECONDS_ROUNDING));
	}

	@Test
	void refreshWithoutWaitingWhenWithingsAnswers601ThenItWouldWaitUntilTheBudgetsPauseEnds() {
		OAuth2AuthorizedClient alice = this.fixture.linkExpired("alice", "36300001");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.rateLimited(5));

		assertThatExceptionOfType(SingleFlightRefreshTokenResponseClient.WouldWaitException.class)
			.isThrownBy(() -> this.refreshClient.getTokenResponseWithoutWaiting(new OAuth2RefreshTokenGrantRequest(
					this.fixture.registration, alice.getAccessToken(), alice.getRefreshToken())))
			.satisfies((wouldWait) -> assertThat(wouldWait.getWait()).isGreaterThanOrEqualTo(this.budget.getRemainingPause()));
	}

}
