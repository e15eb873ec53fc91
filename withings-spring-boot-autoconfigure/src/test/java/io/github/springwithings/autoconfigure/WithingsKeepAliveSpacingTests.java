package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive spacing: a quarter of Withings' 120 requests a minute by default, a refresh
 * costing two requests in signature mode and one with the client secret, unless set.
 */
class WithingsKeepAliveSpacingTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret",
				"withings.keep-alive.enabled=true")
		.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsApiClientAutoConfiguration.class));

	@Test
	void keepAliveSpacingWhenSignatureModeAtTheDefaultsThenFourSeconds() {
		WithingsProperties properties = new WithingsProperties();

		assertThat(properties.getClientAuthentication()).isEqualTo(WithingsClientAuthentication.SIGNATURE);
		assertThat(properties.getRateLimit().getRequestsPerMinute()).isEqualTo(120);
		assertThat(properties.getKeepAlive().getBudgetShare()).isEqualTo(0.25);
		assertThat(WithingsOAuth2ClientAutoConfiguration.keepAliveSpacing(properties)).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void keepAliveSpacingWhenClientSecretAtTheDefaultsThenTwoSeconds() {
		WithingsProperties properties = new WithingsProperties();
		properties.setClientAuthentication(WithingsClientAuthentication.CLIENT_SECRET);

		assertThat(WithingsOAuth2ClientAutoConfiguration.keepAliveSpacing(properties)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void keepAliveSpacingWhenSetThenAsSetWhateverTheBudget() {
		WithingsProperties properties = new WithingsProperties();
		properties.getKeepAlive().setSpacing(Duration.ofMillis(1500));
		properties.getKeepAlive().setBudgetShare(1.0);

		assertThat(WithingsOAuth2ClientAutoConfiguration.keepAliveSpacing(properties)).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void keepAliveWhenAutoConfiguredThenItsSpacingFollowsTheProperties() {
		this.contextRunner.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
			.isEqualTo(Duration.ofSeconds(4)));
		this.contextRunner.withPropertyValues("withings.client-authentication=client-secret")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofSeconds(2)));
		this.contextRunner.withPropertyValues("withings.rate-limit.requests-per-minute=60")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofSeconds(8)));
		this.contextRunner.withPropertyValues("withings.keep-alive.budget-share=0.5")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofSeconds(2)));
		this.contextRunner.withPropertyValues("withings.keep-alive.spacing=1500ms")
			.run((context) -> assertThat(spacing(context.getBean(WithingsKeepAlive.class)))
				.isEqualTo(Duration.ofMillis(1500)));
	}

	private static Duration spacing(WithingsKeepAlive keepAlive) {
		return (Duration) ReflectionTestUtils.getField(keepAlive, "spacing");
	}

}
