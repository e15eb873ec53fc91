package io.github.springwithings.integration;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything the application logs at TRACE during a sign-in, a refresh and API calls: the
 * starter's DEBUG lines are there, and no access token, refresh token, client secret, nonce or
 * signature is, anywhere. (The simulator's own logs are left out: it is not the application.)
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.root=TRACE", "logging.level.wiremock=INFO",
				"logging.level.com.github.tomakehurst=INFO" })
@Import(WithingsLogSecrecyIntegrationTests.SimulatorClockConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
class WithingsLogSecrecyIntegrationTests {

	static final WithingsSimulator simulator = AbstractWithingsLoginIntegrationTests.startSimulator();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void logsWhenSignInRefreshAndApiCallsAtTraceThenNoSecretAnywhere(CapturedOutput output) throws Exception {
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		String app = "http://localhost:" + this.port;
		browser.get(app + "/me");
		browser.get(app + "/oauth2/authorization/withings");
		assertThat(browser.get(app + "/measures/restclient").statusCode()).isEqualTo(200);
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		assertThat(browser.get(app + "/measures/restclient").statusCode()).isEqualTo(200);
		assertThat(browser.get(app + "/api/weights").statusCode()).isEqualTo(200);

		Set<String> secrets = secretsSeenBySimulator(simulator);
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(8).contains(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		assertThat(output.getAll()).contains("Withings authorization_code for registration 'withings' succeeded")
			.contains("Withings refresh_token for registration 'withings' succeeded")
			.contains("Withings API POST /measure action getmeas for '36000001': status 0")
			.contains("TRACE");
		for (String secret : secrets) {
			assertThat(output.getAll()).as("logs").doesNotContain(secret);
		}
	}

	/** Every token, nonce, signature and secret that crossed the wire. */
	static Set<String> secretsSeenBySimulator(WithingsSimulator simulator) {
		JsonMapper json = JsonMapper.builder().build();
		Set<String> secrets = new HashSet<>();
		secrets.add(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		for (ServeEvent event : simulator.wireMock().getAllServeEvents()) {
			String requestBody = event.getRequest().getBodyAsString();
			if (!requestBody.isEmpty()) {
				Urls.splitQuery(requestBody).forEach((name, value) -> {
					if (Set.of("nonce", "signature", "client_secret", "refresh_token").contains(name)) {
						secrets.add(value.firstValue());
					}
				});
			}
			String authorization = event.getRequest().getHeader("Authorization");
			if (authorization != null) {
				secrets.add(authorization.substring("Bearer ".length()));
			}
			String responseBody = event.getResponse().getBodyAsString();
			if (responseBody != null && responseBody.startsWith("{")) {
				JsonNode body = json.readTree(responseBody).path("body");
				for (String name : Set.of("access_token", "refresh_token", "nonce")) {
					if (body.path(name).isString()) {
						secrets.add(body.path(name).asString());
					}
				}
			}
		}
		return secrets;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SimulatorClockConfiguration {

		@Bean
		Clock clock() {
			return simulator.clock();
		}

	}

}
