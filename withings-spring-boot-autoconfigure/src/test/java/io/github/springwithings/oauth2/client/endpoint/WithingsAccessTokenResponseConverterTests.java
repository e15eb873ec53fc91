package io.github.springwithings.oauth2.client.endpoint;

import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WithingsAccessTokenResponseConverterTests {

	private final WithingsAccessTokenResponseConverter converter = new WithingsAccessTokenResponseConverter();

	@Test
	void convertWhenSuccessThenUnwrappedWithCommaScopesSplitAndExtrasKept() {
		OAuth2AccessTokenResponse response = this.converter.convert(envelope(0, body(363)));

		assertThat(response.getAccessToken().getTokenValue()).isEqualTo("a075f8");
		assertThat(response.getAccessToken().getTokenType()).isEqualTo(OAuth2AccessToken.TokenType.BEARER);
		assertThat(response.getAccessToken().getScopes()).containsExactlyInAnyOrder("user.info", "user.metrics");
		assertThat(response.getRefreshToken().getTokenValue()).isEqualTo("f63123");
		assertThat(response.getAccessToken().getExpiresAt())
			.isEqualTo(response.getAccessToken().getIssuedAt().plusSeconds(10800));
		assertThat(response.getAdditionalParameters()).containsEntry("userid", "363").containsEntry("csrf_token", "PACnnx");
	}

	@Test
	void convertWhenNumbersAreDoublesThenNormalised() {
		Map<String, Object> body = body(3.6000001E7);
		body.put("expires_in", 10800.0);

		OAuth2AccessTokenResponse response = this.converter.convert(envelope(0, body));

		assertThat(response.getAdditionalParameters()).containsEntry("userid", "36000001");
		assertThat(response.getAccessToken().getExpiresAt())
			.isEqualTo(response.getAccessToken().getIssuedAt().plusSeconds(10800));
	}

	@Test
	void convertWhenUserIdIsStringAndNoCsrfTokenNorTokenTypeThenAccepted() {
		Map<String, Object> body = body("363");
		body.remove("csrf_token");
		body.remove("token_type");

		OAuth2AccessTokenResponse response = this.converter.convert(envelope(0, body));

		assertThat(response.getAdditionalParameters()).containsEntry("userid", "363").doesNotContainKey("csrf_token");
		assertThat(response.getAccessToken().getTokenType()).isEqualTo(OAuth2AccessToken.TokenType.BEARER);
	}

	@Test
	void convertWhenStatusNotZeroThenWithingsRateLimitExceptionWithWait() {
		Map<String, Object> envelope = envelope(601, Map.of("wait_seconds", 188));
		envelope.put("error", "Same arguments in less than 10 seconds");

		assertThatExceptionOfType(WithingsRateLimitException.class).isThrownBy(() -> this.converter.convert(envelope))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(601);
				assertThat(ex.isAnswered()).isTrue();
				assertThat(ex.getWaitSeconds()).isEqualTo(188);
				assertThat(ex.getError()).isEqualTo("Same arguments in less than 10 seconds");
				assertThat(ex.getMessage())
					.isEqualTo("Withings status 601 (TOO_MANY_REQUESTS): Same arguments in less than 10 seconds");
			});
	}

	@Test
	void convertWhenTooManyRequestsWithoutWaitThenNoWaitSecondsAndTenSecondWait() {
		Map<String, Object> envelope = envelope(601, Map.of());

		assertThatExceptionOfType(WithingsRateLimitException.class).isThrownBy(() -> this.converter.convert(envelope))
			.satisfies((ex) -> {
				assertThat(ex.getWaitSeconds()).isNull();
				assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void convertWhenErrorWithoutBodyThenWithingsApiException() {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("status", "503");
		envelope.put("error", "Invalid Params: invalid code");

		assertThatExceptionOfType(WithingsApiException.class).isThrownBy(() -> this.converter.convert(envelope))
			.satisfies((ex) -> {
				assertThat(ex).isNotInstanceOf(WithingsRateLimitException.class);
				assertThat(ex.getStatus()).isEqualTo(503);
				assertThat(ex.getError()).isEqualTo("Invalid Params: invalid code");
			});
	}

	@Test
	void convertWhenNotAnEnvelopeThenWithingsApiExceptionWithoutStatus() {
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.converter.convert(Map.of("access_token", "a", "token_type", "Bearer")))
			.withMessage("Withings answered without a numeric 'status'");
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.converter.convert(Map.of("status", 0, "body", "text")))
			.withMessage("Withings answered with a 'body' that is not a JSON object");
	}

	@Test
	void convertWhenStatusBeyondIntRangeThenMalformedNeverSuccess() {
		for (Object status : new Object[] { 4294967296L, "4294967296", -4294967296L, new BigInteger("18446744073709551616"),
				0.5, "0.5" }) {
			assertThatExceptionOfType(WithingsApiException.class)
				.isThrownBy(() -> this.converter.convert(envelope(status, body(363))))
				.withMessage("Withings answered with a 'status' that is not a whole number in the 32-bit range");
		}
	}

	@Test
	void convertWhenStatusIsNotANumberThenMalformed() {
		for (Object status : new Object[] { "ok", true }) {
			assertThatExceptionOfType(WithingsApiException.class)
				.isThrownBy(() -> this.converter.convert(envelope(status, body(363))))
				.withMessage("Withings answered without a numeric 'status'");
		}
	}

	@Test
	void convertWhenWaitSecondsBeyondIntRangeThenLongestWaitNotTruncated() {
		Map<String, Object> envelope = envelope(601, Map.of("wait_seconds", 4294967296L + 3));

		assertThatExceptionOfType(WithingsRateLimitException.class).isThrownBy(() -> this.converter.convert(envelope))
			.satisfies((ex) -> assertThat(ex.getWaitSeconds()).isEqualTo(Integer.MAX_VALUE));
	}

	@Test
	void convertWhenExpiresInFractionalThenRoundedDownToWholeSeconds() {
		for (Object expiresIn : new Object[] { "10800.5", 10800.5, " 10800.999 " }) {
			Map<String, Object> body = body(363);
			body.put("expires_in", expiresIn);

			OAuth2AccessTokenResponse response = this.converter.convert(envelope(0, body));

			assertThat(response.getAccessToken().getExpiresAt())
				.isEqualTo(response.getAccessToken().getIssuedAt().plusSeconds(10800));
		}
	}

	@Test
	void convertWhenExpiresInNotANumberThenMalformed() {
		for (Object expiresIn : new Object[] { "abc", "", true, Map.of() }) {
			Map<String, Object> body = body(363);
			body.put("expires_in", expiresIn);

			assertThatExceptionOfType(WithingsApiException.class)
				.isThrownBy(() -> this.converter.convert(envelope(0, body)))
				.withMessage("Withings token answer has an 'expires_in' that is not a number");
		}
	}

	@Test
	void convertWhenExpiresInBelowOneSecondThenMalformed() {
		for (Object expiresIn : new Object[] { 0, -10800, "0", "-1", 0.5, "0.99" }) {
			Map<String, Object> body = body(363);
			body.put("expires_in", expiresIn);

			assertThatExceptionOfType(WithingsApiException.class)
				.isThrownBy(() -> this.converter.convert(envelope(0, body)))
				.withMessage("Withings token answer has an 'expires_in' that is not a positive number of seconds");
		}
	}

	@Test
	void convertWhenExpiresInBeyondIntRangeThenMalformed() {
		Map<String, Object> body = body(363);
		body.put("expires_in", 1.0E30);

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.converter.convert(envelope(0, body)))
			.withMessage("Withings token answer has an 'expires_in' that is too large");
	}

	@Test
	void convertWhenRefreshTokenMissingOrBlankThenMalformed() {
		for (Object refreshToken : new Object[] { null, "", "  ", 42 }) {
			Map<String, Object> body = body(363);
			body.put("refresh_token", refreshToken);

			assertThatExceptionOfType(WithingsApiException.class)
				.isThrownBy(() -> this.converter.convert(envelope(0, body)))
				.withMessage("Withings token answer has status 0 but no refresh_token");
		}
		Map<String, Object> body = body(363);
		body.remove("refresh_token");
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.converter.convert(envelope(0, body)))
			.withMessage("Withings token answer has status 0 but no refresh_token");
	}

	private static Map<String, Object> envelope(Object status, Map<String, Object> body) {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("status", status);
		envelope.put("body", body);
		return envelope;
	}

	private static Map<String, Object> body(Object userId) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("userid", userId);
		body.put("access_token", "a075f8");
		body.put("refresh_token", "f63123");
		body.put("expires_in", 10800);
		body.put("scope", "user.info,user.metrics");
		body.put("csrf_token", "PACnnx");
		body.put("token_type", "Bearer");
		return body;
	}

}
