package io.github.springwithings.sample.webflux;

import java.util.HashMap;
import java.util.Map;

import io.github.springwithings.simulator.WithingsSimulator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Chooses the Withings the sample talks to. With {@code WITHINGS_CLIENT_ID} and
 * {@code WITHINGS_CLIENT_SECRET} set: real Withings. Otherwise: a Withings simulator started
 * in-process on a free port (registered as a bean, so the page can fast-forward its clock), so
 * that sign-in, the chart, refresh and disconnect all work offline. When the registration's
 * {@code client-id} is already set it backs off: so with {@code @AutoConfigureWithingsSimulator}
 * in a test, whose context customizer runs before the application's initializers, the test's
 * simulator is the only one.
 */
public final class EmbeddedWithings implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Log logger = LogFactory.getLog(EmbeddedWithings.class);

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		Map<String, Object> properties = new HashMap<>();
		String clientId = environment.getProperty("WITHINGS_CLIENT_ID");
		if (StringUtils.hasText(environment.getProperty(REGISTRATION + "client-id"))) {
			return;
		}
		if (StringUtils.hasText(clientId)) {
			properties.put(REGISTRATION + "client-id", clientId);
			properties.put(REGISTRATION + "client-secret", environment.getProperty("WITHINGS_CLIENT_SECRET", ""));
		}
		else {
			WithingsSimulator simulator = WithingsSimulator.start();
			context.getBeanFactory().registerSingleton("withingsSimulator", simulator);
			context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> simulator.stop());
			properties.put(REGISTRATION + "client-id", WithingsSimulator.DEFAULT_CLIENT_ID);
			properties.put(REGISTRATION + "client-secret", WithingsSimulator.DEFAULT_CLIENT_SECRET);
			properties.put("withings.api-base-uri", simulator.baseUrl());
			properties.put("withings.account-base-uri", simulator.baseUrl());
			logger.info("No WITHINGS_CLIENT_ID: using the embedded Withings simulator at " + simulator.baseUrl());
		}
		environment.getPropertySources().addFirst(new MapPropertySource("withingsSample", properties));
	}

}
