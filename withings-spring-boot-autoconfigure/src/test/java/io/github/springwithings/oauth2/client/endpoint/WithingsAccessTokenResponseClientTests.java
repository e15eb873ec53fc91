package io.github.springwithings.oauth2.client.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WithingsAccessTokenResponseClient} against the Withings simulator.
 */
@ExtendWith(OutputCaptureExtension.class)
class WithingsAccessTokenResponseClientTests {

	private static final String SCOPE = "user.metrics,user.activity";

	private WithingsSimulator simulator;

	private ClientRegistration registration;

	@BeforeEach
	void startSimulator() {
		this.simulator = WithingsSimulator.start();
		this.simulator.setConsentingUserId("36000001");
		this.registration = TestClientRegistrations.withings(this.simulator).build();
	}

	@AfterEach
	void stopSimulator() {
		this.simulator.stop();
	}

	@Test
	void getTokenResponseWhenSignatureModeThenSignedRequestWithoutSecretAndUnwrappedResponse() {
		OAuth2AccessTokenResponse response = authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getAccessToken().getTokenValue()).hasSize(40);
		assertThat(response.getAccessToken().getScopes()).containsExactlyInAnyOrder("user.metrics", "user.activity");
		assertThat(response.getAccessToken().getExpiresAt()).isAfter(response.getAccessToken().getIssuedAt().plusSeconds(10_000));
		assertThat(response.getRefreshToken()).isNotNull();
		assertThat(response.getAdditionalParameters()).containsEntry("userid", "36000001").containsKey("csrf_token");
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(1);
		Map<String, String> form = lastTokenRequestForm();
		assertThat(form).containsEntry("action", "requesttoken")
			.containsEntry("grant_type", "authorization_code")
			.containsEntry("client_id", WithingsSimulator.DEFAULT_CLIENT_ID)
			.containsEntry("redirect_uri", TestClientRegistrations.REDIRECT_URI)
			.containsKeys("code", "nonce", "signature")
			.doesNotContainKey("client_secret");
	}

	@Test
	void getTokenResponseWhenClientSecretModeThenSecretInBodyAndNoNonce() {
		OAuth2AccessTokenResponse response = authorizationCodeClient(WithingsClientAuthentication.CLIENT_SECRET)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getAdditionalParameters()).containsEntry("userid", "36000001");
		assertThat(this.simulator.counters().nonceRequests()).isZero();
		assertThat(lastTokenRequestForm()).containsEntry("action", "requesttoken")
			.containsEntry("client_secret", WithingsSimulator.DEFAULT_CLIENT_SECRET)
			.doesNotContainKeys("nonce", "signature");
	}

	@Test
	void getTokenResponseWhenUserIdIsStringThenKeptAsString() {
		this.simulator.setUserIdAsString(true);
		OAuth2AccessTokenResponse response = authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getAdditionalParameters().get("userid")).isEqualTo("36000001");
		assertThat(lastTokenResponseBody()).contains("\"userid\":\"36000001\"");
	}

	@Test
	void getTokenResponseWhenUserIdIsNumberThenKeptAsString() {
		OAuth2AccessTokenResponse response = authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getAdditionalParameters().get("userid")).isEqualTo("36000001");
		assertThat(lastTokenResponseBody()).contains("\"userid\":36000001");
	}

	@ParameterizedTest
	@EnumSource(WithingsClientAuthentication.class)
	void getTokenResponseWhenRefreshThenRotatedRefreshTokenReturned(WithingsClientAuthentication authentication) {
		OAuth2AccessTokenResponse first = authorizationCodeClient(authentication)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		OAuth2AccessTokenResponse refreshed = refreshTokenClient(authentication).getTokenResponse(
				new OAuth2RefreshTokenGrantRequest(this.registration, first.getAccessToken(), first.getRefreshToken()));

		assertThat(refreshed.getRefreshToken().getTokenValue()).isNotEqualTo(first.getRefreshToken().getTokenValue());
		assertThat(refreshed.getAccessToken().getTokenValue()).isNotEqualTo(first.getAccessToken().getTokenValue());
		assertThat(refreshed.getAccessToken().getScopes()).containsExactlyInAnyOrder("user.metrics", "user.activity");
		assertThat(refreshed.getAdditionalParameters()).containsEntry("userid", "36000001");
		assertThat(this.simulator.refreshTokenState(first.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.GRACE);
		assertThat(this.simulator.refreshTokenState(refreshed.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(lastTokenRequestForm()).containsEntry("grant_type", "refresh_token")
			.containsEntry("action", "requesttoken")
			.containsEntry("refresh_token", first.getRefreshToken().getTokenValue());
	}

	@Test
	void getTokenResponseWhenCodeInvalidThenInvalidGrant() {
		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, "not-a-code")), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
				assertThat(error.getDescription()).isEqualTo("Withings status 503: Invalid Params: invalid code");
				assertThat(((WithingsOAuth2Error) error).getStatus()).isEqualTo(503);
			});
	}

	@Test
	void getTokenResponseWhenCodeUsedTwiceThenInvalidGrant() {
		String code = newCode();
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = authorizationCodeClient(
				WithingsClientAuthentication.SIGNATURE);
		client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code));

		assertError(() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)),
				(error) -> assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT));
	}

	@Test
	void getTokenResponseWhenCodeOlderThan30SecondsThenInvalidGrant() {
		String code = newCode();
		this.simulator.clock().advance(Duration.ofSeconds(31));

		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)),
				(error) -> assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT));
	}

	@Test
	void getTokenResponseWhenRefreshTokenDeadThenInvalidGrant() {
		OAuth2AccessTokenResponse first = authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = refreshTokenClient(
				WithingsClientAuthentication.SIGNATURE);
		OAuth2RefreshTokenGrantRequest grant = new OAuth2RefreshTokenGrantRequest(this.registration,
				first.getAccessToken(), first.getRefreshToken());
		client.getTokenResponse(grant);
		this.simulator.clock().advance(Duration.ofHours(9));

		assertError(() -> client.getTokenResponse(grant), (error) -> {
			assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
			assertThat(error.getDescription()).isEqualTo("Withings status 503: Invalid Params: invalid refresh_token");
		});
		assertThat(this.simulator.counters().deadChainUses()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(WithingsClientAuthentication.class)
	void getTokenResponseWhenSecretWrongThenInvalidClient(WithingsClientAuthentication authentication) {
		ClientRegistration wrongSecret = TestClientRegistrations.withings(this.simulator).clientSecret("wrong").build();

		assertError(() -> authorizationCodeClient(authentication).getTokenResponse(TestClientRegistrations.codeGrant(wrongSecret, newCode())),
				(error) -> {
					assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_CLIENT);
					assertThat(error.getDescription()).startsWith("Withings status 503: Invalid Params: invalid");
				});
	}

	@Test
	void getTokenResponseWhenClientIdUnknownThenInvalidClient() {
		ClientRegistration unknown = TestClientRegistrations.withings(this.simulator).clientId("unknown").build();

		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.CLIENT_SECRET)
			.getTokenResponse(TestClientRegistrations.codeGrant(unknown, "code")), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_CLIENT);
				assertThat(error.getDescription()).isEqualTo("Withings status 503: Invalid Params: invalid client id/secret");
			});
	}

	@Test
	void getTokenResponseWhenSameArgumentsWithin10SecondsThenTemporarilyUnavailableWithWait() {
		OAuth2AccessTokenResponse first = authorizationCodeClient(WithingsClientAuthentication.CLIENT_SECRET)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = refreshTokenClient(
				WithingsClientAuthentication.CLIENT_SECRET);
		OAuth2RefreshTokenGrantRequest grant = new OAuth2RefreshTokenGrantRequest(this.registration,
				first.getAccessToken(), first.getRefreshToken());
		client.getTokenResponse(grant);

		assertError(() -> client.getTokenResponse(grant), (error) -> {
			assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
			assertThat(((WithingsOAuth2Error) error).getStatus()).isEqualTo(601);
			assertThat(((WithingsOAuth2Error) error).getWaitSeconds()).isBetween(1, 10);
		});
		assertThat(this.simulator.counters().tooManyRequests()).isEqualTo(1);
	}

	@Test
	void getTokenResponseWhen601WithWaitSecondsThenTemporarilyUnavailableCarryingWait() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(188));

		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
				assertThat(((WithingsOAuth2Error) error).getWaitSeconds()).isEqualTo(188);
				assertThat(error.getDescription()).isEqualTo("Withings status 601: Same arguments in less than 10 seconds");
			});
	}

	@Test
	void getTokenResponseWhenOtherStatusThenServerErrorWithStatusAndText() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.withingsStatus(2555, "An unknown error occurred"));

		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
				assertThat(error.getDescription()).isEqualTo("Withings status 2555: An unknown error occurred");
			});
	}

	/**
	 * Real answers with no {@code body}: 2554 (what Withings sends for a missing or unknown
	 * {@code action}) and an old error whose text is its number. The caller's error keeps the
	 * status and text, on the code exchange and on the refresh, and one WARN names the status as
	 * a configuration error, without Withings' text or any secret.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "2554|Not implemented", "246|246" })
	void getTokenResponseWhenAnErrorWithoutBodyThenWithingsErrorWithStatusAndTextAndOneWarning(int status,
			String text, CapturedOutput output) {
		String code = newCode();
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.withingsStatusWithoutBody(status, text));

		Consumer<OAuth2Error> refused = (error) -> {
			assertThat(error).isInstanceOf(WithingsOAuth2Error.class);
			assertThat(((WithingsOAuth2Error) error).getStatus()).isEqualTo(status);
			assertThat(((WithingsOAuth2Error) error).provesNothingWasDone()).isTrue();
			assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_REQUEST);
			assertThat(error.getDescription()).isEqualTo("Withings status " + status + ": " + text);
		};
		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)), refused);
		assertThat(lastTokenResponseBody()).doesNotContain("body");
		OAuth2AccessTokenResponse linked = authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.withingsStatusWithoutBody(status, text));
		assertError(() -> refreshTokenClient(WithingsClientAuthentication.CLIENT_SECRET).getTokenResponse(
				new OAuth2RefreshTokenGrantRequest(this.registration, linked.getAccessToken(), linked.getRefreshToken())),
				refused);

		List<String> warnings = output.getOut()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains("Withings status " + status))
			.toList();
		assertThat(warnings).hasSize(2);
		assertThat(warnings.get(0)).contains("authorization_code", "configuration error");
		assertThat(warnings.get(1)).contains("refresh_token", "configuration error");
		for (String warning : warnings) {
			assertThat(warning).doesNotContain(code, linked.getRefreshToken().getTokenValue(),
					WithingsSimulator.DEFAULT_CLIENT_SECRET);
		}
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	@Test
	void getTokenResponseWhenNonceRefusedThenMappedError() {
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE, SimulatorFault.withingsStatus(503, "Invalid Params: invalid client id/secret"));

		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())),
				(error) -> assertThat(error.getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_CLIENT));
		assertThat(this.simulator.counters().authorizationCodeGrants()).isZero();
	}

	@Test
	void getTokenResponseWhenHttp500ThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(500));

		assertInvalidTokenResponse("Withings answered HTTP 500");
	}

	@Test
	void getTokenResponseWhenNonceEndpointAnswersHttp502ThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE, SimulatorFault.httpStatus(502));

		assertInvalidTokenResponse("Withings answered HTTP 502");
	}

	@Test
	void getTokenResponseWhenNonJsonThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.nonJson());

		assertInvalidTokenResponse("Withings answered with content type 'text/html;charset=utf-8' instead of a JSON envelope");
	}

	@Test
	void getTokenResponseWhenEmptyBodyThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.emptyBody());

		assertInvalidTokenResponse("Withings answered with an empty body");
	}

	@Test
	void getTokenResponseWhenTruncatedBodyThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.truncatedBody());

		assertInvalidTokenResponse("Withings answered with a body that is not valid JSON (malformed or truncated)");
	}

	@Test
	void getTokenResponseWhenConnectionResetThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.connectionReset());

		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(error.getDescription()).startsWith("Withings could not be reached: ");
			});
	}

	@Test
	void getTokenResponseWhenStatusZeroWithoutAccessTokenThenInvalidTokenResponse() {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.withingsStatus(0, null));

		assertInvalidTokenResponse("Withings token answer has status 0 but no access_token");
	}

	@Test
	void getTokenResponseWhenNotWithingsRegistrationThenStandardClientUsed() {
		WireMockServer github = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		github.start();
		try {
			github.stubFor(WireMock.post("/login/oauth/access_token")
				.willReturn(WireMock.okJson("{\"access_token\":\"gh\",\"token_type\":\"bearer\",\"scope\":\"read:user repo\"}")));
			ClientRegistration other = TestClientRegistrations.withings(this.simulator)
				.registrationId("github")
				.scope("read:user")
				.tokenUri("http://127.0.0.1:" + github.port() + "/login/oauth/access_token")
				.build();

			OAuth2AccessTokenResponse response = authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
				.getTokenResponse(TestClientRegistrations.codeGrant(other, "github-code"));

			assertThat(response.getAccessToken().getScopes()).containsExactlyInAnyOrder("read:user", "repo");
			String body = github.getAllServeEvents().get(0).getRequest().getBodyAsString();
			assertThat(body).contains("client_secret=").doesNotContain("action=").doesNotContain("nonce=");
			assertThat(this.simulator.counters().nonceRequests()).isZero();
		}
		finally {
			github.stop();
		}
	}

	@Test
	void getTokenResponseWhenAnyFailureThenNoSecretNonceSignatureOrCodeInMessages() {
		String code = newCode();
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.truncatedBody());
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = authorizationCodeClient(
				WithingsClientAuthentication.SIGNATURE);
		List<Throwable> failures = new ArrayList<>();
		for (Runnable call : List.<Runnable>of(() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)),
				() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, "9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc")))) {
			try {
				call.run();
			}
			catch (OAuth2AuthorizationException ex) {
				failures.add(ex);
			}
		}
		assertThat(failures).hasSize(2);
		List<String> secrets = this.simulator.wireMock()
			.getAllServeEvents()
			.stream()
			.flatMap((event) -> formOf(event.getRequest().getBodyAsString()).entrySet().stream())
			.filter((entry) -> List.of("nonce", "signature", "code", "client_secret").contains(entry.getKey()))
			.map(Map.Entry::getValue)
			.collect(Collectors.toList());
		assertThat(secrets).contains(code).hasSizeGreaterThanOrEqualTo(4);
		for (Throwable failure : failures) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				String text = cause.toString();
				assertThat(text).doesNotContain(WithingsSimulator.DEFAULT_CLIENT_SECRET);
				secrets.forEach((secret) -> assertThat(text).doesNotContain(secret));
			}
		}
	}

	private void assertInvalidTokenResponse(String description) {
		assertError(() -> authorizationCodeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())), (error) -> {
				assertThat(error.getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(error.getDescription()).isEqualTo(description);
			});
	}

	private static void assertError(Runnable call,
			Consumer<OAuth2Error> assertions) {
		assertThatExceptionOfType(OAuth2AuthorizationException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertions.accept(ex.getError()));
	}

	private WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCodeClient(
			WithingsClientAuthentication authentication) {
		return WithingsAccessTokenResponseClient.authorizationCode(WithingsClientRegistrations.withIds(List.of("withings")),
				authentication, RestClient.builder());
	}

	private WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenClient(
			WithingsClientAuthentication authentication) {
		return WithingsAccessTokenResponseClient.refreshToken(WithingsClientRegistrations.withIds(List.of("withings")),
				authentication, RestClient.builder());
	}

	private String newCode() {
		return this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI, SCOPE);
	}

	private Map<String, String> lastTokenRequestForm() {
		List<LoggedRequest> requests = this.simulator.wireMock()
			.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v2/oauth2")));
		return formOf(requests.get(requests.size() - 1).getBodyAsString());
	}

	private String lastTokenResponseBody() {
		return this.simulator.wireMock()
			.getAllServeEvents()
			.stream()
			.filter((event) -> event.getRequest().getUrl().equals("/v2/oauth2"))
			.findFirst()
			.orElseThrow()
			.getResponse()
			.getBodyAsString();
	}

	private static Map<String, String> formOf(String body) {
		return Urls.splitQuery(body)
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().firstValue()));
	}

}
