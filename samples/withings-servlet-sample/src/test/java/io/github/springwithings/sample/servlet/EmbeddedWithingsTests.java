package io.github.springwithings.sample.servlet;

import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Withings {@link EmbeddedWithings} chooses, and whether notifications are on: the embedded
 * simulator calls back on the server's port at a secret path (new at each start); real Withings
 * notifies only with {@code WITHINGS_CALLBACK_URL}; a client id already set leaves everything as it is.
 */
class EmbeddedWithingsTests {

	private static final String CALLBACK_URL = "withings.notifications.callback-url";

	@Test
	void initializeWhenNoClientIdThenTheSimulatorNotifiesTheServersPortAtANewSecretPathEachStart() {
		String first = embedded(new MockEnvironment());
		String second = embedded(new MockEnvironment());

		assertThat(first).matches("http://localhost:0/withings/notifications/[A-Za-z0-9_-]{32}");
		assertThat(second).matches("http://localhost:0/withings/notifications/[A-Za-z0-9_-]{32}").isNotEqualTo(first);
	}

	@Test
	void initializeWhenNoClientIdAndACallbackUrlIsSetThenItIsKept() {
		MockEnvironment environment = new MockEnvironment().withProperty(CALLBACK_URL, "http://localhost:0/hooks/mine")
			.withProperty("withings.notifications.subscribe-spacing", "1s");

		assertThat(embedded(environment)).isEqualTo("http://localhost:0/hooks/mine");
		assertThat(environment.getProperty("withings.notifications.subscribe-spacing")).isEqualTo("1s");
	}

	@Test
	void initializeWhenRealWithingsWithACallbackUrlThenNotificationsAreOn() {
		MockEnvironment environment = new MockEnvironment().withProperty("WITHINGS_CLIENT_ID", "id")
			.withProperty("WITHINGS_CLIENT_SECRET", "secret")
			.withProperty("WITHINGS_CALLBACK_URL", "https://app.example.com/withings/notifications/k3y");

		try (GenericApplicationContext context = initialized(environment)) {
			assertThat(environment.getProperty(CALLBACK_URL))
				.isEqualTo("https://app.example.com/withings/notifications/k3y");
			assertThat(environment.getProperty("withings.notifications.subscribe-spacing")).isNull();
			assertThat(context.getBeanFactory().containsSingleton("withingsSimulator")).isFalse();
		}
	}

	@Test
	void initializeWhenRealWithingsWithoutACallbackUrlThenNotificationsAreOff() {
		MockEnvironment environment = new MockEnvironment().withProperty("WITHINGS_CLIENT_ID", "id");

		try (GenericApplicationContext context = initialized(environment)) {
			assertThat(environment.getProperty("spring.security.oauth2.client.registration.withings.client-id"))
				.isEqualTo("id");
			assertThat(environment.getProperty(CALLBACK_URL)).isNull();
		}
	}

	@Test
	void initializeWhenTheClientIdIsSetThenItBacksOff() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.security.oauth2.client.registration.withings.client-id", "test-id")
			.withProperty("WITHINGS_CALLBACK_URL", "https://app.example.com/withings/notifications/k3y");

		try (GenericApplicationContext context = initialized(environment)) {
			assertThat(environment.getProperty(CALLBACK_URL)).isNull();
			assertThat(context.getBeanFactory().containsSingleton("withingsSimulator")).isFalse();
		}
	}

	/** The callback URL of an embedded start; the simulator stops with the context. */
	private static String embedded(MockEnvironment environment) {
		WithingsSimulator simulator;
		try (GenericApplicationContext context = initialized(environment)) {
			simulator = context.getBean(WithingsSimulator.class);
			assertThat(simulator.isRunning()).isTrue();
			assertThat(environment.getProperty("withings.notifications.subscribe-spacing")).isNotNull();
		}
		assertThat(simulator.isRunning()).isFalse();
		return environment.getProperty(CALLBACK_URL);
	}

	private static GenericApplicationContext initialized(MockEnvironment environment) {
		GenericApplicationContext context = new GenericApplicationContext();
		context.setEnvironment(environment);
		new EmbeddedWithings().initialize(context);
		context.refresh();
		return context;
	}

}
