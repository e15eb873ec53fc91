package io.github.springwithings.integration;

import java.time.Clock;

import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * End to end with the secret in token requests ({@code withings.client-authentication=client-secret}).
 */
@Import(WithingsLoginClientSecretIntegrationTests.SimulatorClockConfiguration.class)
class WithingsLoginClientSecretIntegrationTests extends AbstractWithingsLoginIntegrationTests {

	static final WithingsSimulator simulator = startSimulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		simulatorProperties(registry, simulator, "client-secret");
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
	int expectedNoncesPerRefresh() {
		return 0;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SimulatorClockConfiguration {

		@Bean
		Clock clock() {
			return simulator.clock();
		}

	}

}
