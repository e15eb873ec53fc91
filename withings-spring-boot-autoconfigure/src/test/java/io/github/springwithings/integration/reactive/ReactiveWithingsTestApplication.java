package io.github.springwithings.integration.reactive;

import io.github.springwithings.autoconfigure.WithingsProperties;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The WebFlux application a user of the starter would write: the client properties, Boot's
 * default security ({@code oauth2Login()} and {@code oauth2Client()}), and Spring's own
 * {@link ServerOAuth2AuthorizedClientExchangeFilterFunction} on the
 * {@link ReactiveOAuth2AuthorizedClientManager} that Spring Security registers (whose refresh
 * provider gets the starter's reactive refresh client). No test hooks.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ReactiveWithingsTestApplication.DataController.class)
public class ReactiveWithingsTestApplication {

	@Bean
	WebClient withingsDataWebClient(ReactiveOAuth2AuthorizedClientManager manager, WithingsProperties properties) {
		ServerOAuth2AuthorizedClientExchangeFilterFunction oauth2 = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
				manager);
		oauth2.setDefaultClientRegistrationId("withings");
		return WebClient.builder().baseUrl(properties.getApiBaseUri()).filter(oauth2).build();
	}

	@RestController
	static class DataController {

		private final WebClient webClient;

		DataController(WebClient withingsDataWebClient) {
			this.webClient = withingsDataWebClient;
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
				.body(BodyInserters.fromFormData("action", "getmeas").with("meastypes", "1"))
				.retrieve()
				.bodyToMono(String.class);
		}

	}

}
