package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.actuate.endpoint.WithingsEndpoint;
import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsEndpointAutoConfiguration}: the {@code withings} endpoint, only when exposed and
 * accessible.
 */
class WithingsEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = ActuatorTestConfigurations.contextRunner();

	@Test
	void autoConfigurationWhenNotExposedThenNoEndpointButTheStatistics() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(WithingsStatistics.class)
			.doesNotHaveBean(WithingsEndpoint.class));
	}

	@Test
	void autoConfigurationWhenExposedOverTheWebThenEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health,withings")
			.run((context) -> assertThat(context).hasSingleBean(WithingsEndpoint.class));
	}

	@Test
	void autoConfigurationWhenExposedButAccessNoneThenNoEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=withings",
					"management.endpoint.withings.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsEndpoint.class));
	}

	@Test
	void autoConfigurationWhenExposedAndHealthDisabledThenEndpointWithoutTheContributor() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=withings",
					"management.health.withings.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(WithingsEndpoint.class)
				.doesNotHaveBean(WithingsHealthIndicator.class));
	}

}
