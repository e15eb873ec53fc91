package io.github.springwithings.integration.reactive;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on WebFlux, served by Reactor Netty on a random port and driven by a real HTTP
 * client: sign-in through the simulator's consent page, data through Spring's
 * {@code ServerOAuth2AuthorizedClientExchangeFilterFunction}, and refreshes through the starter's
 * reactive token client when the clock moves past expiry.
 *
 * <p>Reactor Netty 1.3.6 (Boot 4.0.7's) can stop reading a keep-alive connection
 * (reactor/reactor-netty#4361): that was the hang of the first version of this test. The build
 * uses Reactor Netty 1.3.8 ({@link ReactorNettyReadStallTests});
 * {@link #keepAliveConnectionWhenDataCallsAlternateWithPagesThenEveryRequestIsAnswered()} walks
 * the route that stalled.
 */
@SpringBootTest(classes = ReactiveWithingsTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class WithingsReactiveEndToEndTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	static final String ACCOUNT = "alice";

	@LocalServerPort
	int port;

	@Autowired
	ReactiveOAuth2AuthorizedClientService authorizedClientService;

	ReactiveAppBrowser browser;

	String userId;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		// time is compressed here: hours pass between calls made milliseconds apart
		registry.add("withings.rate-limit.requests-per-minute", () -> "60000");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@BeforeEach
	void newBrowser() {
		simulator.consentAs(ACCOUNT);
		this.userId = simulator.accountUserId(ACCOUNT);
		this.browser = new ReactiveAppBrowser();
	}

	@Test
	void signInWhenConsentGivenThenPrincipalIsTheWithingsUserIdAndScopesAreCommaJoined() {
		HttpResponse<String> me = signIn();

		assertThat(me.statusCode()).as(this.browser.visited().toString()).isEqualTo(200);
		assertThat(me.body()).isEqualTo(this.userId);
		assertThat(this.browser.visited()).anySatisfy((uri) -> {
			assertThat(uri.getPath()).isEqualTo("/oauth2_user/authorize2");
			assertThat(uri.getQuery()).contains("scope=user.metrics,user.activity").doesNotContain("code_challenge");
		});
		assertThat(stored().getPrincipalName()).isEqualTo(this.userId);
	}

	@Test
	void dataCallThroughSpringsFilterWhenSignedInThenWithingsAnswers() {
		signIn();
		int refreshes = simulator.counters().refreshTokenGrants();

		HttpResponse<String> measures = this.browser.get(app("/measures"));

		assertThat(measures.statusCode()).isEqualTo(200);
		assertThat(measures.body()).startsWith("{\"status\":0,").contains("measuregrps");
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes);
	}

	@Test
	void dataCallsWhenAccessTokenExpiresThenOneRefreshPerCycleForThreeCycles() {
		signIn();
		int deadChainUses = simulator.counters().deadChainUses();
		int unauthorized = simulator.counters().unauthorizedDataRequests();
		assertThat(this.browser.get(app("/measures")).body()).startsWith("{\"status\":0,");

		for (int cycle = 1; cycle <= 3; cycle++) {
			OAuth2AuthorizedClient before = stored();
			int refreshes = simulator.counters().refreshTokenGrants();
			int nonces = simulator.counters().nonceRequests();
			threeHoursPass(before);

			HttpResponse<String> measures = this.browser.get(app("/measures"));

			assertThat(measures.statusCode()).as("cycle %d", cycle).isEqualTo(200);
			assertThat(measures.body()).as("cycle %d", cycle).startsWith("{\"status\":0,").contains("measuregrps");
			assertThat(simulator.counters().refreshTokenGrants()).as("cycle %d", cycle).isEqualTo(refreshes + 1);
			assertThat(simulator.counters().nonceRequests()).as("cycle %d", cycle).isEqualTo(nonces + 1);
			OAuth2AuthorizedClient after = stored();
			assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
			assertThat(simulator.refreshTokenState(after.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.ACTIVE);
			assertThat(simulator.refreshTokenState(before.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.DEAD);

			HttpResponse<String> again = this.browser.get(app("/measures"));

			assertThat(again.body()).as("cycle %d", cycle).startsWith("{\"status\":0,");
			assertThat(simulator.counters().refreshTokenGrants()).as("cycle %d", cycle).isEqualTo(refreshes + 1);
		}
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
	}

	/**
	 * One keep-alive connection: data calls (answered after the WebClient call, off the event
	 * loop) alternate with a page answered at once on the event loop, which is the pattern that
	 * stalled Reactor Netty 1.3.6; every request must be answered.
	 */
	@Test
	void keepAliveConnectionWhenDataCallsAlternateWithPagesThenEveryRequestIsAnswered() {
		signIn();
		int dataRequests = simulator.counters().dataRequests();

		for (int round = 0; round < 100; round++) {
			assertThat(this.browser.get(app("/measures")).body()).as("round %d", round).startsWith("{\"status\":0,");
			assertThat(this.browser.get(app("/me")).body()).as("round %d", round).isEqualTo(this.userId);
		}

		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests + 100);
	}

	/**
	 * Three hours and five minutes pass: the simulator's clock moves (Withings now rejects the
	 * access token), and the stored access token has the times it would have then (the
	 * application sees it expired). Spring computes a token's expiry as {@code Instant.now()} plus
	 * {@code expires_in} when it receives it, so a refresh provider on a moved clock would find
	 * every new token already expired, and Spring's reactive filter, which asks the manager twice
	 * per call ({@code authorizeClient}, then {@code reauthorizeClient}), would refresh twice.
	 */
	private void threeHoursPass(OAuth2AuthorizedClient client) {
		Duration elapsed = Duration.ofHours(3).plusMinutes(5);
		OAuth2AccessToken token = client.getAccessToken();
		OAuth2AccessToken expired = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(),
				token.getIssuedAt().minus(elapsed), token.getExpiresAt().minus(elapsed), token.getScopes());
		this.authorizedClientService
			.saveAuthorizedClient(new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
					expired, client.getRefreshToken()), new TestingAuthenticationToken(client.getPrincipalName(), null))
			.block(Duration.ofSeconds(5));
		simulator.clock().advance(elapsed);
	}

	/** A protected page sends the browser through consent and back to that page. */
	private HttpResponse<String> signIn() {
		return this.browser.get(app("/me"));
	}

	private OAuth2AuthorizedClient stored() {
		OAuth2AuthorizedClient client = this.authorizedClientService
			.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", this.userId)
			.block(Duration.ofSeconds(5));
		assertThat(client).isNotNull();
		return client;
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

}
