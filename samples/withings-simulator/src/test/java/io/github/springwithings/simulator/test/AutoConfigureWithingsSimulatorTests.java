package io.github.springwithings.simulator.test;

import java.time.Duration;

import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AutoConfigureWithingsSimulator} in a Spring test: the simulator is a bean, the
 * application's properties point at it, and it is reset between test methods.
 */
@SpringJUnitConfig(AutoConfigureWithingsSimulatorTests.Config.class)
@AutoConfigureWithingsSimulator
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoConfigureWithingsSimulatorTests {

	@Autowired
	WithingsSimulator withings;

	@Value("${withings.api-base-uri}")
	String apiBaseUri;

	@Value("${spring.security.oauth2.client.registration.withings.client-id}")
	String clientId;

	@Test
	@Order(1)
	void contextWhenAnnotatedThenSimulatorBeanAndPropertiesPointAtIt() {
		assertThat(this.withings.isRunning()).isTrue();
		assertThat(this.apiBaseUri).isEqualTo(this.withings.baseUrl());
		assertThat(this.clientId).isEqualTo(WithingsSimulator.DEFAULT_CLIENT_ID);
		this.withings.clock().advance(Duration.ofHours(4));
		this.withings.consentAs("alice");
		this.withings.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.nonJson());
		this.withings.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, "https://app.example.org/callback",
				"user.metrics");
	}

	@Test
	@Order(2)
	void contextWhenPreviousTestChangedTheSimulatorThenItWasReset() {
		assertThat(this.withings.clock().offset()).isZero();
		assertThat(this.withings.wireMock().getAllServeEvents()).isEmpty();
		assertThat(this.withings.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, "https://app.example.org/callback",
				"user.metrics")).isNotBlank();
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

	}

}
