package io.github.springwithings.integration.reactive;

import io.github.springwithings.integration.AbstractWithingsNotificationIntegrationTests;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The notification callback end to end on Reactor Netty, with Boot's default reactive security
 * chain.
 */
@SpringBootTest(classes = AbstractWithingsNotificationIntegrationTests.NotificationApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class WithingsReactiveNotificationIntegrationTests extends AbstractWithingsNotificationIntegrationTests {

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
