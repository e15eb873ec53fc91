package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;

/**
 * WebFlux (and non-web) applications keep their links in the starter's store too (JDBC or
 * memory, as for servlet ones), seen through Spring's reactive service interface: Boot's
 * in-memory reactive service backs off.
 */
@AutoConfiguration(after = WithingsAuthorizedClientServiceAutoConfiguration.class,
		before = ReactiveOAuth2ClientAutoConfiguration.class)
@Conditional(NonServletApplicationCondition.class)
@ConditionalOnClass({ Mono.class, ReactiveOAuth2AuthorizedClientService.class })
public final class WithingsReactiveAuthorizedClientServiceAutoConfiguration {

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClientService.class)
	@ConditionalOnMissingBean(ReactiveOAuth2AuthorizedClientService.class)
	WithingsReactiveAuthorizedClientService withingsReactiveAuthorizedClientService(
			WithingsAuthorizedClientService authorizedClientService) {
		return new WithingsReactiveAuthorizedClientService(authorizedClientService);
	}

}
