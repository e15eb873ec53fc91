package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a Boot application on a random port signs a user in through the simulator's
 * consent page, calls the data API through Spring's WebClient filter and RestClient interceptor,
 * and keeps working across refreshes when the clock moves past expiry.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class AbstractWithingsLoginIntegrationTests {

	static final String USER_ID = "36000001";

	@LocalServerPort
	int port;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	BrowserLikeClient browser;

	static WithingsSimulator startSimulator() {
		WithingsSimulator simulator = WithingsSimulator.start();
		simulator.setConsentingUserId(USER_ID);
		return simulator;
	}

	static void simulatorProperties(DynamicPropertyRegistry registry, WithingsSimulator simulator,
			String clientAuthentication) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		registry.add("withings.client-authentication", () -> clientAuthentication);
		// time is compressed here: hours pass between calls made milliseconds apart
		registry.add("withings.rate-limit.requests-per-minute", () -> "60000");
		// and a nonce fetched ahead would be hours old for Withings: the exact nonce counts here are
		// those of nonces fetched when needed (WithingsOneRoundTripIntegrationTests has the others)
		registry.add("withings.nonce.prefetch", () -> "false");
		registry.add("spring.security.oauth2.client.registration.github.client-id", () -> "github-id");
		registry.add("spring.security.oauth2.client.registration.github.client-secret", () -> "github-secret");
	}

	@BeforeEach
	void newBrowser() {
		this.browser = new BrowserLikeClient("localhost", Map.of());
	}

	@Test
	void loginWhenConsentGivenThenPrincipalIsWithingsUserIdWithScopeAuthorities() throws Exception {
		HttpResponse<String> response = signIn();

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith(USER_ID + " ").contains("SCOPE_user.metrics", "SCOPE_user.activity");
		assertThat(this.browser.visited()).anySatisfy((uri) -> {
			assertThat(uri.getPath()).isEqualTo("/oauth2_user/authorize2");
			assertThat(uri.getQuery()).contains("scope=user.metrics,user.activity").contains("state=")
				.doesNotContain("code_challenge");
		});
		assertThat(this.browser.get(app("/linked")).body()).startsWith(USER_ID + " ");
	}

	@Test
	void dataCallsWhenAccessTokenExpiresThenRefreshTransparentlyAndRotateForThreeCycles() throws Exception {
		WithingsSimulator simulator = simulator();
		signIn();
		int deadChainUses = simulator.counters().deadChainUses();
		int unauthorized = simulator.counters().unauthorizedDataRequests();
		assertThat(this.browser.get(app("/measures/webclient")).body()).startsWith("{\"status\":0,").contains("measuregrps");
		assertThat(this.browser.get(app("/measures/restclient")).body()).startsWith("{\"status\":0,");

		for (int cycle = 1; cycle <= 3; cycle++) {
			OAuth2AuthorizedClient before = storedClient();
			int refreshes = simulator.counters().refreshTokenGrants();
			int nonces = simulator.counters().nonceRequests();
			simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));

			String path = (cycle % 2 == 1) ? "/measures/restclient" : "/measures/webclient";
			HttpResponse<String> response = this.browser.get(app(path));

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).startsWith("{\"status\":0,").contains("measuregrps");
			assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
			assertThat(simulator.counters().nonceRequests()).isEqualTo(nonces + expectedNoncesPerRefresh());
			OAuth2AuthorizedClient after = storedClient();
			assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
			assertThat(simulator.refreshTokenState(after.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.ACTIVE);
			assertThat(simulator.refreshTokenState(before.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.DEAD);
		}
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
	}

	@Test
	void dataCallWhenRefreshFailsTransientlyThenStoredTokensKeptAndNextCallRefreshes() throws Exception {
		WithingsSimulator simulator = simulator();
		signIn();
		OAuth2AuthorizedClient before = storedClient();
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));

		for (SimulatorFault fault : List.of(SimulatorFault.tooManyRequests(188), SimulatorFault.httpStatus(500),
				SimulatorFault.connectionReset(), SimulatorFault.truncatedBody())) {
			simulator.injectFault(SimulatorEndpoint.OAUTH2, fault);
			HttpResponse<String> failed = this.browser.get(app("/measures/restclient"));

			assertThat(failed.statusCode()).isEqualTo(500);
			OAuth2AuthorizedClient kept = storedClient();
			assertThat(kept.getRefreshToken().getTokenValue()).isEqualTo(before.getRefreshToken().getTokenValue());
			assertThat(kept.getAccessToken().getTokenValue()).isEqualTo(before.getAccessToken().getTokenValue());
			assertThat(simulator.refreshTokenState(before.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.ACTIVE);
		}

		HttpResponse<String> recovered = this.browser.get(app("/measures/restclient"));

		assertThat(recovered.statusCode()).isEqualTo(200);
		assertThat(storedClient().getRefreshToken().getTokenValue())
			.isNotEqualTo(before.getRefreshToken().getTokenValue());
	}

	@Test
	void dataCallWhenRefreshTokenDeadThenDeadClientReplacedThroughConsent() throws Exception {
		WithingsSimulator simulator = simulator();
		signIn();
		OAuth2AuthorizedClient before = storedClient();
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatus(503, "Invalid Params: invalid refresh_token"));
		int consents = this.browser.visited().size();

		HttpResponse<String> response = this.browser.get(app("/measures/restclient"));

		assertThat(this.browser.visited().get(consents + 1).getPath()).isEqualTo("/oauth2_user/authorize2");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(storedClient().getRefreshToken().getTokenValue())
			.isNotEqualTo(before.getRefreshToken().getTokenValue());
	}

	@Test
	void withingsRestClientAndWebClientWhenAccessTokenKilledThenOneRefreshEachAndTheCallsSucceed() throws Exception {
		WithingsSimulator simulator = simulator();
		signIn();
		OAuth2AuthorizedClient before = storedClient();
		int refreshes = simulator.counters().refreshTokenGrants();
		simulator.expireAccessToken(before.getAccessToken().getTokenValue());

		HttpResponse<String> response = this.browser.get(app("/api/weights"));
		simulator.expireAccessToken(storedClient().getAccessToken().getTokenValue());
		HttpResponse<String> throughWebClient = this.browser.get(app("/api/webclient"));

		assertThat(throughWebClient.statusCode()).isEqualTo(200);
		assertThat(throughWebClient.body()).startsWith("{").contains("\"measuregrps\"").doesNotContain("\"status\"");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body().split(",")).hasSize(60).allSatisfy((kilograms) -> assertThat(kilograms).matches("\\d+\\.\\d{3}"));
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 2);
	}

	@Test
	void withingsApiWhenUserRevokedAtWithingsThenSentBackToTheConsentPageAndOthersUntouched() throws Exception {
		WithingsSimulator simulator = simulator();
		signIn();
		OAuth2AuthorizedClient before = storedClient();
		OAuth2AuthorizedClient other = new OAuth2AuthorizedClient(before.getClientRegistration(), "someone-else",
				before.getAccessToken(), before.getRefreshToken());
		this.authorizedClientService.saveAuthorizedClient(other,
				new org.springframework.security.authentication.TestingAuthenticationToken("someone-else", null));
		new WithingsRevocationClient(org.springframework.web.client.RestClient.create())
			.revoke(before.getClientRegistration(), USER_ID);
		int consents = this.browser.visited().size();

		HttpResponse<String> response = this.browser.get(app("/api/weights"));

		assertThat(this.browser.visited().subList(consents, this.browser.visited().size()))
			.anySatisfy((uri) -> assertThat(uri.getPath()).isEqualTo("/oauth2_user/authorize2"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(storedClient().getRefreshToken().getTokenValue())
			.isNotEqualTo(before.getRefreshToken().getTokenValue());
		assertThat(this.authorizedClientService.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", "someone-else")
			.getRefreshToken()
			.getTokenValue()).isEqualTo(before.getRefreshToken().getTokenValue());
	}

	/**
	 * The app also has a GitHub registration, so Spring shows its login page: pick Withings
	 * there, as a user would, and land back on the page first asked for.
	 */
	HttpResponse<String> signIn() throws Exception {
		HttpResponse<String> loginPage = this.browser.get(app("/me"));
		assertThat(loginPage.body()).contains("/oauth2/authorization/withings").contains("/oauth2/authorization/github");
		return this.browser.get(app("/oauth2/authorization/withings"));
	}

	abstract WithingsSimulator simulator();

	abstract int expectedNoncesPerRefresh();

	private OAuth2AuthorizedClient storedClient() {
		OAuth2AuthorizedClient client = this.authorizedClientService.loadAuthorizedClient("withings", USER_ID);
		assertThat(client).isNotNull();
		return client;
	}

	String app(String path) {
		return "http://localhost:" + this.port + path;
	}

}
