package io.github.springwithings.integration.reactive;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.autoconfigure.WithingsProperties;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

/**
 * The WebFlux application a user of the starter would write: the client properties, Boot's
 * default security ({@code oauth2Login()} and {@code oauth2Client()}, CSRF protection), Spring's
 * own {@link ServerOAuth2AuthorizedClientExchangeFilterFunction} on the
 * {@link ReactiveOAuth2AuthorizedClientManager} that Spring Security registers (whose refresh
 * provider gets the starter's reactive refresh client), and the starter's clients: the
 * {@code withingsWebClient} bean, {@link WithingsReactiveApi} and
 * {@link WithingsReactiveAuthorizedClients} for a disconnect. No test hooks.
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

		private final WebClient withingsWebClient;

		private final WithingsReactiveApi withingsReactiveApi;

		private final WithingsReactiveAuthorizedClients withingsReactiveAuthorizedClients;

		DataController(@Qualifier("withingsDataWebClient") WebClient withingsDataWebClient,
				@Qualifier("withingsWebClient") WebClient withingsWebClient, WithingsReactiveApi withingsReactiveApi,
				WithingsReactiveAuthorizedClients withingsReactiveAuthorizedClients) {
			this.webClient = withingsDataWebClient;
			this.withingsWebClient = withingsWebClient;
			this.withingsReactiveApi = withingsReactiveApi;
			this.withingsReactiveAuthorizedClients = withingsReactiveAuthorizedClients;
		}

		@GetMapping("/me")
		Mono<String> me(Authentication authentication) {
			return Mono.just(authentication.getName());
		}

		/** Through Spring's {@code ServerOAuth2AuthorizedClientExchangeFilterFunction}: Withings' envelope. */
		@GetMapping("/measures")
		Mono<String> measures() {
			return this.webClient.post()
				.uri("/measure")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("action", "getmeas").with("meastypes", "1"))
				.retrieve()
				.bodyToMono(String.class);
		}

		/** Through the starter's {@code withingsWebClient}: the envelope's {@code body}. */
		@GetMapping("/api/webclient")
		Mono<String> measuresThroughWithingsWebClient() {
			return this.withingsWebClient.post()
				.uri("/measure")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("action", "getmeas").with("meastypes", "1"))
				.retrieve()
				.bodyToMono(String.class);
		}

		/** Through the starter's {@link WithingsReactiveApi}: the weights in kilograms. */
		@GetMapping("/api/weights")
		Mono<String> weights() {
			Instant now = Instant.now();
			return this.withingsReactiveApi
				.getMeasures(now.minus(Duration.ofDays(400)), now.plus(Duration.ofDays(400)), WithingsMeasure.WEIGHT)
				.map((measures) -> measures.groups()
					.stream()
					.map((group) -> group.measure(WithingsMeasure.WEIGHT).orElseThrow().value().toPlainString())
					.collect(Collectors.joining(",")));
		}

		/** An admin's page: another principal's weights, through {@code forPrincipal}. */
		@GetMapping("/api/weights/of")
		Mono<String> weightsOf(@RequestParam String principal) {
			Instant now = Instant.now();
			return this.withingsReactiveApi.forPrincipal(principal)
				.getMeasures(now.minus(Duration.ofDays(400)), now.plus(Duration.ofDays(400)), WithingsMeasure.WEIGHT)
				.map((measures) -> String.valueOf(measures.groups().size()));
		}

		/** Spring's {@code @RegisteredOAuth2AuthorizedClient} in a WebFlux controller: when its access token expires. */
		@GetMapping("/registered")
		Mono<String> registered(@RegisteredOAuth2AuthorizedClient("withings") OAuth2AuthorizedClient client) {
			return Mono.just(String.valueOf(client.getAccessToken().getExpiresAt()));
		}

		/** The CSRF token a page would put in its forms, as {@code header-name:token}. */
		@GetMapping("/csrf")
		Mono<String> csrf(ServerWebExchange exchange) {
			Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
			return token.map((csrf) -> csrf.getHeaderName() + ":" + csrf.getToken());
		}

		@PostMapping("/disconnect")
		Mono<String> disconnect(Authentication authentication) {
			return this.withingsReactiveAuthorizedClients.disconnect(authentication.getName()).map(String::valueOf);
		}

	}

}
