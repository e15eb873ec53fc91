package io.github.springwithings.web.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter's clients ({@code RestClient} through {@link WithingsRestClientConfigurer},
 * {@code WebClient} through {@link WithingsExchangeFilterFunction}) when the refresh of an expired
 * access token finds the link dead: {@link ClientAuthorizationRequiredException}, as for a data
 * call Withings answers with 401, so that in a web request Spring sends the user to consent.
 * Withings' own answer stays attached; other refresh failures are not turned into a consent.
 */
class WithingsClientsDeadLinkTests {

	private static final String USER = "36000042";

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WithingsApi api;

	private WebClient webClient;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		this.api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build()).forUser(USER);
		this.webClient = WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new JdkClientHttpConnector())
			.filter(new WithingsExchangeFilterFunction(this.fixture.clients, this.fixture.service))
			.build();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void getMeasuresWhenAccessTokenExpiredAndRevokedAtWithingsThenAuthorizationRequiredWithWithingsAnswer() {
		OAuth2AuthorizedClient linked = this.fixture.linkExpired("alice", USER);
		new WithingsRevocationClient(RestClient.create()).revoke(linked.getClientRegistration(), USER);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(this::getMeasures)
			.satisfies((ex) -> assertDeadLink(ex, linked));
		assertThat(this.fixture.stored("alice")).isNull();
		assertThat(this.simulator.counters().deadChainUses()).isEqualTo(1);
		assertThat(this.simulator.counters().dataRequests()).isZero();
	}

	@Test
	void exchangeWhenAccessTokenExpiredAndRevokedAtWithingsThenAuthorizationRequiredWithWithingsAnswer() {
		OAuth2AuthorizedClient linked = this.fixture.linkExpired("alice", USER);
		new WithingsRevocationClient(RestClient.create()).revoke(linked.getClientRegistration(), USER);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(this::getmeas)
			.satisfies((ex) -> assertDeadLink(ex, linked));
		assertThat(this.fixture.stored("alice")).isNull();
		assertThat(this.simulator.counters().deadChainUses()).isEqualTo(1);
		assertThat(this.simulator.counters().dataRequests()).isZero();
	}

	@Test
	void getMeasuresWhenRefreshThrottledThenWithingsAnswerAndLinkKept() {
		OAuth2AuthorizedClient linked = this.fixture.linkExpired("alice", USER);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(188));

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(this::getMeasures)
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
				.isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE));
		assertThat(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.isEqualTo(linked.getRefreshToken().getTokenValue());
	}

	@Test
	void exchangeWhenRefreshThrottledThenWithingsAnswerAndLinkKept() {
		OAuth2AuthorizedClient linked = this.fixture.linkExpired("alice", USER);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(188));

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(this::getmeas)
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
				.isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE));
		assertThat(this.fixture.stored("alice").getRefreshToken().getTokenValue())
			.isEqualTo(linked.getRefreshToken().getTokenValue());
	}

	private static void assertDeadLink(ClientAuthorizationRequiredException ex, OAuth2AuthorizedClient linked) {
		assertThat(ex.getClientRegistrationId()).isEqualTo("withings");
		assertThat(ex.getSuppressed()).filteredOn(ClientAuthorizationException.class::isInstance)
			.singleElement()
			.satisfies((suppressed) -> {
				ClientAuthorizationException failure = (ClientAuthorizationException) suppressed;
				assertThat(failure.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
				assertThat(failure.getError().getDescription()).contains("Withings status 503")
					.contains("invalid refresh_token");
			});
		assertThat(ex.getMessage()).doesNotContain(linked.getRefreshToken().getTokenValue())
			.doesNotContain(linked.getAccessToken().getTokenValue());
	}

	private Object getMeasures() {
		Instant now = this.simulator.clock().instant();
		return this.api.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT);
	}

	private Map<String, Object> getmeas() {
		return this.webClient.post()
			.uri("/measure")
			.attributes(WithingsRequestAttributes.userId(USER))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("action", "getmeas"))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(30));
	}

}
