package io.github.springwithings.autoconfigure;

import java.net.http.HttpClient;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the clients of the Withings data API: a {@code RestClient} bean named
 * {@code withingsRestClient} (base URL {@code withings.api-base-uri}, the bearer token of the
 * signed-in user or of the user named in the request attributes, Withings' envelope handled) and
 * {@link WithingsApi}; with WebFlux on the class path also {@code withingsWebClient} and
 * {@link WithingsReactiveApi} (servlet and WebFlux applications alike), and
 * {@link WithingsReactiveAuthorizedClients}. Built from Boot's {@code RestClient.Builder} when there is one, so that
 * observation, message converters and customizers apply. Switched off by
 * {@code withings.api.enabled=false}.
 */
@AutoConfiguration(after = { WithingsOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
		WithingsRateLimitAutoConfiguration.class })
@ConditionalOnClass(RestClient.class)
@ConditionalOnBooleanProperty(name = "withings.api.enabled", matchIfMissing = true)
@ConditionalOnBean({ WithingsAuthorizedClients.class, WithingsAuthorizedClientService.class })
public final class WithingsApiClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsRestClientConfigurer withingsRestClientConfigurer(WithingsAuthorizedClients authorizedClients,
			WithingsAuthorizedClientService authorizedClientService, WithingsProperties properties,
			WithingsRestClientBuilders restClientBuilders,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(authorizedClients,
				authorizedClientService);
		configurer.setMaxRateLimitWait(properties.getApi().getMaxRateLimitWait());
		configurer.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		restClientBuilders.ifRateBudget(configurer::setRateBudget);
		return configurer;
	}

	@Bean
	@ConditionalOnMissingBean(name = "withingsRestClient")
	RestClient withingsRestClient(WithingsRestClientBuilders restClientBuilders, WithingsRestClientConfigurer configurer,
			WithingsProperties properties) {
		return restClientBuilders.create(configurer).baseUrl(properties.getApiBaseUri()).build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClient.class, Mono.class })
	static class WebClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsExchangeFilterFunction withingsExchangeFilterFunction(
				WithingsReactiveAuthorizedClients reactiveAuthorizedClients,
				WithingsAuthorizedClientService authorizedClientService, WithingsProperties properties,
				@Qualifier("withingsRateLimitInterceptor") ObjectProvider<ClientHttpRequestInterceptor> rateLimit,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<WithingsReactiveSchedulers> schedulers) {
			WithingsExchangeFilterFunction filter = new WithingsExchangeFilterFunction(reactiveAuthorizedClients,
					authorizedClientService);
			schedulers.ifAvailable((own) -> filter.setScheduler(own.getStore()));
			filter.setMaxRateLimitWait(properties.getApi().getMaxRateLimitWait());
			filter.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
			if (rateLimit.getIfAvailable() instanceof WithingsRateLimitInterceptor limiter) {
				filter.setRateBudget(limiter.getBudget(), limiter.getMaxWait());
			}
			return filter;
		}

		@Bean
		@ConditionalOnMissingBean(name = "withingsWebClient")
		WebClient withingsWebClient(ObjectProvider<WebClient.Builder> webClientBuilder,
				WithingsExchangeFilterFunction filter, WithingsProperties properties) {
			return webClientBuilder.getIfAvailable(WebClient::builder)
				.baseUrl(properties.getApiBaseUri())
				.clientConnector(connector(properties.getHttp()))
				.filter(filter)
				.build();
		}

		/** A connector with the {@code withings.http} connect and read timeouts. */
		static JdkClientHttpConnector connector(WithingsProperties.Http http) {
			JdkClientHttpConnector connector = new JdkClientHttpConnector(
					HttpClient.newBuilder().connectTimeout(http.getConnectTimeout()).build());
			connector.setReadTimeout(http.getReadTimeout());
			return connector;
		}

		/**
		 * Authorization and renewal without a thread held by a wait: in a WebFlux application over
		 * the starter's reactive refresh client (single flight, waits as delays, permits taken
		 * ahead) and reactive store, on the starter's schedulers; elsewhere over the core's refresh
		 * client, adapted the same way.
		 */
		@Bean
		@ConditionalOnMissingBean
		WithingsReactiveAuthorizedClients withingsReactiveAuthorizedClients(WithingsAuthorizedClients authorizedClients,
				WithingsAuthorizedClientService authorizedClientService,
				ObjectProvider<ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest>> refreshTokenResponseClient,
				ObjectProvider<WithingsReactiveAuthorizedClientService> reactiveAuthorizedClientService,
				ObjectProvider<WithingsReactiveSchedulers> schedulers) {
			WithingsReactiveSchedulers own = schedulers.getIfAvailable();
			ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refresh = refreshTokenResponseClient
				.getIfUnique();
			WithingsReactiveAuthorizedClients clients;
			if (refresh != null) {
				WithingsReactiveAuthorizedClientService store = reactiveAuthorizedClientService.getIfAvailable(() -> {
					WithingsReactiveAuthorizedClientService service = new WithingsReactiveAuthorizedClientService(
							authorizedClientService);
					if (own != null) {
						service.setScheduler(own.getStore());
					}
					return service;
				});
				clients = new WithingsReactiveAuthorizedClients(authorizedClients, refresh, store);
			}
			else {
				clients = new WithingsReactiveAuthorizedClients(authorizedClients);
			}
			if (own != null) {
				clients.setSchedulers(own);
			}
			return clients;
		}

		@Bean
		@ConditionalOnMissingBean
		WithingsReactiveApi withingsReactiveApi(@Qualifier("withingsWebClient") WebClient withingsWebClient,
				ObjectProvider<ObservationRegistry> observationRegistry) {
			WithingsReactiveApi api = new WithingsReactiveApi(withingsWebClient);
			api.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
			return api;
		}

	}

	@Bean
	@ConditionalOnMissingBean
	WithingsApi withingsApi(@Qualifier("withingsRestClient") RestClient withingsRestClient,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		WithingsApi api = new WithingsApi(withingsRestClient);
		api.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		return api;
	}

}
