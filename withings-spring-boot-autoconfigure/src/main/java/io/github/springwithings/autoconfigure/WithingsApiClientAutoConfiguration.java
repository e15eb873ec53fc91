package io.github.springwithings.autoconfigure;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of the clients of the Withings data API: a {@code RestClient} bean named
 * {@code withingsRestClient} (base URL {@code withings.api-base-uri}, the bearer token of the
 * signed-in user or of the user named in the request attributes, Withings' envelope handled) and
 * {@link WithingsApi}. Built from Boot's {@code RestClient.Builder} when there is one, so that
 * observation, message converters and customizers apply.
 */
@AutoConfiguration(after = WithingsOAuth2ClientAutoConfiguration.class)
@ConditionalOnClass(RestClient.class)
@ConditionalOnBean({ WithingsAuthorizedClients.class, WithingsAuthorizedClientService.class })
public final class WithingsApiClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsRestClientConfigurer withingsRestClientConfigurer(WithingsAuthorizedClients authorizedClients,
			WithingsAuthorizedClientService authorizedClientService, WithingsProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(authorizedClients,
				authorizedClientService);
		configurer.setMaxRateLimitWait(properties.getApi().getMaxRateLimitWait());
		configurer.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		return configurer;
	}

	@Bean
	@ConditionalOnMissingBean(name = "withingsRestClient")
	RestClient withingsRestClient(WithingsRestClientBuilders restClientBuilders, WithingsRestClientConfigurer configurer,
			WithingsProperties properties) {
		return restClientBuilders.create(configurer).baseUrl(properties.getApiBaseUri()).build();
	}

	@Bean
	@ConditionalOnMissingBean
	WithingsApi withingsApi(@Qualifier("withingsRestClient") RestClient withingsRestClient) {
		return new WithingsApi(withingsRestClient);
	}

}
