package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Set;

import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.simulator.WithingsSimulator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end on Tomcat with Actuator: a user signs in through the simulator, then
 * {@code /actuator/health} shows the {@code withings} contributor UP and
 * {@code /actuator/withings}, exposed, counts the linked user, with no token, secret or user id.
 * Once Withings is gone, {@code /actuator/health} stays 200 with Withings DOWN in the details, the
 * endpoint and the metric; only a strict contributor answers 503, and the application's own store
 * failing does.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,withings",
				"management.endpoint.health.show-details=always", "withings.health.cache=0s" })
@Import(WithingsActuatorIntegrationTests.SimulatorClockConfiguration.class)
class WithingsActuatorIntegrationTests {

	static final WithingsSimulator simulator = AbstractWithingsLoginIntegrationTests.startSimulator();

	@LocalServerPort
	int port;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	WithingsHealthIndicator healthIndicator;

	@Autowired
	MeterRegistry meterRegistry;

	@Autowired
	DataSource dataSource;

	private final JsonMapper json = JsonMapper.builder().build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void actuatorWhenAUserSignedInThenHealthUpAndTheEndpointCountsWithoutSecretsThenStill200WithoutWithings()
			throws Exception {
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		String userId = AbstractWithingsLoginIntegrationTests.USER_ID;
		browser.get(app("/me"));
		assertThat(browser.get(app("/oauth2/authorization/withings")).body()).startsWith(userId + " ");
		OAuth2AuthorizedClient client = this.authorizedClientService.loadAuthorizedClient("withings", userId);
		assertThat(client).isNotNull();

		// the probe runs in the background: the first answers may still be UNKNOWN
		HttpResponse<String> health = await().atMost(Duration.ofSeconds(30))
			.until(() -> browser.get(app("/actuator/health")),
					(response) -> "UP".equals(this.json.readTree(response.body()).at("/components/withings/details/withings").asString()));
		assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
		JsonNode withingsHealth = this.json.readTree(health.body()).at("/components/withings");
		assertThat(withingsHealth.at("/status").asString()).isEqualTo("UP");
		assertThat(withingsHealth.at("/details/withings").asString()).isEqualTo("UP");
		assertThat(withingsHealth.at("/details/store").asString()).isEqualTo("UP");
		assertThat(simulator.counters().actionlessRequests()).isPositive();

		HttpResponse<String> endpoint = browser.get(app("/actuator/withings"));
		assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(200);
		JsonNode withings = this.json.readTree(endpoint.body());
		assertThat(withings.at("/registrations/withings/linkedUsers").asLong()).isOne();
		assertThat(withings.at("/registrations/withings/refreshTokenAge/lessThan30Days").asLong()).isOne();
		assertThat(withings.at("/registrations/withings/refreshesInDoubt").asLong()).isZero();
		assertThat(withings.at("/rateBudget/requestsPerMinute").asInt()).isEqualTo(60000);
		assertThat(withings.at("/rateBudget/lastHour/interactive").asLong()).as("the sign-in's calls").isPositive();
		Set<String> secrets = WithingsLogSecrecyIntegrationTests.secretsSeenBySimulator(simulator);
		assertThat(secrets).isNotEmpty();
		for (String body : new String[] { health.body(), endpoint.body() }) {
			assertThat(body).doesNotContain(userId, client.getAccessToken().getTokenValue(),
					client.getRefreshToken().getTokenValue(), WithingsSimulator.DEFAULT_CLIENT_SECRET);
			for (String secret : secrets) {
				assertThat(body).doesNotContain(secret);
			}
		}

		simulator.stop();
		HttpResponse<String> withingsDown = await().atMost(Duration.ofSeconds(30))
			.until(() -> browser.get(app("/actuator/health")),
					(response) -> "DOWN".equals(this.json.readTree(response.body()).at("/components/withings/details/withings").asString()));

		assertThat(withingsDown.statusCode()).as("a Withings outage does not take the application out").isEqualTo(200);
		JsonNode downHealth = this.json.readTree(withingsDown.body());
		assertThat(downHealth.at("/status").asString()).isEqualTo("UP");
		assertThat(downHealth.at("/components/withings/status").asString()).isEqualTo("UP");
		assertThat(downHealth.at("/components/withings/details/withingsError").asString())
			.isEqualTo("ResourceAccessException");
		assertThat(downHealth.at("/components/withings/details/withingsCheckedAt").isMissingNode()).isFalse();
		assertThat(downHealth.at("/components/withings/details/store").asString()).isEqualTo("UP");
		JsonNode endpointDown = this.json.readTree(browser.get(app("/actuator/withings")).body());
		assertThat(endpointDown.at("/withings/status").asString()).isEqualTo("DOWN");
		assertThat(endpointDown.at("/withings/error").asString()).isEqualTo("ResourceAccessException");
		assertThat(this.meterRegistry.get("withings.reachable").gauge().value()).isZero();

		this.healthIndicator.setStrict(true);
		try {
			HttpResponse<String> strict = browser.get(app("/actuator/health"));
			assertThat(strict.statusCode()).as("withings.health.strict=true").isEqualTo(503);
			assertThat(this.json.readTree(strict.body()).at("/components/withings/status").asString()).isEqualTo("DOWN");
		}
		finally {
			this.healthIndicator.setStrict(false);
		}

		// the application's own store failing still takes it out
		assertThat(this.authorizedClientService).isInstanceOf(JdbcWithingsAuthorizedClientService.class);
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.execute("ALTER TABLE withings_authorized_client RENAME TO withings_authorized_client_away");
		try {
			HttpResponse<String> storeDown = browser.get(app("/actuator/health"));
			assertThat(storeDown.statusCode()).as(storeDown.body()).isEqualTo(503);
			JsonNode storeDownHealth = this.json.readTree(storeDown.body()).at("/components/withings");
			assertThat(storeDownHealth.at("/status").asString()).isEqualTo("DOWN");
			assertThat(storeDownHealth.at("/details/store").asString()).isEqualTo("DOWN");
			assertThat(storeDownHealth.at("/details/storeError").asString()).isNotBlank();
		}
		finally {
			jdbc.execute("ALTER TABLE withings_authorized_client_away RENAME TO withings_authorized_client");
		}
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SimulatorClockConfiguration {

		@Bean
		Clock clock() {
			return simulator.clock();
		}

	}

}
