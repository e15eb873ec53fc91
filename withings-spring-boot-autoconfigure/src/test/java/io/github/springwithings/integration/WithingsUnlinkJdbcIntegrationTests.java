package io.github.springwithings.integration;

import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link AbstractWithingsUnlinkIntegrationTests} on Tomcat with the Jdbc store.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "withings.store.type=jdbc" })
@Import(AbstractWithingsUnlinkIntegrationTests.ClockConfiguration.class)
class WithingsUnlinkJdbcIntegrationTests extends AbstractWithingsUnlinkIntegrationTests {

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
	WithingsSimulator simulator() {
		return simulator;
	}

	@Override
	Class<? extends WithingsAuthorizedClientService> storeType() {
		return JdbcWithingsAuthorizedClientService.class;
	}

}
