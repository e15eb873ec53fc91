package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.Duration;
import java.util.Map;

import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on WebFlux: sign-in through the simulator's consent page, the principal is the
 * Withings user id, and Spring's reactive exchange filter refreshes with the starter's reactive
 * token client when the clock moves past expiry.
 */
@SpringBootTest(classes = WithingsReactiveLoginIntegrationTests.ReactiveApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class WithingsReactiveLoginIntegrationTests {

	static final WithingsSimulator simulator = AbstractWithingsLoginIntegrationTests.startSimulator();

	@LocalServerPort
	int port;

	@Autowired
	ReactiveOAuth2AuthorizedClientService authorizedClientService;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void loginAndDataCallsWhenAccessTokenExpiresThenRefreshedWithTheReactiveClient() throws Exception {
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		String app = "http://localhost:" + this.port;
		browser.get(app + "/me");
		browser.get(app + "/oauth2/authorization/withings");
		HttpResponse<String> me = browser.get(app + "/me");

		assertThat(me.statusCode()).as(browser.visited().toString()).isEqualTo(200);
		assertThat(me.body()).isEqualTo(AbstractWithingsLoginIntegrationTests.USER_ID);
		assertThat(browser.visited()).anySatisfy((uri) -> assertThat(uri.getQuery() + "")
			.contains("scope=user.metrics,user.activity"));
		assertThat(browser.get(app + "/measures").body()).startsWith("{\"status\":0,");

		OAuth2AuthorizedClient before = stored();
		expire(before);
		HttpResponse<String> afterExpiry = browser.get(app + "/measures");

		assertThat(afterExpiry.body()).startsWith("{\"status\":0,");
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(1);
		OAuth2AuthorizedClient after = stored();
		assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
		assertThat(simulator.refreshTokenState(before.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
	}

	/** Three hours pass: the stored access token has expired, for the application and for Withings. */
	private void expire(OAuth2AuthorizedClient client) {
		Instant now = Instant.now();
		OAuth2AccessToken token = client.getAccessToken();
		OAuth2AccessToken expired = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(),
				now.minus(Duration.ofHours(3).plusMinutes(5)), now.minus(Duration.ofMinutes(5)), token.getScopes());
		this.authorizedClientService
			.saveAuthorizedClient(new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
					expired, client.getRefreshToken()), new TestingAuthenticationToken(client.getPrincipalName(), null))
			.block();
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
	}

	private OAuth2AuthorizedClient stored() {
		return this.authorizedClientService
			.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", AbstractWithingsLoginIntegrationTests.USER_ID)
			.block();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ReactiveController.class)
	static class ReactiveApplication {

		@Bean
		WebClient reactiveWithingsWebClient(ReactiveOAuth2AuthorizedClientManager manager) {
			ServerOAuth2AuthorizedClientExchangeFilterFunction oauth2 = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
					manager);
			oauth2.setDefaultClientRegistrationId("withings");
			return WebClient.builder()
				.clientConnector(new JdkClientHttpConnector())
				.baseUrl(simulator.baseUrl())
				.filter(oauth2)
				.build();
		}

	}

	@RestController
	static class ReactiveController {

		private final WebClient webClient;

		ReactiveController(WebClient reactiveWithingsWebClient) {
			this.webClient = reactiveWithingsWebClient;
		}

		@GetMapping("/me")
		Mono<String> me(Authentication authentication) {
			return Mono.just(authentication.getName());
		}

		@GetMapping("/measures")
		Mono<String> measures() {
			return this.webClient.post()
				.uri("/measure")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("action", "getmeas"))
				.retrieve()
				.bodyToMono(String.class);
		}

	}

}
