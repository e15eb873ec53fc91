package io.github.springwithings.integration;

import io.github.springwithings.oauth2.client.R2dbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link AbstractWithingsUnlinkIntegrationTests} on Tomcat with the R2dbc store.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "withings.store.type=r2dbc",
				"spring.r2dbc.url=r2dbc:h2:mem:///unlink-servlet?options=DB_CLOSE_DELAY=-1",
				// R2DBC back on (the test properties turn it off for the other applications)
				"spring.autoconfigure.exclude=org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
@Import(AbstractWithingsUnlinkIntegrationTests.ClockConfiguration.class)
class WithingsUnlinkR2dbcIntegrationTests extends AbstractWithingsUnlinkIntegrationTests {

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
		return R2dbcWithingsAuthorizedClientService.class;
	}

}
