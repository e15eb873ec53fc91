package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: {@code oauth2Client()} links a Withings account to a user who signed in another way
 * (HTTP Basic here), and the authorized client is stored under that user's name.
 */
@SpringBootTest(classes = WithingsLinkingIntegrationTests.LinkingApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WithingsLinkingIntegrationTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void oauth2ClientWhenUserSignedInWithBasicThenWithingsLinkedToThatUser() throws Exception {
		simulator.setConsentingUserId("36000042");
		String basic = "Basic " + Base64.getEncoder().encodeToString("alice:password".getBytes(StandardCharsets.UTF_8));
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of("Authorization", basic));

		HttpResponse<String> response = browser.get("http://localhost:" + this.port + "/link");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("alice user.activity,user.metrics");
		assertThat(browser.visited()).anySatisfy((uri) -> assertThat(uri.getPath()).isEqualTo("/oauth2_user/authorize2"));
		OAuth2AuthorizedClient client = this.authorizedClientService.loadAuthorizedClient("withings", "alice");
		assertThat(client).isNotNull();
		assertThat(client.getRefreshToken()).isNotNull();
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(1);
		assertThat(simulator.counters().nonceRequests()).isEqualTo(1);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LinkController.class)
	static class LinkingApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.oauth2Client(Customizer.withDefaults())
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
			return client.getPrincipalName() + " " + String.join(",", new java.util.TreeSet<>(client.getAccessToken().getScopes()));
		}

	}

}
