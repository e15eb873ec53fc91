package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.web.WithingsRedirectUriHeadFilter;
import io.github.springwithings.oauth2.client.web.server.WithingsRedirectUriHeadWebFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsRedirectUriHeadAutoConfiguration}: the dashboard's {@code HEAD} probe of the
 * redirect URIs answered on both web stacks, unless {@code withings.redirect-uri-head.enabled=false}.
 */
class WithingsRedirectUriHeadAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private static final String[] PROPERTIES = { REGISTRATION + "withings.client-id=id",
			REGISTRATION + "withings.client-secret=secret" };

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(PROPERTIES)
		.withConfiguration(AutoConfigurations.of(WithingsRedirectUriHeadAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(PROPERTIES)
		.withConfiguration(AutoConfigurations.of(WithingsRedirectUriHeadAutoConfiguration.class));

	@Test
	void autoConfigurationWhenServletThenFilterOnTheRedirectPath() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasBean("withingsRedirectUriHeadFilterRegistration");
			assertThat(context.getBean("withingsRedirectUriHeadFilterRegistration", FilterRegistrationBean.class)
				.getFilter()).isInstanceOf(WithingsRedirectUriHeadFilter.class);
		});
	}

	@Test
	void autoConfigurationWhenWebFluxThenWebFilter() {
		this.reactiveRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(WithingsRedirectUriHeadWebFilter.class));
	}

	@Test
	void autoConfigurationWhenRedirectUriHeadDisabledThenBacksOff() {
		this.contextRunner.withPropertyValues("withings.redirect-uri-head.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("withingsRedirectUriHeadFilterRegistration"));
		this.reactiveRunner.withPropertyValues("withings.redirect-uri-head.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WithingsRedirectUriHeadWebFilter.class));
	}

	@Test
	void autoConfigurationWhenNotAWebApplicationOrNoRegistrationThenNone() {
		new ApplicationContextRunner().withPropertyValues(PROPERTIES)
			.withConfiguration(AutoConfigurations.of(WithingsRedirectUriHeadAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("withingsRedirectUriHeadFilterRegistration")
				.doesNotHaveBean(WithingsRedirectUriHeadWebFilter.class));
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WithingsRedirectUriHeadAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("withingsRedirectUriHeadFilterRegistration"));
	}

	@Test
	void redirectPathWhenTemplatesThenPathOfTheRedirectUri() {
		assertThat(WithingsRedirectUriHeadAutoConfiguration.redirectPath(
				WithingsRedirectUriHeadAutoConfiguration.DEFAULT_REDIRECT_URI, "withings"))
			.isEqualTo("/login/oauth2/code/withings");
		assertThat(WithingsRedirectUriHeadAutoConfiguration
			.redirectPath("{baseScheme}://{baseHost}{basePort}{basePath}/callback/{registrationId}", "w"))
			.isEqualTo("/callback/w");
		assertThat(WithingsRedirectUriHeadAutoConfiguration.redirectPath("https://app.example.com/cb/withings", "withings"))
			.isEqualTo("/cb/withings");
	}

}
