package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.api.WithingsRequestAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring's HTTP service clients on a servlet application: an {@code @HttpExchange} interface in
 * the group {@code withings}, declared with {@code @ImportHttpServices} and nothing else, gets the
 * signed-in user's token in a web request and the named user's outside one, its expired token
 * refreshed once, Withings' envelope unwrapped and its errors as {@link WithingsApiException}, and
 * takes permits of the rate budget. Another group is left alone: no token, the envelope as sent.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(WithingsHttpServiceClientIntegrationTests.HttpServices.class)
class WithingsHttpServiceClientIntegrationTests {

	private static final String ALICE = "36000701";

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

	@Autowired
	MeasureService measures;

	@Autowired
	OtherService other;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	WithingsRateBudget rateBudget;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "client_secret");
		registry.add("spring.http.serviceclient.other.base-url", simulator::baseUrl);
	}

	@AfterEach
	void clearFaults() {
		simulator.clearFaults();
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	private BrowserLikeClient signIn() throws Exception {
		simulator.setConsentingUserId(ALICE);
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		browser.get(app("/me"));
		assertThat(browser.get(app("/oauth2/authorization/withings")).body()).startsWith(ALICE + " ");
		return browser;
	}

	@Test
	void callWhenInAWebRequestThenTheSignedInUsersTokenAndTheEnvelopesBody() throws Exception {
		BrowserLikeClient browser = signIn();
		int dataRequests = simulator.counters().dataRequests();
		int unauthorized = simulator.counters().unauthorizedDataRequests();

		HttpResponse<String> response = browser.get(app("/api/http-service"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).as("the body, not the envelope").startsWith("groups=");
		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests + 1);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
	}

	@Test
	void callWhenOutsideARequestWithAnExpiredTokenThenRefreshedOnceAndRetried() throws Exception {
		signIn();
		OAuth2AuthorizedClient before = this.authorizedClientService.loadAuthorizedClient("withings", ALICE);
		assertThat(simulator.expireAccessToken(before.getAccessToken().getTokenValue())).isTrue();
		int refreshes = simulator.counters().refreshTokenGrants();
		long permits = this.rateBudget.count(WithingsRateBudget.Outcome.INTERACTIVE)
				+ this.rateBudget.count(WithingsRateBudget.Outcome.BACKGROUND);

		Map<String, Object> body = this.measures.getMeasures("getmeas", "1", ALICE);

		assertThat(body).containsKey("measuregrps").doesNotContainKey("status");
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
		OAuth2AuthorizedClient after = this.authorizedClientService.loadAuthorizedClient("withings", ALICE);
		assertThat(after.getRefreshToken().getTokenValue()).as("the rotated token stored")
			.isNotEqualTo(before.getRefreshToken().getTokenValue());
		assertThat(this.rateBudget.count(WithingsRateBudget.Outcome.INTERACTIVE)
				+ this.rateBudget.count(WithingsRateBudget.Outcome.BACKGROUND) - permits)
			.as("the refused call, the refresh and the retry each took a permit").isEqualTo(3);
	}

	@Test
	void callWhenWithingsAnswersAnErrorStatusThenWithingsApiExceptionWithItsStatus() throws Exception {
		signIn();
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.withingsStatus(2555, "An unknown error occurred"));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.measures.getMeasures("getmeas", "1", ALICE))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(2555),
					(ex) -> assertThat(ex.getError()).isEqualTo("An unknown error occurred"));
		OAuth2AuthorizedClient kept = this.authorizedClientService.loadAuthorizedClient("withings", ALICE);
		assertThat(kept).as("the link kept").isNotNull();
	}

	@Test
	void callWhenAnotherGroupThenLeftAlone() throws Exception {
		signIn();
		int unauthorized = simulator.counters().unauthorizedDataRequests();

		Map<String, Object> envelope = this.other.getMeasures("getmeas", "1");

		assertThat(envelope).as("no envelope handling").containsEntry("status", 401);
		assertThat(simulator.counters().unauthorizedDataRequests()).as("no token").isEqualTo(unauthorized + 1);
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** An interface for the Withings API, as an application would write it. */
	@HttpExchange(url = "/measure", contentType = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	interface MeasureService {

		@PostExchange
		Map<String, Object> getMeasures(@RequestParam("action") String action, @RequestParam("meastypes") String types);

		@PostExchange
		Map<String, Object> getMeasures(@RequestParam("action") String action, @RequestParam("meastypes") String types,
				@RequestAttribute(WithingsRequestAttributes.USER_ID) String userId);

	}

	/** The same call in a group of its own, not Withings'. */
	@HttpExchange(url = "/measure", contentType = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	interface OtherService {

		@PostExchange
		Map<String, Object> getMeasures(@RequestParam("action") String action, @RequestParam("meastypes") String types);

	}

	@TestConfiguration(proxyBeanMethods = false)
	@ImportHttpServices(group = "withings", types = MeasureService.class)
	@ImportHttpServices(group = "other", types = OtherService.class)
	@Import(HttpServiceController.class)
	static class HttpServices {

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

	@RestController
	static class HttpServiceController {

		private final MeasureService measures;

		HttpServiceController(MeasureService measures) {
			this.measures = measures;
		}

		@GetMapping("/api/http-service")
		String measures() {
			Map<String, Object> body = this.measures.getMeasures("getmeas", "1");
			return "groups=" + ((List<?>) body.get("measuregrps")).size();
		}

	}

}
