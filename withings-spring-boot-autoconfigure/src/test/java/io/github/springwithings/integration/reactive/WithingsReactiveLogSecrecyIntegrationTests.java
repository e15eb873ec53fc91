package io.github.springwithings.integration.reactive;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.springwithings.integration.RawHttp;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
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
 * Everything a WebFlux application on Reactor Netty logs at TRACE while a user signs in, the
 * access token is refreshed (through Spring's filter and through the starter's client), the API
 * is called (Spring's {@code ServerOAuth2AuthorizedClientExchangeFilterFunction},
 * {@code withingsWebClient}, {@code WithingsReactiveApi}) and the user disconnects: the starter's
 * DEBUG lines are there, and no access token, refresh token, client secret, nonce, authorization
 * code or signature is, anywhere. Notifications are on: the sign-in subscribes (notify list and
 * subscribe, with the callback URL) and a notification is posted; the callback's secret segment
 * is in no log line and in no key value of any observation (the server's {@code http.url}
 * included). (The simulator's own logs are left out, and so are the lines
 * of the test's browser, whose JDK HTTP client logs into the same JVM: they are not the
 * application.)
 */
@SpringBootTest(classes = ReactiveWithingsTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "logging.level.root=TRACE",
				"logging.level.wiremock=INFO", "logging.level.com.github.tomakehurst=INFO" })
@Import(WithingsReactiveLogSecrecyIntegrationTests.ObservationConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class WithingsReactiveLogSecrecyIntegrationTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	/** The callback's last path segment: the secret of an unsigned webhook. */
	static final String CALLBACK_SECRET = "Hs4Jd8Pq2Wz6Yn1Ke";

	static final String CALLBACK_PATH = "/withings/notifications/" + CALLBACK_SECRET;

	@LocalServerPort
	int port;

	@Autowired
	WithingsNotificationReceiver receiver;

	@Autowired
	RawHttp.KeyValueCollector observations;

	@Autowired
	WithingsAuthorizedClientService store;

	@Autowired
	io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher noncePrefetcher;

	@Autowired
	org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository registrations;

	/** Wait until a nonce fetched ahead is ready (then the next refresh takes it). */
	private void awaitReadyNonce() {
		org.springframework.security.oauth2.client.registration.ClientRegistration withings = this.registrations
			.findByRegistrationId("withings")
			.block(java.time.Duration.ofSeconds(10));
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(() -> this.noncePrefetcher.isReady(withings));
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		registry.add("withings.client-authentication", () -> "signature");
		// time is compressed here: hours pass between calls made milliseconds apart
		registry.add("withings.rate-limit.requests-per-minute", () -> "60000");
		// notifications on: every sign-in subscribes (notify list, subscribe) in the background
		registry.add("withings.notifications.callback-url", () -> "http://127.0.0.1:0" + CALLBACK_PATH);
		registry.add("withings.notifications.subscribe-spacing", () -> "0s");
	}

	@AfterAll
	static void stopSimulator() {
		// the cached context leaves Logback at TRACE for every later test class of this JVM
		LoggingSystem.get(WithingsReactiveLogSecrecyIntegrationTests.class.getClassLoader())
			.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		simulator.stop();
	}

	@Test
	void logsWhenSignInRefreshApiCallsAndDisconnectAtTraceThenNoSecretAnywhere(CapturedOutput output) throws Exception {
		simulator.consentAs("bob");
		String userId = simulator.accountUserId("bob");
		ReactiveAppBrowser browser = new ReactiveAppBrowser();
		assertThat(browser.get(app("/me")).body()).isEqualTo(userId);
		// subscribe-on-link: Withings probes the callback, and the user is subscribed
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(simulator.subscriptions(userId)).extracting(SimulatorSubscription::appli)
				.containsExactlyInAnyOrder(1, 46));
		for (String page : new String[] { "/measures", "/api/webclient", "/api/weights" }) {
			assertThat(browser.get(app(page)).statusCode()).as(page).isEqualTo(200);
		}
		awaitReadyNonce();
		WithingsReactiveEndToEndTests.threeHoursPass(simulator, this.store, userId);
		assertThat(browser.get(app("/measures")).statusCode()).isEqualTo(200);
		awaitReadyNonce();
		WithingsReactiveEndToEndTests.threeHoursPass(simulator, this.store, userId);
		assertThat(browser.get(app("/api/weights")).statusCode()).isEqualTo(200);
		// two refreshes; hours pass for Withings before each, so the nonce fetched ahead is refused and
		// the refresh sent once more with a new one: that path is in the captured logs too
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(4);
		// Withings notifies: the callback answers, the notification is published
		this.observations.seen.clear();
		assertThat(RawHttp.postForm(this.port, CALLBACK_PATH,
				"userid=" + userId + "&appli=1&startdate=1767225600&enddate=1767225600"))
			.isEqualTo(200);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.receiver.count(WithingsNotificationReceiver.Outcome.PUBLISHED) == 1);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.observations.seen).as("the server's observation of the POST")
				.contains("http.server.requests http.url=/withings/notifications/****"));
		assertThat(this.observations.seen).as("observations").noneMatch((line) -> line.contains(CALLBACK_SECRET));
		String[] csrf = browser.get(app("/csrf")).body().split(":", 2);
		HttpResponse<String> disconnected = browser.post(app("/disconnect"), Map.of(csrf[0], csrf[1]));
		assertThat(disconnected.statusCode()).isEqualTo(200);
		assertThat(disconnected.body()).isEqualTo("true");
		assertThat(simulator.counters().revocations()).isOne();

		Set<String> secrets = secretsSeenBySimulator();
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(12).contains(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		assertThat(output.getAll()).contains("Withings authorization_code for registration 'withings' succeeded")
			.contains("Withings refresh_token for registration 'withings' succeeded")
			.contains("Disconnecting '" + userId + "': Withings revoked the access of user " + userId)
			.contains("TRACE");
		List<String> linesWithASecret = output.getAll()
			.lines()
			.filter((line) -> secrets.stream().anyMatch(line::contains))
			.filter((line) -> !browser.wrote(line))
			.toList();
		assertThat(linesWithASecret).isEmpty();
		assertThat(output.getAll()).as("the subscribe forms were logged, masked")
			.contains("callbackurl=[http://127.0.0.1:" + this.port + "/withings/notifications/****]");
		List<String> linesWithTheCallbackSecret = output.getAll()
			.lines()
			.filter((line) -> line.contains(CALLBACK_SECRET))
			// Withings (the simulator, on WireMock's Jetty threads) probing the callback: not the application
			.filter((line) -> !line.contains(" [qtp"))
			.toList();
		assertThat(linesWithTheCallbackSecret).isEmpty();
	}

	/**
	 * Every token, nonce, signature, code and secret that crossed the wire: in form bodies, bearer
	 * headers, answers, and the consent page's redirect back to the application.
	 */
	static Set<String> secretsSeenBySimulator() {
		JsonMapper json = JsonMapper.builder().build();
		Set<String> secrets = new HashSet<>();
		secrets.add(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		for (ServeEvent event : simulator.wireMock().getAllServeEvents()) {
			String requestBody = event.getRequest().getBodyAsString();
			if (!requestBody.isEmpty()) {
				Urls.splitQuery(requestBody).forEach((name, value) -> {
					if (Set.of("nonce", "signature", "client_secret", "refresh_token", "code").contains(name)) {
						secrets.add(value.firstValue());
					}
				});
			}
			String authorization = event.getRequest().getHeader("Authorization");
			if (authorization != null) {
				secrets.add(authorization.substring("Bearer ".length()));
			}
			HttpHeader location = event.getResponse().getHeaders().getHeader("Location");
			if (location.isPresent() && location.firstValue().contains("code=")) {
				Urls.splitQuery(URI.create(location.firstValue())).forEach((name, value) -> {
					if (name.equals("code")) {
						secrets.add(value.firstValue());
					}
				});
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
	static class ObservationConfiguration {

		@Bean
		RawHttp.KeyValueCollector keyValueCollector() {
			return new RawHttp.KeyValueCollector();
		}

	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

}
