package io.github.springwithings.integration;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything the application logs at TRACE during a sign-in (with notifications on: subscribe-on-link
 * lists and subscribes to the callback URL), a refresh, API calls and a notification POST: the
 * starter's DEBUG lines are there, and no access token, refresh token, client secret, nonce,
 * signature or callback secret is, anywhere; nor is the callback secret in any key value of any
 * observation (the server's {@code http.url} included). (The simulator's own logs are left out: it is not the application.)
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.root=TRACE", "logging.level.wiremock=INFO",
				"logging.level.com.github.tomakehurst=INFO" })
@Import(WithingsLogSecrecyIntegrationTests.SimulatorClockConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class WithingsLogSecrecyIntegrationTests {

	static final WithingsSimulator simulator = AbstractWithingsLoginIntegrationTests.startSimulator();

	/** The callback's last path segment: the secret of an unsigned webhook. */
	static final String CALLBACK_SECRET = "Vq7Rk2Nw9Xc4Tb8Lm";

	static final String CALLBACK_PATH = "/withings/notifications/" + CALLBACK_SECRET;

	@LocalServerPort
	int port;

	@Autowired
	WithingsNotificationReceiver receiver;

	@Autowired
	RawHttp.KeyValueCollector observations;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
		// notifications on: every sign-in subscribes (notify list, subscribe) in the background
		registry.add("withings.notifications.callback-url", () -> "http://127.0.0.1:0" + CALLBACK_PATH);
		registry.add("withings.notifications.subscribe-spacing", () -> "0s");
	}

	@AfterAll
	static void stopSimulator() {
		// the cached context leaves Logback at TRACE for every later test class of this JVM
		LoggingSystem.get(WithingsLogSecrecyIntegrationTests.class.getClassLoader())
			.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		simulator.stop();
	}

	@Test
	void logsWhenSignInRefreshAndApiCallsAtTraceThenNoSecretAnywhere(CapturedOutput output) throws Exception {
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		String app = "http://localhost:" + this.port;
		browser.get(app + "/me");
		browser.get(app + "/oauth2/authorization/withings");
		String userId = AbstractWithingsLoginIntegrationTests.USER_ID;
		// subscribe-on-link: Withings probes the callback, and the user is subscribed
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(simulator.subscriptions(userId)).extracting(SimulatorSubscription::appli)
				.containsExactlyInAnyOrder(1, 46));
		assertThat(browser.get(app + "/measures/restclient").statusCode()).isEqualTo(200);
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		assertThat(browser.get(app + "/measures/restclient").statusCode()).isEqualTo(200);
		assertThat(browser.get(app + "/api/weights").statusCode()).isEqualTo(200);

		// Withings notifies: the callback answers, the notification is published
		this.observations.seen.clear();
		assertThat(RawHttp.postForm(this.port, CALLBACK_PATH, "userid=" + userId + "&appli=1&startdate=1767225600&enddate=1767225600"))
			.isEqualTo(200);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.receiver.count(WithingsNotificationReceiver.Outcome.PUBLISHED) == 1);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.observations.seen).as("the server's observation of the POST")
				.contains("http.server.requests http.url=/withings/notifications/****"));
		assertThat(this.observations.seen).as("observations").noneMatch((line) -> line.contains(CALLBACK_SECRET));
		assertThat(output.getAll()).as("the subscribe forms were logged, masked")
			.contains("callbackurl=[http://127.0.0.1:" + this.port + "/withings/notifications/****]");
		List<String> linesWithTheCallbackSecret = output.getAll()
			.lines()
			.filter((line) -> line.contains(CALLBACK_SECRET))
			// Withings (the simulator, on WireMock's Jetty threads) probing the callback: not the application
			.filter((line) -> !line.contains(" [qtp"))
			.toList();
		assertThat(linesWithTheCallbackSecret).as("logs").isEmpty();

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

		@Bean
		RawHttp.KeyValueCollector keyValueCollector() {
			return new RawHttp.KeyValueCollector();
		}

	}

}
