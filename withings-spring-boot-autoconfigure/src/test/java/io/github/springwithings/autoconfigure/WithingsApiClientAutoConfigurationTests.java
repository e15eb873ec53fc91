package io.github.springwithings.autoconfigure;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsApiClientAutoConfiguration}: {@code withingsRestClient}, {@code withingsWebClient}
 * and the two API faces, with the starter's store only, unless {@code withings.api.enabled=false}.
 */
class WithingsApiClientAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
		.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsApiClientAutoConfiguration.class));

	@Test
	void autoConfigurationWhenWithingsStoreThenClientsAndApis() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasBean("withingsRestClient")
			.hasBean("withingsWebClient")
			.hasSingleBean(WithingsRestClientConfigurer.class)
			.hasSingleBean(WithingsExchangeFilterFunction.class)
			.hasSingleBean(WithingsApi.class)
			.hasSingleBean(WithingsReactiveApi.class));
	}

	@Test
	void autoConfigurationWhenApiDisabledThenBacksOff() {
		this.contextRunner.withPropertyValues("withings.api.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsAuthorizedClients.class)
				.doesNotHaveBean("withingsRestClient")
				.doesNotHaveBean("withingsWebClient")
				.doesNotHaveBean(WithingsRestClientConfigurer.class)
				.doesNotHaveBean(WithingsExchangeFilterFunction.class)
				.doesNotHaveBean(WithingsApi.class)
				.doesNotHaveBean(WithingsReactiveApi.class));
	}

	@Test
	void autoConfigurationWhenTheStoreIsNotAWithingsOneThenNone() {
		this.contextRunner.withUserConfiguration(WithingsAuthorizedClientServiceAutoConfigurationTests.UserService.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("withingsRestClient")
				.doesNotHaveBean(WithingsApi.class));
	}

}
