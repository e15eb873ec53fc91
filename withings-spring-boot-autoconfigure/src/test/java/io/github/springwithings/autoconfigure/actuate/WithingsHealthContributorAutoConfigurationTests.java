package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.actuate.endpoint.WithingsEndpoint;
import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.actuate.metrics.WithingsMetrics;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientEnvironmentPostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.github.springwithings.autoconfigure.actuate.ActuatorTestConfigurations.ACTUATOR;
import static io.github.springwithings.autoconfigure.actuate.ActuatorTestConfigurations.REGISTRATION;
import static io.github.springwithings.autoconfigure.actuate.ActuatorTestConfigurations.WITHINGS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsHealthContributorAutoConfiguration}: the health contributor (with the statistics
 * and the reachability probe the three actuator auto-configurations share), with Actuator and
 * without.
 */
class WithingsHealthContributorAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = ActuatorTestConfigurations.contextRunner();

	@Test
	void autoConfigurationWhenActuatorThenHealthContributorAndMetricsButNoEndpointUntilExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsStatistics.class)
				.hasSingleBean(WithingsHealthIndicator.class)
				.hasSingleBean(WithingsMetrics.class)
				.doesNotHaveBean(WithingsEndpoint.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("withings"))
				.isSameAs(context.getBean(WithingsHealthIndicator.class));
			assertThat(context.getBean(MeterRegistry.class).find("withings.users.linked").tag("registration", "withings")
				.gauge()).isNotNull();
			assertThat(context.getBean(MeterRegistry.class).find("withings.rate.budget.last.hour")
				.tag("outcome", "tooManyRequests")
				.gauge()).isNotNull();
			assertThat(context.getBean(WithingsHealthProperties.class).getCache()).hasMinutes(1);
			assertThat(context.getBean(WithingsHealthProperties.class).getMaxAge()).hasMinutes(5);
			assertThat(context.getBean(WithingsHealthIndicator.class).isStrict()).as("not strict by default").isFalse();
			assertThat(context.getBean(WithingsHealthIndicator.class).getReachability())
				.isSameAs(context.getBean(WithingsReachability.class));
			assertThat(context.getBean(MeterRegistry.class).find("withings.reachable").gauge()).isNotNull();
			assertThat(context.getBean(MeterRegistry.class).find("withings.reachable").gauge().value())
				.as("not checked yet: unknown")
				.isNaN();
		});
	}

	@Test
	void autoConfigurationWhenStrictThenAWithingsOutageMakesTheContributorDown() {
		this.contextRunner.withPropertyValues("withings.health.strict=true", "withings.health.max-age=10m")
			.run((context) -> {
				assertThat(context.getBean(WithingsHealthIndicator.class).isStrict()).isTrue();
				assertThat(context.getBean(WithingsHealthProperties.class).getMaxAge()).hasMinutes(10);
			});
	}

	@Test
	void autoConfigurationWhenHealthIndicatorDisabledThenNone() {
		this.contextRunner.withPropertyValues("management.health.withings.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsHealthIndicator.class)
				.hasSingleBean(WithingsMetrics.class));
	}

	@Test
	void autoConfigurationWhenHealthCacheSetThenBound() {
		this.contextRunner.withPropertyValues("withings.health.cache=5m")
			.run((context) -> assertThat(context.getBean(WithingsHealthProperties.class).getCache()).hasMinutes(5));
	}

	@Test
	void autoConfigurationWhenTheApplicationHasItsOwnIndicatorThenItsOwnIsKept() {
		this.contextRunner.withUserConfiguration(OwnIndicator.class).run((context) -> {
			assertThat(context).doesNotHaveBean(WithingsHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("withings"))
				.isSameAs(context.getBean("withingsHealthIndicator"));
		});
	}

	@Test
	void autoConfigurationWhenNoActuatorThenNothingOfIt() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsStatistics.class)
				.doesNotHaveBean(WithingsHealthIndicator.class)
				.doesNotHaveBean(WithingsMetrics.class)
				.doesNotHaveBean(WithingsEndpoint.class));
	}

	@Test
	void autoConfigurationWhenNoHealthModuleThenNoIndicatorButMetrics() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsHealthIndicator.class)
				.hasSingleBean(WithingsMetrics.class));
	}

	@Test
	void autoConfigurationWhenNoWithingsRegistrationThenNothingOfIt() {
		new WebApplicationContextRunner().withConfiguration(WITHINGS)
			.withConfiguration(ACTUATOR)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsStatistics.class)
				.doesNotHaveBean(WithingsHealthIndicator.class));
	}

	@Test
	void autoConfigurationWhenWebFluxThenIndicatorEndpointAndMetrics() {
		new ReactiveWebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
					"withings.store.type=memory", "management.endpoints.web.exposure.include=withings")
			.withConfiguration(WITHINGS)
			.withConfiguration(ACTUATOR)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(WithingsHealthIndicator.class)
					.hasSingleBean(WithingsEndpoint.class)
					.hasSingleBean(WithingsMetrics.class);
				// Boot's reactive health endpoint runs blocking contributors on boundedElastic
				assertThat(context.getBean(HealthContributorRegistry.class).getContributor("withings"))
					.isSameAs(context.getBean(WithingsHealthIndicator.class));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnIndicator {

		@Bean
		HealthIndicator withingsHealthIndicator() {
			return () -> Health.up().build();
		}

	}

}
