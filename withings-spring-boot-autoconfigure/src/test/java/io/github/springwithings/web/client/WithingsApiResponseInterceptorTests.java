package io.github.springwithings.web.client;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.api.WithingsStatusFamily;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The API client outside a web request (calls name the Withings user), against the simulator.
 */
@SuppressWarnings("unchecked")
class WithingsApiResponseInterceptorTests {

	private static final String USER = "36000042";

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WithingsApi api;

	private final List<Duration> pauses = new ArrayList<>();

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(this.fixture.clients,
				this.fixture.service);
		configurer.setSleeper((duration) -> {
			this.pauses.add(duration);
			this.simulator.clock().advance(duration);
		});
		this.api = new WithingsApi(RestClient.builder().baseUrl(this.simulator.baseUrl()).apply(configurer).build())
			.forUser(USER);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void getMeasuresWhenLinkedThenTypedWeightsScaledAndDated() {
		this.fixture.link("alice", USER);
		Instant now = this.simulator.clock().instant();

		WithingsMeasures measures = this.api.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT);

		assertThat(measures.groups()).hasSize(30);
		assertThat(measures.timezone()).isEqualTo("Europe/Paris");
		WithingsMeasureGroup newest = measures.groups().get(0);
		assertThat(newest.date()).isBetween(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
		BigDecimal kilograms = newest.measure(WithingsMeasure.WEIGHT).orElseThrow().value();
		assertThat(kilograms.scale()).isEqualTo(3);
		assertThat(kilograms).isBetween(new BigDecimal("40"), new BigDecimal("150"));
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
	}

	@Test
	void callWhenAccessTokenKilledThenRefreshedOnceAndRetriedTransparently() {
		OAuth2AuthorizedClient linked = this.fixture.link("alice", USER);
		this.simulator.expireAccessToken(linked.getAccessToken().getTokenValue());

		Map<String, Object> body = this.api.call("/measure", "getmeas", Map.of(), Map.class);

		assertThat(body).containsKey("measuregrps");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isEqualTo(1);
		assertThat(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.isNotEqualTo(linked.getRefreshToken().getTokenValue());
	}

	@Test
	void callWhenUserRevokedThenAuthorizationRequiredAndOthersUntouched() {
		OAuth2AuthorizedClient linked = this.fixture.link("alice", USER);
		OAuth2AuthorizedClient other = this.fixture.link("bob", "36000043");
		new WithingsRevocationClient(RestClient.create())
			.revoke(linked.getClientRegistration(), USER);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.satisfies((ex) -> assertThat(ex.getClientRegistrationId()).isEqualTo("withings"));

		assertThat(this.fixture.stored("alice")).isNull();
		assertThat(this.fixture.stored("bob").getRefreshToken().getTokenValue())
			.isEqualTo(other.getRefreshToken().getTokenValue());
	}

	@Test
	void callWhen601WithSmallWaitThenRetriedAfterTheWait() {
		this.fixture.link("alice", USER);
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(3));

		assertThat((Map<String, Object>) this.api.call("/measure", "getmeas", Map.of(), Map.class)).containsKey("measuregrps");
		assertThat(this.pauses).containsExactly(Duration.ofSeconds(3));
	}

	@Test
	void callWhen601WithLargeWaitThenRateLimitExceptionCarryingTheWait() {
		this.fixture.link("alice", USER);
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(188));

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.satisfies((ex) -> {
				assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(188));
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.TOO_MANY_REQUESTS);
			});
		assertThat(this.pauses).isEmpty();
	}

	@Test
	void callWhenOtherStatusThenApiExceptionWithStatusFamilyAndText() {
		this.fixture.link("alice", USER);

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getsomething", Map.of(), Map.class))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(2554);
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.NOT_IMPLEMENTED);
				assertThat(ex.getMessage()).isEqualTo("Withings status 2554 (NOT_IMPLEMENTED): Not implemented");
			});
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.withingsStatus(524, "Bad state"));
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.satisfies((ex) -> assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.BAD_STATE));
	}

	@Test
	void callWhenHttpErrorOrNonJsonThenClearApiException() {
		this.fixture.link("alice", USER);
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.httpStatus(502));
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.nonJson());
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.truncatedBody());

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.withMessage("Withings answered HTTP 502");
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.withMessage("Withings answered with content type 'text/html;charset=utf-8', not JSON");
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.withMessage("Withings answered with a body that is not valid JSON (malformed or truncated)");
	}

	@Test
	void callWhenStatusBeyondIntRangeThenApiExceptionNotSuccess() {
		this.fixture.link("alice", USER);
		this.simulator.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo("/measure"))
				.atPriority(1)
				.willReturn(WireMock.okJson("{\"status\":4294967296,\"body\":{\"measuregrps\":[],\"more\":0}}")));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.satisfies((ex) -> {
				assertThat(ex.getMessage())
					.isEqualTo("Withings answered with a 'status' that is not a whole number in the 32-bit range");
				assertThat(ex.getStatus()).isNull();
			});
	}

	@Test
	void callWhenAnswerLargerThan16MiBThenApiExceptionNotRead() {
		this.fixture.link("alice", USER);
		String big = "{\"status\":0,\"body\":{\"measuregrps\":[],\"pad\":\"" + "x".repeat(16 * 1024 * 1024) + "\"}}";
		this.simulator.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo("/measure")).atPriority(1).willReturn(WireMock.okJson(big)));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).isEqualTo("Withings answered with a body larger than 16 MiB");
				assertThat(ex.getStatus()).isNull();
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.ERROR);
			});
	}

	@Test
	void callWhenAnswerLargerThanConfiguredLimitThenApiException() {
		this.fixture.link("alice", USER);
		WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(this.fixture.clients,
				this.fixture.service);
		configurer.setMaxResponseSize(1024);
		WithingsApi small = new WithingsApi(RestClient.builder().baseUrl(this.simulator.baseUrl()).apply(configurer).build())
			.forUser(USER);

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> small.call("/measure", "getmeas", Map.of(), Map.class))
			.withMessage("Withings answered with a body larger than 1 KiB");
		assertThat((Map<String, Object>) this.api.call("/measure", "getmeas", Map.of(), Map.class)).containsKey("measuregrps");
	}

	@Test
	void callWhenUserNotLinkedThenAuthorizationRequiredBeforeAnyCall() {
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of(), Map.class));
		assertThat(this.simulator.counters().dataRequests()).isZero();
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isZero();
	}

}
