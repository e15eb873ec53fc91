package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.autoconfigure.WithingsApiClientAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsAuthorizedClientServiceAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsAuthorizedClientsAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsKeepAliveAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsNotificationsAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientEnvironmentPostProcessor;
import io.github.springwithings.autoconfigure.WithingsRateLimitAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsReactiveAuthorizedClientServiceAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsReactiveOAuth2ClientAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The auto-configurations the actuator tests run: the starter's, and Actuator's.
 */
final class ActuatorTestConfigurations {

	static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	static final AutoConfigurations WITHINGS = AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
			ReactiveOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientServiceAutoConfiguration.class,
			WithingsReactiveAuthorizedClientServiceAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
			WithingsOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
			WithingsKeepAliveAutoConfiguration.class, WithingsReactiveOAuth2ClientAutoConfiguration.class,
			TaskExecutionAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
			WithingsNotificationsAutoConfiguration.class, WithingsHealthContributorAutoConfiguration.class,
			WithingsEndpointAutoConfiguration.class, WithingsMetricsAutoConfiguration.class);

	static final AutoConfigurations ACTUATOR = AutoConfigurations.of(EndpointAutoConfiguration.class,
			WebEndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
			MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class);

	private ActuatorTestConfigurations() {
	}

	/** A servlet application with a Withings registration, the memory store and Actuator. */
	static WebApplicationContextRunner contextRunner() {
		return new WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
					"withings.store.type=memory")
			.withConfiguration(WITHINGS)
			.withConfiguration(ACTUATOR);
	}

}
