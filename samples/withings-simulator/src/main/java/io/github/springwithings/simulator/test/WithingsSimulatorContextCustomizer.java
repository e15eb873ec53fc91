package io.github.springwithings.simulator.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.Assert;

/**
 * Starts a {@link WithingsSimulator} for an application context, registers it as the bean
 * {@value #BEAN_NAME}, points the Withings registration and base URIs at it (a property source
 * of the highest precedence) and stops it when the context closes. Equal customizers (same
 * registration id and port) share a cached context.
 */
final class WithingsSimulatorContextCustomizer implements ContextCustomizer {

	/** Name of the simulator's bean. */
	static final String BEAN_NAME = "withingsSimulator";

	/** Name of the property source with the simulator's properties. */
	static final String PROPERTY_SOURCE_NAME = "withingsSimulator";

	private final String registrationId;

	private final int port;

	WithingsSimulatorContextCustomizer(String registrationId, int port) {
		Assert.hasText(registrationId, "registrationId must not be empty");
		Assert.isTrue(port >= 0 && port <= 65535, "port must be between 0 and 65535");
		this.registrationId = registrationId;
		this.port = port;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		WithingsSimulator simulator = WithingsSimulator.start(this.port);
		try {
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			beanFactory.registerSingleton(BEAN_NAME, simulator);
			if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
				// also when the context fails to refresh
				registry.registerDisposableBean(BEAN_NAME, simulator::stop);
			}
			else {
				context.addApplicationListener(new ApplicationListener<ContextClosedEvent>() {

					@Override
					public void onApplicationEvent(ContextClosedEvent event) {
						simulator.stop();
					}

				});
			}
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties(simulator.baseUrl())));
			// moving the simulator's clock ages a nonce fetched ahead past Withings' 30 minutes, and
			// each refusal would count as a token request: off unless the test turns it on
			context.getEnvironment()
				.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME + "Defaults", Map.of("withings.nonce.prefetch", "false")));
		}
		catch (RuntimeException ex) {
			simulator.stop();
			throw ex;
		}
	}

	Map<String, Object> properties(String baseUrl) {
		String registration = "spring.security.oauth2.client.registration." + this.registrationId + ".";
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(registration + "client-id", WithingsSimulator.DEFAULT_CLIENT_ID);
		properties.put(registration + "client-secret", WithingsSimulator.DEFAULT_CLIENT_SECRET);
		if (!"withings".equals(this.registrationId)) {
			properties.put(registration + "provider", "withings");
		}
		properties.put("withings.api-base-uri", baseUrl);
		properties.put("withings.account-base-uri", baseUrl);
		return properties;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (other == null || getClass() != other.getClass()) {
			return false;
		}
		WithingsSimulatorContextCustomizer that = (WithingsSimulatorContextCustomizer) other;
		return this.port == that.port && this.registrationId.equals(that.registrationId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.registrationId, this.port);
	}

}
