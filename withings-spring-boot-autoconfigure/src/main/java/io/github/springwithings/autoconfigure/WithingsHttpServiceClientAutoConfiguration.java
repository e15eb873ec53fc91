package io.github.springwithings.autoconfigure;

import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import io.github.springwithings.web.service.registry.WithingsRestClientHttpServiceGroupConfigurer;
import io.github.springwithings.web.service.registry.WithingsWebClientHttpServiceGroupConfigurer;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

/**
 * Auto-configuration of Spring's HTTP service clients for Withings: the {@code @HttpExchange}
 * interfaces of the group named {@code withings} ({@code @ImportHttpServices(group = "withings",
 * ...)}) get what {@code withingsRestClient} and {@code withingsWebClient} have: the base URL
 * {@code withings.api-base-uri}, the {@code withings.http} timeouts, Withings' envelope, the user's
 * token and its refresh, and the rate budget. {@code spring.http.serviceclient.withings.base-url}
 * and its timeouts, when set, win. Switched off by {@code withings.http-service-clients.enabled=false}.
 */
@AutoConfiguration(after = WithingsApiClientAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "withings.http-service-clients.enabled", matchIfMissing = true)
public final class WithingsHttpServiceClientAutoConfiguration {

	/** The group whose interfaces speak to Withings. */
	public static final String GROUP = "withings";

	private static final String GROUP_PROPERTIES = "spring.http.serviceclient." + GROUP + ".";

	private static boolean configured(Environment environment, String property) {
		return environment.containsProperty(GROUP_PROPERTIES + property);
	}

	private static boolean timeoutsConfigured(Environment environment) {
		return configured(environment, "connect-timeout") || configured(environment, "read-timeout");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientHttpServiceGroupConfigurer.class)
	@ConditionalOnBean(WithingsRestClientConfigurer.class)
	static class RestClientGroupConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsRestClientHttpServiceGroupConfigurer withingsRestClientHttpServiceGroupConfigurer(
				WithingsRestClientBuilders restClientBuilders, WithingsRestClientConfigurer configurer,
				WithingsProperties properties, Environment environment) {
			boolean baseUrl = !configured(environment, "base-url");
			boolean timeouts = !timeoutsConfigured(environment);
			return new WithingsRestClientHttpServiceGroupConfigurer(GROUP, (builder) -> {
				if (baseUrl) {
					builder.baseUrl(properties.getApiBaseUri());
				}
				if (timeouts) {
					builder.requestFactory(restClientBuilders.requestFactory());
				}
				restClientBuilders.configure(builder, configurer);
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClientHttpServiceGroupConfigurer.class, Mono.class })
	@ConditionalOnBean(WithingsExchangeFilterFunction.class)
	static class WebClientGroupConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsWebClientHttpServiceGroupConfigurer withingsWebClientHttpServiceGroupConfigurer(
				WithingsExchangeFilterFunction filter, WithingsProperties properties, Environment environment) {
			boolean baseUrl = !configured(environment, "base-url");
			boolean timeouts = !timeoutsConfigured(environment);
			return new WithingsWebClientHttpServiceGroupConfigurer(GROUP, (builder) -> {
				if (baseUrl) {
					builder.baseUrl(properties.getApiBaseUri());
				}
				if (timeouts) {
					builder.clientConnector(WithingsApiClientAutoConfiguration.WebClientConfiguration
						.connector(properties.getHttp()));
				}
				builder.filter(filter);
			});
		}

	}

}
