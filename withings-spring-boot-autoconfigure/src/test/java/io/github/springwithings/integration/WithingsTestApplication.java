package io.github.springwithings.integration;

import java.time.Clock;
import java.util.stream.Collectors;

import java.time.Duration;
import java.time.Instant;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.autoconfigure.WithingsProperties;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.RefreshTokenOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServletOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The application a user of the starter would write: only the two client properties (plus the
 * simulator's base URIs), Spring's own WebClient filter and RestClient interceptor built on the
 * auto-configured {@link OAuth2AuthorizedClientManager}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(WithingsTestApplication.DataController.class)
public class WithingsTestApplication {

	/** The refresh provider's clock follows the simulator's, so moving one moves both. */
	@Bean
	RefreshTokenOAuth2AuthorizedClientProvider refreshTokenAuthorizedClientProvider(Clock clock) {
		RefreshTokenOAuth2AuthorizedClientProvider provider = new RefreshTokenOAuth2AuthorizedClientProvider();
		provider.setClock(clock);
		return provider;
	}

	@Bean
	WebClient plainWebClient(OAuth2AuthorizedClientManager manager, WithingsProperties properties) {
		ServletOAuth2AuthorizedClientExchangeFilterFunction oauth2 = new ServletOAuth2AuthorizedClientExchangeFilterFunction(
				manager);
		oauth2.setDefaultClientRegistrationId("withings");
		return WebClient.builder()
			.clientConnector(new JdkClientHttpConnector())
			.baseUrl(properties.getApiBaseUri())
			.apply(oauth2.oauth2Configuration())
			.build();
	}

	@Bean
	RestClient plainRestClient(OAuth2AuthorizedClientManager manager, WithingsProperties properties) {
		return RestClient.builder()
			.baseUrl(properties.getApiBaseUri())
			.requestInterceptor(new OAuth2ClientHttpRequestInterceptor(manager))
			.build();
	}

	@RestController
	static class DataController {

		private final WebClient webClient;

		private final RestClient restClient;

		private final WithingsApi withingsApi;

		private final WebClient withingsWebClient;

		DataController(@Qualifier("plainWebClient") WebClient plainWebClient,
				@Qualifier("plainRestClient") RestClient plainRestClient, WithingsApi withingsApi,
				@Qualifier("withingsWebClient") WebClient withingsWebClient) {
			this.webClient = plainWebClient;
			this.restClient = plainRestClient;
			this.withingsApi = withingsApi;
			this.withingsWebClient = withingsWebClient;
		}

		@GetMapping("/api/webclient")
		String measuresThroughWithingsWebClient() {
			return this.withingsWebClient.post()
				.uri("/measure")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData(getmeas()))
				.retrieve()
				.bodyToMono(String.class)
				.block();
		}

		@GetMapping("/api/weights")
		String weights() {
			Instant now = Instant.now();
			return this.withingsApi.getMeasures(now.minus(Duration.ofDays(400)), now.plus(Duration.ofDays(400)), WithingsMeasure.WEIGHT)
				.groups()
				.stream()
				.map((group) -> group.measure(WithingsMeasure.WEIGHT).orElseThrow().value().toPlainString())
				.collect(Collectors.joining(","));
		}

		/** An admin's page: another principal's weights, through {@code forPrincipal}. */
		@GetMapping("/api/weights/of")
		String weightsOf(@RequestParam String principal) {
			Instant now = Instant.now();
			return String.valueOf(this.withingsApi.forPrincipal(principal)
				.getMeasures(now.minus(Duration.ofDays(400)), now.plus(Duration.ofDays(400)), WithingsMeasure.WEIGHT)
				.groups()
				.size());
		}

		@GetMapping("/me")
		String me(Authentication authentication) {
			return authentication.getName() + " " + authentication.getAuthorities()
				.stream()
				.map(GrantedAuthority::getAuthority)
				.sorted()
				.collect(Collectors.joining(","));
		}

		@GetMapping("/linked")
		String linked(@RegisteredOAuth2AuthorizedClient("withings") OAuth2AuthorizedClient client) {
			return client.getPrincipalName() + " " + String.join(",", client.getAccessToken().getScopes());
		}

		@GetMapping("/measures/webclient")
		String measuresThroughWebClient() {
			return this.webClient.post()
				.uri("/measure")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData(getmeas()))
				.retrieve()
				.bodyToMono(String.class)
				.block();
		}

		@GetMapping("/measures/restclient")
		String measuresThroughRestClient() {
			return this.restClient.post()
				.uri("/measure")
				.attributes(RequestAttributeClientRegistrationIdResolver.clientRegistrationId("withings"))
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(getmeas())
				.retrieve()
				.body(String.class);
		}

		private static MultiValueMap<String, String> getmeas() {
			MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
			form.add("action", "getmeas");
			form.add("meastypes", "1");
			return form;
		}

	}

}
