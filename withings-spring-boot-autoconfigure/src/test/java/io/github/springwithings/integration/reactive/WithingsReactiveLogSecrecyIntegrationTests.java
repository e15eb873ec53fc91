package io.github.springwithings.integration.reactive;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything a WebFlux application on Reactor Netty logs at TRACE while a user signs in, the
 * access token is refreshed (through Spring's filter and through the starter's client), the API
 * is called (Spring's {@code ServerOAuth2AuthorizedClientExchangeFilterFunction},
 * {@code withingsWebClient}, {@code WithingsReactiveApi}) and the user disconnects: the starter's
 * DEBUG lines are there, and no access token, refresh token, client secret, nonce, authorization
 * code or signature is, anywhere. (The simulator's own logs are left out, and so are the lines
 * of the test's browser, whose JDK HTTP client logs into the same JVM: they are not the
 * application.)
 */
@SpringBootTest(classes = ReactiveWithingsTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "logging.level.root=TRACE",
				"logging.level.wiremock=INFO", "logging.level.com.github.tomakehurst=INFO" })
@ExtendWith(OutputCaptureExtension.class)
class WithingsReactiveLogSecrecyIntegrationTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

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
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void logsWhenSignInRefreshApiCallsAndDisconnectAtTraceThenNoSecretAnywhere(CapturedOutput output) {
		simulator.consentAs("bob");
		String userId = simulator.accountUserId("bob");
		ReactiveAppBrowser browser = new ReactiveAppBrowser();
		assertThat(browser.get(app("/me")).body()).isEqualTo(userId);
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

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

}
