package io.github.springwithings.integration;

import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The notification callback end to end on Tomcat, with Boot's default security chain.
 */
@SpringBootTest(classes = AbstractWithingsNotificationIntegrationTests.NotificationApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WithingsServletNotificationIntegrationTests extends AbstractWithingsNotificationIntegrationTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		properties(registry, simulator);
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Override
	protected WithingsSimulator simulator() {
		return simulator;
	}

}
