package io.github.springwithings.integration;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.github.springwithings.oauth2.client.UserIdRememberingTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end, with the code-exchange client set in the security DSL (as the README shows): a user
 * links one Withings account, re-links another, then disconnects. The store knows the second
 * account's user id, so the disconnect revokes that account's grant, never the first one's.
 */
@SpringBootTest(classes = WithingsRelinkIntegrationTests.RelinkApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WithingsRelinkIntegrationTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	WithingsAuthorizedClients clients;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void disconnectWhenReLinkedToAnotherAccountThroughTheDslClientThenTheNewAccountIsRevoked() throws Exception {
		String basic = "Basic " + Base64.getEncoder().encodeToString("alice:password".getBytes(StandardCharsets.UTF_8));
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of("Authorization", basic));
		simulator.setConsentingUserId("36000042");
		assertThat(browser.get("http://localhost:" + this.port + "/link").statusCode()).isEqualTo(200);
		WithingsAuthorizedClient first = stored();
		assertThat(first.getUserId()).isEqualTo("36000042");

		// the user links another Withings account
		simulator.setConsentingUserId("36000099");
		browser.get("http://localhost:" + this.port + "/oauth2/authorization/withings");
		WithingsAuthorizedClient second = stored();
		assertThat(second.getRefreshTokenValue()).isNotEqualTo(first.getRefreshTokenValue());
		assertThat(second.getUserId()).isEqualTo("36000099");

		assertThat(this.clients.disconnect("alice")).isTrue();

		assertThat(simulator.refreshTokenState(second.getRefreshTokenValue())).as("the linked account is revoked")
			.isEqualTo(RefreshTokenState.DEAD);
		assertThat(simulator.refreshTokenState(first.getRefreshTokenValue())).as("the other account is untouched")
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(this.authorizedClientService.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", "alice"))
			.isNull();
	}

	private WithingsAuthorizedClient stored() {
		return ((WithingsAuthorizedClientService) this.authorizedClientService).loadWithingsAuthorizedClient("withings",
				"alice");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LinkController.class)
	static class RelinkApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http, WithingsClientRegistrations registrations,
				OAuth2AuthorizedClientService authorizedClientService) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.oauth2Client((client) -> client.authorizationCodeGrant((grant) -> grant
					.accessTokenResponseClient(UserIdRememberingTokenResponseClient.authorizationCode(registrations,
							WithingsClientAuthentication.SIGNATURE, RestClient.builder(),
							(WithingsAuthorizedClientService) authorizedClientService))))
				.build();
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}password").roles("USER").build());
		}

	}

	@RestController
	static class LinkController {

		@GetMapping("/link")
		String link(@RegisteredOAuth2AuthorizedClient("withings") OAuth2AuthorizedClient client) {
			return client.getPrincipalName();
		}

	}

}
