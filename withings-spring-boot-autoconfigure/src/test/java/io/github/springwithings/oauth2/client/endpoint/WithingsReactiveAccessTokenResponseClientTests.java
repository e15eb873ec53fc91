package io.github.springwithings.oauth2.client.endpoint;

import java.util.List;
import java.util.function.Consumer;

import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WithingsReactiveAccessTokenResponseClient} against the Withings simulator.
 */
class WithingsReactiveAccessTokenResponseClientTests {

	private WithingsSimulator simulator;

	private ClientRegistration registration;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.simulator.setConsentingUserId("363");
		this.registration = TestClientRegistrations.withings(this.simulator).build();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@ParameterizedTest
	@EnumSource(WithingsClientAuthentication.class)
	void getTokenResponseWhenCodeThenUnwrappedAndRefreshRotates(WithingsClientAuthentication authentication) {
		OAuth2AccessTokenResponse response = codeClient(authentication)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()))
			.block();

		assertThat(response.getAdditionalParameters()).containsEntry("userid", "363").containsKey("csrf_token");
		assertThat(response.getAccessToken().getScopes()).containsExactlyInAnyOrder("user.metrics", "user.activity");
		assertThat(this.simulator.counters().nonceRequests())
			.isEqualTo((authentication == WithingsClientAuthentication.SIGNATURE) ? 1 : 0);

		OAuth2AccessTokenResponse refreshed = WithingsReactiveAccessTokenResponseClient
			.refreshToken(WithingsClientRegistrations.withIds(List.of("withings")), authentication, webClient())
			.getTokenResponse(new OAuth2RefreshTokenGrantRequest(this.registration, response.getAccessToken(),
					response.getRefreshToken()))
			.block();

		assertThat(refreshed.getRefreshToken().getTokenValue()).isNotEqualTo(response.getRefreshToken().getTokenValue());
		assertThat(this.simulator.refreshTokenState(response.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.GRACE);
	}

	@Test
	void getTokenResponseWhenCodeInvalidThenInvalidGrant() {
		assertError(codeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, "no-such-code")), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
				assertThat(error.getDescription()).isEqualTo("Withings status 503: Invalid Params: invalid code");
			});
	}

	@Test
	void getTokenResponseWhen601ThenTemporarilyUnavailableWithWait() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(188));

		assertError(codeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
				assertThat(((WithingsOAuth2Error) error).getWaitSeconds()).isEqualTo(188);
			});
	}

	@Test
	void getTokenResponseWhen2554WithoutBodyThenWithingsErrorWithStatusAndTextNotInDoubt() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatusWithoutBody(2554, "Not implemented"));

		assertError(codeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())), (error) -> {
				assertThat(error).isInstanceOf(WithingsOAuth2Error.class);
				assertThat(((WithingsOAuth2Error) error).getStatus()).isEqualTo(2554);
				assertThat(((WithingsOAuth2Error) error).provesNothingWasDone()).isTrue();
				assertThat(error.getErrorCode()).isEqualTo("invalid_request");
				assertThat(error.getDescription()).isEqualTo("Withings status 2554: Not implemented");
			});
	}

	@Test
	void getTokenResponseWhenTransportFailsThenInvalidTokenResponseWithAClearDescription() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(500));
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.nonJson());
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.truncatedBody());
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.connectionReset());
		WithingsReactiveAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = codeClient(
				WithingsClientAuthentication.CLIENT_SECRET);

		for (String description : List.of("Withings answered HTTP 500",
				"Withings answered with content type 'text/html;charset=utf-8' instead of a JSON envelope",
				"Withings answered with a body that is not valid JSON (malformed or truncated)",
				"Withings could not be reached: ")) {
			assertError(client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())),
					(error) -> {
						assertThat(error.getErrorCode()).isEqualTo("invalid_token_response");
						assertThat(error.getDescription()).startsWith(description);
					});
		}
	}

	private static void assertError(Mono<OAuth2AccessTokenResponse> call, Consumer<OAuth2Error> assertions) {
		assertThatExceptionOfType(OAuth2AuthorizationException.class).isThrownBy(call::block)
			.satisfies((ex) -> assertions.accept(ex.getError()));
	}

	private WithingsReactiveAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient(
			WithingsClientAuthentication authentication) {
		return WithingsReactiveAccessTokenResponseClient.authorizationCode(
				WithingsClientRegistrations.withIds(List.of("withings")), authentication, webClient());
	}

	private static WebClient webClient() {
		return WebClient.builder().clientConnector(new JdkClientHttpConnector()).build();
	}

	private String newCode() {
		return this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				"user.metrics,user.activity");
	}

}
