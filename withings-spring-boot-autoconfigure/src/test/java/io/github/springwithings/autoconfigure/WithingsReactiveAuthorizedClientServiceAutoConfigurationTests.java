package io.github.springwithings.autoconfigure;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsReactiveAuthorizedClientServiceAutoConfiguration}: Spring's reactive service is
 * the starter's store in WebFlux and non-web applications, never in servlet ones.
 */
class WithingsReactiveAuthorizedClientServiceAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
		.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsKeepAliveAutoConfiguration.class, WithingsApiClientAutoConfiguration.class));

	@Test
	void autoConfigurationWhenServletApplicationThenBacksOff() {
		new WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class, OAuth2ClientAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(InMemoryWithingsAuthorizedClientService.class)
				.doesNotHaveBean(WithingsReactiveAuthorizedClientService.class)
				.doesNotHaveBean(WithingsReactiveSchedulers.class));
	}

	/** A servlet application has no Reactor unless it asks for WebFlux: nothing reactive is created. */
	@Test
	void autoConfigurationWhenServletApplicationWithoutReactorThenStartsWithoutReactivePieces() {
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
					OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
					WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
					WithingsKeepAliveAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
					WithingsReactiveOAuth2ClientAutoConfiguration.class))
			.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader("reactor."))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(InMemoryWithingsAuthorizedClientService.class)
				.hasSingleBean(WithingsAuthorizedClients.class)
				.hasSingleBean(WithingsApi.class)
				.doesNotHaveBean("withingsWebClient")
				.doesNotHaveBean(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients.class)
				.doesNotHaveBean(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService.class));
	}

	/** Boot's reactive OAuth2 client configuration also applies to non-web applications: the store backs it. */
	@Test
	void autoConfigurationWhenNonWebApplicationWithReactorThenSpringsReactiveServiceIsTheStore() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService.class)
				.isInstanceOfSatisfying(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService.class,
						(service) -> assertThat(service.getAuthorizedClientService())
							.isSameAs(context.getBean(InMemoryWithingsAuthorizedClientService.class))));
	}

}
