package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher.Outcome;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.WithingsSimulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One round trip, end to end in signature mode (the default) with the defaults: the application
 * keeps a nonce ready from its start, so that the sign-in's code exchange and every refresh make
 * one call to Withings on the user's request, never a nonce request before it; the nonces are
 * fetched ahead as background work of the shared rate budget, the user's calls are interactive.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(WithingsOneRoundTripIntegrationTests.RealClock.class)
class WithingsOneRoundTripIntegrationTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

	@Autowired
	WithingsNoncePrefetcher prefetcher;

	@Autowired
	WithingsRateBudget rateBudget;

	@Autowired
	ClientRegistrationRepository registrations;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		registry.add("spring.security.oauth2.client.registration.github.client-id", () -> "github-id");
		registry.add("spring.security.oauth2.client.registration.github.client-secret", () -> "github-secret");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	private void awaitReadyNonce() {
		ClientRegistration withings = this.registrations.findByRegistrationId("withings");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.prefetcher.isReady(withings));
	}

	@Test
	void signInAndRefreshesWhenANonceIsReadyThenOneCallToWithingsEachAndNoNonceOnTheirPath() throws Exception {
		simulator.setConsentingUserId("36000501");
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		awaitReadyNonce(); // fetched at start-up
		long interactive = this.rateBudget.count(WithingsRateBudget.Outcome.INTERACTIVE);

		browser.get(app("/me")); // the login page, the request saved
		HttpResponse<String> signedIn = browser.get(app("/oauth2/authorization/withings"));

		assertThat(signedIn.statusCode()).isEqualTo(200);
		assertThat(signedIn.body()).startsWith("36000501 ");
		assertThat(this.prefetcher.count(Outcome.SERVED_READY)).as("the code exchange took the ready nonce").isOne();
		assertThat(this.prefetcher.count(Outcome.FETCHED_ON_DEMAND)).isZero();
		assertThat(this.rateBudget.count(WithingsRateBudget.Outcome.INTERACTIVE) - interactive)
			.as("the code exchange waited for by the user").isOne();

		for (int cycle = 1; cycle <= 3; cycle++) {
			awaitReadyNonce();
			OAuth2AuthorizedClient before = this.authorizedClientService.loadAuthorizedClient("withings", "36000501");
			assertThat(simulator.expireAccessToken(before.getAccessToken().getTokenValue())).isTrue();
			int refreshes = simulator.counters().refreshTokenGrants();

			// Withings refuses the token (body 401): one refresh through the single flight, one retry
			HttpResponse<String> weights = browser.get(app((cycle % 2 == 1) ? "/api/weights" : "/api/webclient"));

			assertThat(weights.statusCode()).as("cycle %d", cycle).isEqualTo(200);
			assertThat(weights.body()).as("cycle %d", cycle).isNotEmpty();
			assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
			assertThat(this.prefetcher.count(Outcome.SERVED_READY)).as("cycle %d", cycle).isEqualTo(1 + cycle);
			assertThat(this.prefetcher.count(Outcome.FETCHED_ON_DEMAND)).as("cycle %d", cycle).isZero();
		}
		awaitReadyNonce();
		// every nonce Withings issued was used once or is the ready one (Withings refuses a reused one)
		assertThat(simulator.counters().nonceRequests()).isEqualTo(4 + 1);
		assertThat(simulator.counters().rejectedTokenRequests()).isZero();
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** The clock of the test application's refresh provider: time is not compressed here. */
	@TestConfiguration(proxyBeanMethods = false)
	static class RealClock {

		@Bean
		java.time.Clock clock() {
			return java.time.Clock.systemUTC();
		}

	}

}
