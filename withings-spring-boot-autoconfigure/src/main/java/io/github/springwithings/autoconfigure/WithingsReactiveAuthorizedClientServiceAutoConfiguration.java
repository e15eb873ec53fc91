package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;

/**
 * WebFlux (and non-web) applications keep their links in the starter's store too (JDBC or
 * memory, as for servlet ones), seen through Spring's reactive service interface: Boot's
 * in-memory reactive service backs off. Store calls and token calls run on the starter's own
 * bounded schedulers ({@code withings.reactive.*}).
 */
@AutoConfiguration(after = WithingsAuthorizedClientServiceAutoConfiguration.class,
		before = ReactiveOAuth2ClientAutoConfiguration.class)
@Conditional(NonServletApplicationCondition.class)
@ConditionalOnClass({ Mono.class, ReactiveOAuth2AuthorizedClientService.class })
@EnableConfigurationProperties(WithingsReactiveProperties.class)
public final class WithingsReactiveAuthorizedClientServiceAutoConfiguration {

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClientService.class)
	@ConditionalOnMissingBean(ReactiveOAuth2AuthorizedClientService.class)
	WithingsReactiveAuthorizedClientService withingsReactiveAuthorizedClientService(
			WithingsAuthorizedClientService authorizedClientService, WithingsReactiveSchedulers schedulers) {
		WithingsReactiveAuthorizedClientService service = new WithingsReactiveAuthorizedClientService(
				authorizedClientService);
		service.setScheduler(schedulers.getStore());
		return service;
	}

	/**
	 * The starter's own bounded schedulers for its blocking work (store calls apart from token
	 * calls), disposed with the context.
	 */
	@Bean
	@ConditionalOnMissingBean
	WithingsReactiveSchedulers withingsReactiveSchedulers(WithingsReactiveProperties properties) {
		return WithingsReactiveSchedulers.create(properties.getTokenThreads(), properties.getStoreThreads());
	}

}
