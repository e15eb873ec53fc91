package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsKeepAliveAutoConfiguration}: off unless {@code withings.keep-alive.enabled}, then
 * scheduled; its spacing a quarter of Withings' 120 requests a minute by default, a refresh
 * costing two requests in signature mode and one with the client secret, unless set.
 */
class WithingsKeepAliveAutoConfigurationTests {

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
	void autoConfigurationWhenKeepAliveDisabledThenBacksOff() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(WithingsKeepAlive.class)
			.doesNotHaveBean("withingsKeepAliveSchedule"));
		this.contextRunner.withPropertyValues("withings.keep-alive.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsKeepAlive.class)
				.doesNotHaveBean("withingsKeepAliveSchedule"));
		this.contextRunner.withPropertyValues("withings.keep-alive.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(WithingsKeepAlive.class)
				.hasBean("withingsKeepAliveSchedule"));
	}

	@Test
	void keepAliveWhenEnabledThenScheduledAndOtherwiseAbsent() {
		this.contextRunner
			.withPropertyValues("withings.keep-alive.enabled=true", "withings.keep-alive.interval=12h",
					"withings.keep-alive.max-refresh-token-age=90d")
			.run((context) -> {
				assertThat(context).hasSingleBean(WithingsKeepAlive.class).hasBean("withingsKeepAliveSchedule");
				assertThat(context.getBean("withingsKeepAliveSchedule", WithingsSchedule.class).isRunning()).isTrue();
				assertThat(context.getBean(WithingsKeepAliveProperties.class).getMaxRefreshTokenAge())
					.isEqualTo(Duration.ofDays(90));
			});
	}

	@Test
	void keepAliveWhenNoWithingsStoreThenNone() {
		this.contextRunner.withPropertyValues("withings.keep-alive.enabled=true")
			.withUserConfiguration(WithingsAuthorizedClientServiceAutoConfigurationTests.UserService.class)
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsKeepAlive.class));
	}

	@Test
	void keepAliveSpacingWhenSignatureModeAtTheDefaultsThenFourSeconds() {
		WithingsProperties properties = new WithingsProperties();
		WithingsKeepAliveProperties keepAlive = new WithingsKeepAliveProperties();
		WithingsRateLimitProperties rateLimit = new WithingsRateLimitProperties();

		assertThat(properties.getClientAuthentication()).isEqualTo(WithingsClientAuthentication.SIGNATURE);
		assertThat(rateLimit.getRequestsPerMinute()).isEqualTo(120);
		assertThat(keepAlive.getBudgetShare()).isEqualTo(0.25);
		assertThat(WithingsKeepAliveSpacing.of(properties, keepAlive, rateLimit)).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void keepAliveSpacingWhenClientSecretAtTheDefaultsThenTwoSeconds() {
		WithingsProperties properties = new WithingsProperties();
		properties.setClientAuthentication(WithingsClientAuthentication.CLIENT_SECRET);

		assertThat(WithingsKeepAliveSpacing.of(properties, new WithingsKeepAliveProperties(),
				new WithingsRateLimitProperties()))
			.isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void keepAliveSpacingWhenSetThenAsSetWhateverTheBudget() {
		WithingsKeepAliveProperties keepAlive = new WithingsKeepAliveProperties();
		keepAlive.setSpacing(Duration.ofMillis(1500));
		keepAlive.setBudgetShare(1.0);

		assertThat(WithingsKeepAliveSpacing.of(new WithingsProperties(), keepAlive, new WithingsRateLimitProperties()))
			.isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void keepAliveWhenAutoConfiguredThenItsSpacingFollowsTheProperties() {
		ApplicationContextRunner contextRunner = this.contextRunner.withPropertyValues("withings.keep-alive.enabled=true");
		contextRunner.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
			.isEqualTo(Duration.ofSeconds(4)));
		contextRunner.withPropertyValues("withings.client-authentication=client-secret")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofSeconds(2)));
		contextRunner.withPropertyValues("withings.rate-limit.requests-per-minute=60")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofSeconds(8)));
		contextRunner.withPropertyValues("withings.keep-alive.budget-share=0.5")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofSeconds(2)));
		contextRunner.withPropertyValues("withings.keep-alive.spacing=1500ms")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofMillis(1500)));
	}

	private static Duration spacing(WithingsKeepAlive keepAlive) {
		return (Duration) ReflectionTestUtils.getField(keepAlive, "spacing");
	}

}
