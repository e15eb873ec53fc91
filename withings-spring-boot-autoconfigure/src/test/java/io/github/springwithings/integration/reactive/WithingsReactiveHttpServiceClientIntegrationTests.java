package io.github.springwithings.integration.reactive;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.api.WithingsRequestAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring's HTTP service clients on WebFlux: an {@code @HttpExchange} interface returning
 * {@code Mono}s in the {@code WebClient} group {@code withings} gets the signed-in user's token in
 * a handler and the named user's outside one, its expired token refreshed once, Withings' envelope
 * unwrapped and its errors as {@link WithingsApiException}, through the starter's exchange filter.
 */
@SpringBootTest(classes = ReactiveWithingsTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
@Import(WithingsReactiveHttpServiceClientIntegrationTests.HttpServices.class)
class WithingsReactiveHttpServiceClientIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

	@Autowired
	ReactiveMeasureService measures;

	@Autowired
	ReactiveOAuth2AuthorizedClientService authorizedClientService;

	ReactiveAppBrowser browser;

	String userId;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@BeforeEach
	void signIn() {
		simulator.consentAs("alice");
		this.userId = simulator.accountUserId("alice");
		this.browser = new ReactiveAppBrowser();
		assertThat(this.browser.get(app("/me")).body()).isEqualTo(this.userId);
	}

	@AfterEach
	void clearFaults() {
		simulator.clearFaults();
	}

	@Test
	void callWhenInAHandlerThenTheSignedInUsersTokenAndTheEnvelopesBody() {
		int dataRequests = simulator.counters().dataRequests();
		int unauthorized = simulator.counters().unauthorizedDataRequests();

		HttpResponse<String> response = this.browser.get(app("/api/http-service"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).as("the body, not the envelope").startsWith("groups=");
		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests + 1);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
	}

	@Test
	void callWhenOutsideARequestWithAnExpiredTokenThenRefreshedOnceAndRetried() {
		OAuth2AuthorizedClient before = stored();
		assertThat(simulator.expireAccessToken(before.getAccessToken().getTokenValue())).isTrue();
		int refreshes = simulator.counters().refreshTokenGrants();

		Map<String, Object> body = this.measures.getMeasures("getmeas", "1", this.userId).block(TIMEOUT);

		assertThat(body).containsKey("measuregrps").doesNotContainKey("status");
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
		assertThat(stored().getRefreshToken().getTokenValue()).as("the rotated token stored")
			.isNotEqualTo(before.getRefreshToken().getTokenValue());
	}

	@Test
	void callWhenWithingsAnswersAnErrorStatusThenAnErrorSignalWithItsStatus() {
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.withingsStatus(2555, "An unknown error occurred"));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.measures.getMeasures("getmeas", "1", this.userId).block(TIMEOUT))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(2555));
		assertThat(stored()).as("the link kept").isNotNull();
	}

	private OAuth2AuthorizedClient stored() {
		return this.authorizedClientService.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", this.userId)
			.block(TIMEOUT);
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** An interface for the Withings API, as a WebFlux application would write it. */
	@HttpExchange(url = "/measure", contentType = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	interface ReactiveMeasureService {

		@PostExchange
		Mono<Map<String, Object>> getMeasures(@RequestParam("action") String action,
				@RequestParam("meastypes") String types);

		@PostExchange
		Mono<Map<String, Object>> getMeasures(@RequestParam("action") String action,
				@RequestParam("meastypes") String types,
				@RequestAttribute(WithingsRequestAttributes.USER_ID) String userId);

	}

	@TestConfiguration(proxyBeanMethods = false)
	@ImportHttpServices(group = "withings", types = ReactiveMeasureService.class,
			clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
	@Import(HttpServiceController.class)
	static class HttpServices {

	}

	@RestController
	static class HttpServiceController {

		private final ReactiveMeasureService measures;

		HttpServiceController(ReactiveMeasureService measures) {
			this.measures = measures;
		}

		@GetMapping("/api/http-service")
		Mono<String> measures() {
			return this.measures.getMeasures("getmeas", "1")
				.map((body) -> "groups=" + ((List<?>) body.get("measuregrps")).size());
		}

	}

}
