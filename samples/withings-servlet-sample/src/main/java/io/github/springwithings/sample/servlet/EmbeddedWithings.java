package io.github.springwithings.sample.servlet;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.github.springwithings.simulator.WithingsSimulator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Chooses the Withings the sample talks to. With {@code WITHINGS_CLIENT_ID} and
 * {@code WITHINGS_CLIENT_SECRET} set: real Withings, and notifications when
 * {@code WITHINGS_CALLBACK_URL} names the public HTTPS URL Withings should call (without it, the
 * data sync's backstop alone brings new weights). Otherwise: a Withings simulator started in-process
 * on a free port (registered as a bean, so the page can fast-forward its clock and step on its
 * scale), so that sign-in, the chart, refresh, notifications and disconnect all work offline: the
 * simulator calls the application back on {@code http://localhost:<server port>} at a path
 * ending with a random secret, new at each start. When the registration's {@code client-id} is
 * already set it backs off: so with {@code @AutoConfigureWithingsSimulator} in a test, whose
 * context customizer runs before the application's initializers, the test's simulator is the
 * only one.
 */
public final class EmbeddedWithings implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Log logger = LogFactory.getLog(EmbeddedWithings.class);

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private static final String CALLBACK_URL = "withings.notifications.callback-url";

	private static final String SUBSCRIBE_SPACING = "withings.notifications.subscribe-spacing";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		Map<String, Object> properties = new HashMap<>();
		String clientId = environment.getProperty("WITHINGS_CLIENT_ID");
		if (StringUtils.hasText(environment.getProperty(REGISTRATION + "client-id"))) {
			return;
		}
		boolean callbackSet = StringUtils.hasText(environment.getProperty(CALLBACK_URL));
		if (StringUtils.hasText(clientId)) {
			properties.put(REGISTRATION + "client-id", clientId);
			properties.put(REGISTRATION + "client-secret", environment.getProperty("WITHINGS_CLIENT_SECRET", ""));
			String callbackUrl = environment.getProperty("WITHINGS_CALLBACK_URL");
			if (!callbackSet && StringUtils.hasText(callbackUrl)) {
				properties.put(CALLBACK_URL, callbackUrl.trim());
			}
		}
		else if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)) {
			// ahead-of-time processing at build time: the same choices, no simulator to start
			// (this runs again when the processed application starts)
			properties.put(REGISTRATION + "client-id", WithingsSimulator.DEFAULT_CLIENT_ID);
			properties.put(REGISTRATION + "client-secret", WithingsSimulator.DEFAULT_CLIENT_SECRET);
			if (!callbackSet) {
				properties.put(CALLBACK_URL, "http://localhost:0/withings/notifications/aot");
			}
		}
		else {
			WithingsSimulator simulator = WithingsSimulator.start();
			context.getBeanFactory().registerSingleton("withingsSimulator", simulator);
			context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> simulator.stop());
			properties.put(REGISTRATION + "client-id", WithingsSimulator.DEFAULT_CLIENT_ID);
			properties.put(REGISTRATION + "client-secret", WithingsSimulator.DEFAULT_CLIENT_SECRET);
			properties.put("withings.api-base-uri", simulator.baseUrl());
			properties.put("withings.account-base-uri", simulator.baseUrl());
			if (!callbackSet) {
				// port 0: the port the server listens on, read when a user is subscribed
				properties.put(CALLBACK_URL, "http://localhost:0/withings/notifications/" + secret());
			}
			if (!StringUtils.hasText(environment.getProperty(SUBSCRIBE_SPACING))) {
				// nobody else shares the simulator's probe of the callback URL
				properties.put(SUBSCRIBE_SPACING, "200ms");
			}
			logger.info("No WITHINGS_CLIENT_ID: using the embedded Withings simulator at " + simulator.baseUrl()
					+ (callbackSet ? "" : "; it notifies this application at /withings/notifications/****"));
		}
		environment.getPropertySources().addFirst(new MapPropertySource("withingsSample", properties));
	}

	/** The callback path's last segment: anyone who knows it can post notifications. */
	private static String secret() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
