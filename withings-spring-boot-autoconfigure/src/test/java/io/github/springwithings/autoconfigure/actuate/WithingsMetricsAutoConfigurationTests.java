package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.actuate.metrics.WithingsMetrics;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientEnvironmentPostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static io.github.springwithings.autoconfigure.actuate.ActuatorTestConfigurations.REGISTRATION;
import static io.github.springwithings.autoconfigure.actuate.ActuatorTestConfigurations.WITHINGS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsMetricsAutoConfiguration}: the {@code withings.*} metrics, with a
 * {@link MeterRegistry} only.
 */
class WithingsMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = ActuatorTestConfigurations.contextRunner();

	@Test
	void autoConfigurationWhenMeterRegistryThenMetrics() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(WithingsMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).find("withings.users.linked").tag("registration", "withings")
				.gauge()).isNotNull();
		});
	}

	@Test
	void autoConfigurationWhenNoMeterRegistryThenNoMetrics() {
		new WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
					"withings.store.type=memory")
			.withConfiguration(WITHINGS)
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsHealthIndicator.class)
				.doesNotHaveBean(WithingsMetrics.class));
	}

}
