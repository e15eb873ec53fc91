package io.github.springwithings.oauth2.client.endpoint;

import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Token, nonce and signed-call answers are read up to 64 KiB ({@link BoundedResponses}). The
 * simulator never sends large answers, so a stub with a higher priority than its catch-all does.
 */
class BoundedResponsesTests {

	private static final String SCOPE = "user.metrics,user.activity";

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
	@ValueSource(booleans = { true, false })
	void getTokenResponseWhenAnswerLargerThan64KiBThenInvalidTokenResponse(boolean chunked) {
		stub("/v2/oauth2", tokenAnswer(65 * 1024), chunked);

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> codeClient().getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription()).isEqualTo("Withings answered with a body larger than 64 KiB");
			});
	}

	@Test
	void getTokenResponseWhenAnswerJustBelow64KiBThenRead() {
		stub("/v2/oauth2", tokenAnswer(60 * 1024), true);

		OAuth2AccessTokenResponse response = codeClient()
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));

		assertThat(response.getRefreshToken()).isNotNull();
	}

	@Test
	void getTokenResponseWhenHttpErrorWithLargeBodyThenHttpStatusReported() {
		this.simulator.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v2/oauth2"))
				.atPriority(1)
				.willReturn(WireMock.serverError().withHeader("Content-Type", "text/html").withBody("<p>".repeat(50_000))));

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> codeClient().getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())))
			.satisfies((ex) -> assertThat(ex.getError().getDescription()).isEqualTo("Withings answered HTTP 500"));
	}

	@Test
	void getTokenResponseWhenNonceAnswerLargerThan64KiBThenInvalidTokenResponseAndNoTokenRequest() {
		stub("/v2/signature", "{\"status\":0,\"body\":{\"nonce\":\"" + "a".repeat(65 * 1024) + "\"}}", false);

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> codeClient().getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription()).isEqualTo("Withings answered with a body larger than 64 KiB");
			});
		assertThat(this.simulator.wireMock().findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v2/oauth2"))))
			.isEmpty();
	}

	@Test
	void revokeWhenAnswerLargerThan64KiBThenWithingsApiExceptionWithoutStatus() {
		stub("/v2/oauth2", "{\"status\":0,\"body\":{\"pad\":\"" + "x".repeat(65 * 1024) + "\"}}", true);

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> new WithingsRevocationClient(RestClient.create()).revoke(this.registration, "36000001"))
			.withMessage("Withings answered with a body larger than 64 KiB")
			.satisfies((ex) -> assertThat(ex.getStatus()).isNull());
	}

	/** A valid token answer padded to about {@code size} bytes with an extra parameter. */
	private static String tokenAnswer(int size) {
		return "{\"status\":0,\"body\":{\"userid\":36000001,\"access_token\":\"a075f8c14fb6e2bd3e4c8b9d2a1f0e6d7c5b4a39\","
				+ "\"refresh_token\":\"f631236f02b991810feb774765b6ae8e6c6839ca\",\"expires_in\":10800,"
				+ "\"scope\":\"user.metrics\",\"token_type\":\"Bearer\",\"pad\":\"" + "x".repeat(size - 250) + "\"}}";
	}

	/** Answer {@code path} with {@code json}, with a Content-Length or chunked (no length known in advance). */
	private void stub(String path, String json, boolean chunked) {
		ResponseDefinitionBuilder answer = WireMock.okJson(json);
		if (chunked) {
			answer = answer.withChunkedDribbleDelay(4, 20);
		}
		this.simulator.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo(path)).atPriority(1).willReturn(answer));
	}

	private WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient() {
		return WithingsAccessTokenResponseClient.authorizationCode(withings(), WithingsClientAuthentication.SIGNATURE,
				RestClient.builder());
	}

	private static WithingsClientRegistrations withings() {
		return WithingsClientRegistrations.withIds(List.of("withings"));
	}

	private String newCode() {
		return this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI, SCOPE);
	}

}
