package io.github.springwithings.oauth2.client.endpoint;

import java.util.List;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Token answers that are HTTP 200 and JSON but must not be believed: a {@code status} beyond the
 * 32-bit range, an {@code expires_in} that is not a positive number, no {@code refresh_token}.
 * The simulator never sends them, so a stub with a higher priority than its catch-all answers the
 * token call (nonce calls still reach the simulator).
 */
class WithingsTokenAnswerValidationTests {

	private static final String SCOPE = "user.metrics,user.activity";

	private static final String ACCESS_TOKEN = "a075f8c14fb6e2bd3e4c8b9d2a1f0e6d7c5b4a39";

	private static final String REFRESH_TOKEN = "f631236f02b991810feb774765b6ae8e6c6839ca";

	private WithingsSimulator simulator;

	private ClientRegistration registration;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.simulator.setConsentingUserId("36000001");
		this.registration = TestClientRegistrations.withings(this.simulator).build();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { "4294967296", "-4294967296", "18446744073709551616", "0.5" })
	void getTokenResponseWhenStatusBeyondIntRangeThenInvalidTokenResponseNotSuccess(String status) {
		answerTokenRequests(answer(status, "10800", true));

		assertCodeExchangeFails((error) -> {
			assertThat(error.getErrorCode()).isEqualTo("invalid_token_response");
			assertThat(error.getDescription())
				.isEqualTo("Withings answered with a 'status' that is not a whole number in the 32-bit range");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"abc\"", "\"\"", "true", "{}" })
	void getTokenResponseWhenExpiresInNotANumberThenInvalidTokenResponse(String expiresIn) {
		answerTokenRequests(answer("0", expiresIn, true));

		assertCodeExchangeFails((error) -> {
			assertThat(error.getErrorCode()).isEqualTo("invalid_token_response");
			assertThat(error.getDescription()).isEqualTo("Withings token answer has an 'expires_in' that is not a number");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-1", "\"-10800\"", "0.5" })
	void getTokenResponseWhenExpiresInBelowOneSecondThenInvalidTokenResponse(String expiresIn) {
		answerTokenRequests(answer("0", expiresIn, true));

		assertCodeExchangeFails((error) -> {
			assertThat(error.getErrorCode()).isEqualTo("invalid_token_response");
			assertThat(error.getDescription())
				.isEqualTo("Withings token answer has an 'expires_in' that is not a positive number of seconds");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "10800.5", "\"10800.5\"" })
	void getTokenResponseWhenExpiresInFractionalThenRoundedDownNotOneSecond(String expiresIn) {
		answerTokenRequests(answer("0", expiresIn, true));

		OAuth2AccessTokenResponse response = codeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getAccessToken().getExpiresAt())
			.isEqualTo(response.getAccessToken().getIssuedAt().plusSeconds(10800));
	}

	/**
	 * An {@code expires_in} within the 60-second clock skew (or barely above it) would make every
	 * {@code authorize()} refresh: it is raised to two minutes, not refused (a refresh answer is
	 * a rotation already done).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "1", "30", "60", "\"60\"", "119", "60.9" })
	void getTokenResponseWhenExpiresInWithinTheClockSkewThenRaisedToTwoMinutes(String expiresIn) {
		answerTokenRequests(answer("0", expiresIn, true));

		OAuth2AccessTokenResponse response = codeClient(WithingsClientAuthentication.SIGNATURE)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getAccessToken().getExpiresAt())
			.isEqualTo(response.getAccessToken().getIssuedAt().plusSeconds(WithingsAccessTokenResponseConverter.MIN_EXPIRES_IN));
	}

	@Test
	void authorizeWhenRefreshAnswersExpiresIn30SecondsThenTheNextAuthorizeDoesNotRefreshAgain() {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				null);
		fixture.linkExpired("alice", "36000001");
		answerRefreshRequests(answer("0", "30", true));

		OAuth2AuthorizedClient refreshed = fixture.clients.authorize("alice");
		OAuth2AuthorizedClient again = fixture.clients.authorize("alice");

		assertThat(refreshed.getAccessToken().getTokenValue()).isEqualTo(ACCESS_TOKEN);
		assertThat(again.getAccessToken().getTokenValue()).isEqualTo(ACCESS_TOKEN);
		assertThat(this.simulator.wireMock()
			.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v2/oauth2"))
				.withRequestBody(WireMock.containing("grant_type=refresh_token"))))
			.as("one refresh, not one per authorize()")
			.hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(WithingsClientAuthentication.class)
	void getTokenResponseWhenCodeExchangeAnswerHasNoRefreshTokenThenInvalidTokenResponse(
			WithingsClientAuthentication authentication) {
		answerTokenRequests(answer("0", "10800", false));
		String code = newCode();

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> codeClient(authentication)
				.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription())
					.isEqualTo("Withings token answer has status 0 but no refresh_token");
				assertNoSecretIn(ex, code, ACCESS_TOKEN, WithingsSimulator.DEFAULT_CLIENT_SECRET);
			});
	}

	@ParameterizedTest
	@EnumSource(WithingsClientAuthentication.class)
	void getTokenResponseWhenRefreshAnswerHasNoRefreshTokenThenInvalidTokenResponse(
			WithingsClientAuthentication authentication) {
		OAuth2AccessTokenResponse linked = codeClient(authentication)
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));
		answerRefreshRequests(answer("0", "10800", false));

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> WithingsAccessTokenResponseClient.refreshToken(withings(), authentication, RestClient.builder())
				.getTokenResponse(new OAuth2RefreshTokenGrantRequest(this.registration, linked.getAccessToken(),
						linked.getRefreshToken())))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription())
					.isEqualTo("Withings token answer has status 0 but no refresh_token");
				assertNoSecretIn(ex, linked.getRefreshToken().getTokenValue(), ACCESS_TOKEN,
						WithingsSimulator.DEFAULT_CLIENT_SECRET);
			});
	}

	@Test
	void authorizeWhenRefreshAnswerHasNoRefreshTokenThenStoredRefreshTokenKept() {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("alice", "36000001");
		answerRefreshRequests(answer("0", "10800", false));

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> fixture.clients.authorize("alice"))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response"));

		OAuth2AuthorizedClient stored = fixture.stored("alice");
		assertThat(stored).isNotNull();
		assertThat(stored.getRefreshToken()).isNotNull();
		assertThat(stored.getRefreshToken().getTokenValue()).isEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	/** A token answer, with the {@code status} and {@code expires_in} given as raw JSON. */
	private static String answer(String status, String expiresIn, boolean withRefreshToken) {
		return "{\"status\":" + status + ",\"body\":{\"userid\":36000001,\"access_token\":\"" + ACCESS_TOKEN + "\","
				+ (withRefreshToken ? "\"refresh_token\":\"" + REFRESH_TOKEN + "\"," : "") + "\"expires_in\":"
				+ expiresIn + ",\"scope\":\"user.metrics,user.activity\",\"token_type\":\"Bearer\"}}";
	}

	private void answerTokenRequests(String json) {
		stubTokenEndpoint(WireMock.containing("action=requesttoken"), json);
	}

	private void answerRefreshRequests(String json) {
		stubTokenEndpoint(WireMock.containing("grant_type=refresh_token"), json);
	}

	private void stubTokenEndpoint(StringValuePattern body, String json) {
		this.simulator.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v2/oauth2"))
				.withRequestBody(body)
				.atPriority(1)
				.willReturn(WireMock.okJson(json)));
	}

	private void assertCodeExchangeFails(Consumer<OAuth2Error> assertions) {
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> codeClient(WithingsClientAuthentication.SIGNATURE)
				.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())))
			.satisfies((ex) -> {
				assertions.accept(ex.getError());
				assertNoSecretIn(ex, ACCESS_TOKEN, REFRESH_TOKEN, WithingsSimulator.DEFAULT_CLIENT_SECRET);
			});
	}

	private static void assertNoSecretIn(Throwable failure, String... secrets) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String text = cause.toString();
			for (String secret : secrets) {
				assertThat(text).doesNotContain(secret);
			}
		}
	}

	private WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient(
			WithingsClientAuthentication authentication) {
		return WithingsAccessTokenResponseClient.authorizationCode(withings(), authentication, RestClient.builder());
	}

	private static WithingsClientRegistrations withings() {
		return WithingsClientRegistrations.withIds(List.of("withings"));
	}

	private String newCode() {
		return this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI, SCOPE);
	}

}
