package io.github.springwithings.web.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.autoconfigure.WithingsProperties;
import io.github.springwithings.autoconfigure.WithingsRestClientBuilders;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.Concurrently;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The client-side rate limit and the HTTP timeouts, against the simulator.
 */
class WithingsRateLimitAndTimeoutTests {

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void callsWhen300InABurstThenTheBudgetSpreadsThemAndWithingsNeverAnswers601() throws Exception {
		this.fixture.link("alice", "36000042");
		this.simulator.setRateLimit(60, Duration.ofSeconds(1));
		// 1,200 a minute: a burst of 6 and 20 a second, a third of the simulator's 60. The budget dates
		// each send; a thread that wakes late (a loaded machine) sends later, bunched with others: a
		// third leaves room for two seconds of such lateness before one second of the simulator's
		// could see more than 60 (at 40 a second, half a second of it made this test fail under load)
		WithingsRateBudget budget = WithingsRateBudget.local(1200, 6, Clock.systemUTC());
		WithingsApi api = api(new WithingsRateLimitInterceptor(budget, Duration.ofSeconds(30)));

		Callable<Map<String, Object>> getmeas = () -> api.call("/measure", "getmeas", Map.of(), Map.class);
		List<Map<String, Object>> bodies = Concurrently.run(Collections.nCopies(300, getmeas), 50, Duration.ofMinutes(2));

		assertThat(bodies).hasSize(300).allSatisfy((body) -> assertThat(body).containsKey("measuregrps"));
		assertThat(this.simulator.counters().tooManyRequests()).isZero();
		assertThat(this.simulator.counters().dataRequests()).isEqualTo(300);
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isEqualTo(300);
	}

	@Test
	void callsWhen300InABurstWithoutTheLimiterThenWithingsAnswers601() throws Exception {
		this.fixture.link("alice", "36000042");
		this.simulator.setRateLimit(60, Duration.ofSeconds(1));
		WithingsApi api = api(null);

		Callable<Map<?, ?>> getmeas = () -> {
			try {
				return api.call("/measure", "getmeas", Map.of(), Map.class);
			}
			catch (RuntimeException ex) {
				return Map.of();
			}
		};
		Concurrently.run(Collections.nCopies(300, getmeas), 50, Duration.ofMinutes(2));

		assertThat(this.simulator.counters().tooManyRequests()).isPositive();
	}

	@Test
	void refreshWhenWithingsHangsBeyondTheReadTimeoutThenFailsFastWithoutBlockingOtherUsers() throws Exception {
		this.fixture.linkExpired("alice", "36000042");
		this.fixture.linkExpired("bob", "36000043");
		WithingsProperties properties = new WithingsProperties();
		properties.getHttp().setReadTimeout(Duration.ofSeconds(2));
		RestClient.Builder builder = new WithingsRestClientBuilders(
				new StaticListableBeanFactory().getBeanProvider(RestClient.Builder.class), properties, null)
			.create();
		WithingsClientRegistrations registrations = WithingsClientRegistrations.withIds(List.of("withings"));
		WithingsAuthorizedClients clients = new WithingsAuthorizedClients(this.fixture.registrations,
				this.fixture.service,
				new SingleFlightRefreshTokenResponseClient(WithingsAccessTokenResponseClient.refreshToken(registrations,
						WithingsClientAuthentication.CLIENT_SECRET, builder), this.fixture.service, registrations),
				new WithingsRevocationClient(RestClient.create()), "withings");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.delay(Duration.ofSeconds(30)));
		AtomicInteger finished = new AtomicInteger();

		CompletableFuture<Integer> alice = CompletableFuture.supplyAsync(() -> {
			try {
				clients.authorize("alice");
				return -1;
			}
			catch (ClientAuthorizationException ex) {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription()).startsWith("Withings could not be reached: ")
					.contains("Timeout");
				return finished.incrementAndGet();
			}
		});
		Awaitility.await().atMost(Duration.ofSeconds(10))
			.until(() -> this.simulator.counters().refreshTokenGrants() == 1);
		OAuth2AuthorizedClient bob = clients.authorize("bob");
		int bobFinished = finished.incrementAndGet();

		assertThat(bob.getRefreshToken().getTokenValue()).isNotEqualTo("");
		assertThat(alice.get(10, TimeUnit.SECONDS)).isEqualTo(bobFinished + 1);
		assertThat(this.fixture.stored("alice")).isNotNull();
	}

	@Test
	void refreshWhenA601PausesTheBudgetWhileItWaitsForItsPermitThenSentAfterThePauseNotIntoIt() {
		this.fixture.linkExpired("alice", "36000042");
		WithingsRateBudget budget = budgetPausedDuringTheFirstWait();
		java.time.Instant paused = this.simulator.clock().instant();

		OAuth2AuthorizedClient refreshed = WithingsRatePriority.INTERACTIVE
			.callAs(() -> clients(budget, Duration.ofMinutes(2)).authorize("alice"));

		assertThat(refreshed).isNotNull();
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
		assertThat(this.simulator.clock().instant()).as("sent after the pause").isAfterOrEqualTo(paused.plusSeconds(60));
	}

	@Test
	void refreshWhenA601PausesTheBudgetBeyondTheMaxWaitWhileItWaitsForItsPermitThenTemporarilyUnavailableAndNothingSent() {
		this.fixture.linkExpired("alice", "36000042");
		WithingsRateBudget budget = budgetPausedDuringTheFirstWait();

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> WithingsRatePriority.INTERACTIVE
				.callAs(() -> clients(budget, Duration.ofSeconds(30)).authorize("alice")))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("temporarily_unavailable"));
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		assertThat(this.fixture.stored("alice")).isNotNull();
	}

	@Test
	void refreshWhenWithingsAnswers601ThenOneSignalAndOnePauseForItsWait() {
		this.fixture.linkExpired("alice", "36000042");
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.simulator.clock());
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.rateLimited(40));

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> WithingsRatePriority.INTERACTIVE
				.callAs(() -> clients(budget, Duration.ofSeconds(30)).authorize("alice")))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("temporarily_unavailable"));
		assertThat(budget.count(WithingsRateBudget.Outcome.TOO_MANY_REQUESTS)).as("one answer, one signal").isOne();
		assertThat(budget.count(WithingsRateBudget.Outcome.PAUSED)).isOne();
		assertThat(budget.getRemainingPause()).isBetween(Duration.ofSeconds(40), Duration.ofSeconds(41));
	}

	/** A budget whose burst is used, on the simulator's clock; another call gets a 601 during the first wait. */
	private WithingsRateBudget budgetPausedDuringTheFirstWait() {
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.simulator.clock());
		while (budget.tryTake() == 0) {
			// the burst is used
		}
		AtomicInteger sleeps = new AtomicInteger();
		budget.setSleeper((duration) -> {
			if (sleeps.getAndIncrement() == 0) {
				budget.onTooManyRequests(Duration.ofSeconds(59), "Too many requests");
			}
			this.simulator.clock().advance(duration);
		});
		return budget;
	}

	/** The starter's refresh path: single flight, the token client, and the rate limit innermost. */
	private WithingsAuthorizedClients clients(WithingsRateBudget budget, Duration maxWait) {
		RestClient.Builder builder = new WithingsRestClientBuilders(
				new StaticListableBeanFactory().getBeanProvider(RestClient.Builder.class), new WithingsProperties(),
				new WithingsRateLimitInterceptor(budget, maxWait))
			.create();
		WithingsClientRegistrations registrations = WithingsClientRegistrations.withIds(List.of("withings"));
		WithingsAccessTokenResponseClient<org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest> tokens = WithingsAccessTokenResponseClient
			.refreshToken(registrations, WithingsClientAuthentication.CLIENT_SECRET, builder);
		tokens.setRateBudget(budget);
		return new WithingsAuthorizedClients(this.fixture.registrations, this.fixture.service,
				new SingleFlightRefreshTokenResponseClient(tokens, this.fixture.service, registrations),
				new WithingsRevocationClient(RestClient.create()), "withings");
	}

	private WithingsApi api(WithingsRateLimitInterceptor rateLimitInterceptor) {
		WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(this.fixture.clients,
				this.fixture.service);
		configurer.setSleeper((duration) -> {
			throw new IllegalStateException("Withings asked to wait");
		});
		RestClient.Builder builder = RestClient.builder().baseUrl(this.simulator.baseUrl()).apply(configurer);
		if (rateLimitInterceptor != null) {
			builder.requestInterceptor(rateLimitInterceptor);
		}
		return new WithingsApi(builder.build()).forUser("36000042");
	}

}
