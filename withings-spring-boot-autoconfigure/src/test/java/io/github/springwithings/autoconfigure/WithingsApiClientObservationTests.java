package io.github.springwithings.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsReactiveApi;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsApiClientAutoConfiguration}: {@link WithingsApi} and {@link WithingsReactiveApi}
 * count their incomplete answers with the application's {@link ObservationRegistry}, and with none
 * when there is none.
 */
class WithingsApiClientObservationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				WithingsAuthorizedClientServiceAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsKeepAliveAutoConfiguration.class, WithingsApiClientAutoConfiguration.class));

	@Test
	void apisWhenObservationRegistryThenIncompleteAnswersObservedWithIt() {
		TestObservationRegistry observations = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> observations).run((context) -> {
			assertThat(registry(context.getBean(WithingsApi.class))).isSameAs(observations);
			assertThat(registry(context.getBean(WithingsReactiveApi.class))).isSameAs(observations);
		});
	}

	@Test
	void apisWhenNoObservationRegistryThenNoop() {
		this.contextRunner.run((context) -> {
			assertThat(registry(context.getBean(WithingsApi.class))).isSameAs(ObservationRegistry.NOOP);
			assertThat(registry(context.getBean(WithingsReactiveApi.class))).isSameAs(ObservationRegistry.NOOP);
		});
	}

	private static Object registry(Object api) {
		return ((AtomicReference<?>) ReflectionTestUtils.getField(api, "observationRegistry")).get();
	}

}
