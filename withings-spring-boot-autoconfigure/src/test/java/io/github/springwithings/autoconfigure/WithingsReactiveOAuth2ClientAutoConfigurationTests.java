package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.web.server.WithingsAuthorizationRedirectWebFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.core.ResolvableType;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsReactiveOAuth2ClientAutoConfiguration}: WebFlux applications get the core's
 * lifecycle behind Spring's reactive interfaces; servlet ones none of it.
 */
class WithingsReactiveOAuth2ClientAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private static org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner reactiveRunner() {
		return new org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
			.withConfiguration(AutoConfigurations.of(org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration.class,
					WithingsAuthorizedClientServiceAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
					WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
					WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
					WithingsApiClientAutoConfiguration.class, WithingsReactiveOAuth2ClientAutoConfiguration.class));
	}

	@Test
	void reactiveAutoConfigurationWhenNoDataSourceThenTheCoreInMemoryBehindSpringsReactiveInterfaces() {
		reactiveRunner().run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsClientRegistrations.class)
				.hasSingleBean(io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService.class)
				.hasSingleBean(io.github.springwithings.oauth2.client.WithingsAuthorizedClients.class)
				.hasSingleBean(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients.class)
				.hasSingleBean(io.github.springwithings.api.WithingsReactiveApi.class)
				.hasBean("withingsWebClient")
				.hasSingleBean(io.github.springwithings.oauth2.client.web.server.WithingsAuthorizationRedirectWebFilter.class)
				.hasSingleBean(io.github.springwithings.oauth2.client.userinfo.WithingsReactiveOAuth2UserService.class)
				.hasSingleBean(org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver.class);
			// Boot's in-memory reactive service backs off: the store is the one and only
			assertThat(context.getBean(org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService.class))
				.isInstanceOfSatisfying(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService.class,
						(service) -> assertThat(service.getAuthorizedClientService()).isSameAs(
								context.getBean(io.github.springwithings.oauth2.client.WithingsAuthorizedClientService.class)));
			assertThat(context.getBeanProvider(ResolvableType.forClassWithGenerics(
					org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient.class,
					OAuth2RefreshTokenGrantRequest.class))
				.getObject()).isInstanceOf(
						io.github.springwithings.oauth2.client.WithingsReactiveTokenResponseClientAdapter.class);
			assertThat(context.getBeanProvider(ResolvableType.forClassWithGenerics(
					org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient.class,
					OAuth2RefreshTokenGrantRequest.class))
				.getObject()).isInstanceOf(io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient.class);
			assertThat(context).hasBean("withingsReactiveAuthorizedClientManagerCustomizer");
			// the core finds reactive registrations without blocking
			assertThat(context.getBean(org.springframework.security.oauth2.client.registration.ClientRegistrationRepository.class)
				.findByRegistrationId("withings")
				.getProviderDetails()
				.getTokenUri()).isEqualTo("https://wbsapi.withings.net/v2/oauth2");
		});
	}

	@Test
	void reactiveAutoConfigurationWhenDataSourceThenTheJdbcStoreWithItsSchema() {
		reactiveRunner()
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:reactive-${random.uuid}")
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService.class)
					.hasSingleBean(io.github.springwithings.oauth2.client.JdbcWithingsStoreSchema.class);
				assertThat(((io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService) context
					.getBean(org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService.class))
					.getAuthorizedClientService()).isInstanceOf(
							io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService.class);
			});
	}

	@Test
	void autoConfigurationWhenServletApplicationThenBacksOff() {
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					WithingsAuthorizedClientServiceAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
					WithingsReactiveOAuth2ClientAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsClientRegistrations.class)
				.doesNotHaveBean(WithingsAuthorizationRedirectWebFilter.class)
				.doesNotHaveBean("withingsReactiveRefreshTokenTokenResponseClient"));
	}

}
