package io.github.springwithings.web.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsRequestAttributes;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
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
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
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

	private RestClient restClient;

	/** An administrator signed in to the application, who has no Withings link of their own. */
	private final TestingAuthenticationToken admin = new TestingAuthenticationToken("admin", null, "ROLE_ADMIN");

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		this.restClient = RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build();
		this.api = new WithingsApi(this.restClient).forUser(USER);
		this.webClient = WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new JdkClientHttpConnector())
			.filter(new WithingsExchangeFilterFunction(this.fixture.clients, this.fixture.service))
			.build();
	}

	@AfterEach
	void stop() {
		SecurityContextHolder.clearContext();
		this.simulator.stop();
	}

	/** A principal named as a Withings user id, linked to another Withings user: never read for that id. */
	@Test
	void getMeasuresWhenUserIdHasNoLinkButAPrincipalIsNamedLikeItThenAuthorizationRequiredAndNoDataRead() {
		this.fixture.link("36000050", USER);
		int dataRequests = this.simulator.counters().dataRequests();

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forUser("36000050")));

		assertThat(this.simulator.counters().dataRequests()).isEqualTo(dataRequests);
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		assertThat(getMeasures(new WithingsApi(this.restClient).forPrincipal("36000050"))).isNotNull();
	}

	@Test
	void exchangeWhenUserIdHasNoLinkButAPrincipalIsNamedLikeItThenAuthorizationRequiredAndNoDataRead() {
		this.fixture.link("36000050", USER);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> getmeas(WithingsRequestAttributes.userId("36000050"), null));

		assertThat(this.simulator.counters().dataRequests()).isZero();
		assertThat(getmeas(WithingsRequestAttributes.principal("36000050"), null)).containsKey("measuregrps");
	}

	/**
	 * Principal "36000050" re-linked to another Withings user through a bare client (its row has
	 * no user id): a notification for Withings user 36000050 never reads the other user's data.
	 */
	@Test
	void getMeasuresWhenAPrincipalNamedLikeTheUserIdHasALinkWithoutUserIdThenAuthorizationRequiredAndNoDataRead() {
		this.fixture.linkUnrecognised("36000050", USER);
		assertThat(this.fixture.service.loadWithingsAuthorizedClient("withings", "36000050").getUserId()).isNull();

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forUser("36000050")));

		assertThat(this.simulator.counters().dataRequests()).isZero();
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		assertThat(this.fixture.clients.authorizeByUserId("36000050")).as("both APIs agree").isNull();
	}

	@Test
	void exchangeWhenAPrincipalNamedLikeTheUserIdHasALinkWithoutUserIdThenAuthorizationRequiredAndNoDataRead() {
		this.fixture.linkUnrecognised("36000050", USER);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> getmeas(WithingsRequestAttributes.userId("36000050"), null));

		assertThat(this.simulator.counters().dataRequests()).isZero();
		assertThat(getmeas(WithingsRequestAttributes.principal("36000050"), null)).containsKey("measuregrps");
	}

	/** An admin page reads Bob's data; Bob never linked: Bob's problem, not a consent for the admin. */
	@Test
	void getMeasuresWhenAnotherPrincipalHasNoLinkInAWebRequestThenNoConsentForTheSignedInUserAndNoCall() {
		SecurityContextHolder.getContext().setAuthentication(this.admin);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forPrincipal("bob")))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
				.isEqualTo(WithingsAuthorizationFailureHandler.CLIENT_AUTHORIZATION_REQUIRED));
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.as("the admin's own missing link: consent")
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forPrincipal("admin")));
		assertThat(this.simulator.counters().dataRequests()).isZero();
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isZero();
	}

	@Test
	void getMeasuresWhenAnotherPrincipalsLinkIsDeadInAWebRequestThenWithingsAnswerNotAConsent() {
		OAuth2AuthorizedClient bob = this.fixture.linkExpired("bob", USER);
		new WithingsRevocationClient(RestClient.create()).revoke(bob.getClientRegistration(), USER);
		SecurityContextHolder.getContext().setAuthentication(this.admin);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forPrincipal("bob")))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT));
		assertThat(this.fixture.stored("bob")).isNull();
	}

	/** Bob's access token looks valid, but Withings answers 401 and his refresh token is dead. */
	@Test
	void getMeasuresWhenAnotherPrincipalsTokenIsRefusedInAWebRequestThenNoConsentForTheSignedInUser() {
		OAuth2AuthorizedClient bob = this.fixture.link("bob", USER);
		new WithingsRevocationClient(RestClient.create()).revoke(bob.getClientRegistration(), USER);
		SecurityContextHolder.getContext().setAuthentication(this.admin);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forPrincipal("bob")))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class);
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isOne();
		assertThat(this.fixture.stored("bob")).isNull();
		SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("bob", null, "ROLE_USER"));
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).as("Bob himself: consent")
			.isThrownBy(() -> getMeasures(new WithingsApi(this.restClient).forPrincipal("bob")));
	}

	@Test
	void exchangeWhenAnotherPrincipalHasNoLinkOrADeadOneInAWebExchangeThenNoConsentForTheSignedInUser() {
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> getmeas(WithingsRequestAttributes.principal("bob"), this.admin))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class);
		OAuth2AuthorizedClient bob = this.fixture.link("bob", USER);
		new WithingsRevocationClient(RestClient.create()).revoke(bob.getClientRegistration(), USER);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> getmeas(WithingsRequestAttributes.principal("bob"), this.admin))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class);
		assertThat(this.fixture.stored("bob")).isNull();
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).as("the admin's own missing link: consent")
			.isThrownBy(() -> getmeas(WithingsRequestAttributes.principal("admin"), this.admin));
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
		return getMeasures(this.api);
	}

	private Object getMeasures(WithingsApi api) {
		Instant now = this.simulator.clock().instant();
		return api.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT);
	}

	private Map<String, Object> getmeas() {
		return getmeas(WithingsRequestAttributes.userId(USER), null);
	}

	/** As in a web exchange of {@code signedIn} (reactive security context), or outside one when {@code null}. */
	private Map<String, Object> getmeas(Consumer<Map<String, Object>> whose, Authentication signedIn) {
		Mono<Map<String, Object>> call = this.webClient.post()
			.uri("/measure")
			.attributes(whose)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("action", "getmeas"))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			});
		if (signedIn != null) {
			call = call.contextWrite(ReactiveSecurityContextHolder.withAuthentication(signedIn));
		}
		return call.block(Duration.ofSeconds(30));
	}

}
