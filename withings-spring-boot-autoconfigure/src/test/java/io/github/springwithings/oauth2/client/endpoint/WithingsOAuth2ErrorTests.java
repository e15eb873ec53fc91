package io.github.springwithings.oauth2.client.endpoint;

import java.time.Duration;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsOAuth2ErrorTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", value = {
			"503|Invalid Params: invalid code|invalid_grant",
			"503|Invalid Params: invalid refresh_token|invalid_grant",
			"503|Invalid Params: invalid client id/secret|invalid_client",
			"503|Invalid Params: invalid signature|invalid_client",
			"401|Authentication failed|invalid_client",
			"100|null|invalid_client",
			"601|Same arguments in less than 10 seconds|temporarily_unavailable",
			"522|Timeout|temporarily_unavailable",
			"2554|Not implemented|invalid_request",
			"2554|null|invalid_request",
			"246|246|invalid_request",
			"503|Invalid Params|invalid_request",
			"293|Invalid Params: invalid action|invalid_request",
			"524|Bad state|server_error",
			"2555|An unknown error occurred|server_error",
			"5000|An error occurred|server_error" })
	void fromWhenStatusAndTextThenSpringErrorCode(int status, String text, String errorCode) {
		WithingsOAuth2Error error = WithingsOAuth2Error.from(answer(status, text));

		assertThat(error.getErrorCode()).isEqualTo(errorCode);
		assertThat(error.getStatus()).isEqualTo(status);
		assertThat(error.getDescription()).isEqualTo("Withings status " + status + ((text != null) ? ": " + text : ""));
	}

	/**
	 * Definite refusals (nothing was done at Withings) against answers that may hide a rotation:
	 * the set a refresh is released on rather than left in doubt.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", value = { "2554|Not implemented|true|true",
			"246|246|true|true", "503|Invalid Params: invalid nonce|true|true",
			"503|Invalid Params: invalid client id/secret|true|false", "401|Authentication failed|true|false",
			"601|Same arguments in less than 10 seconds|true|false", "522|Timeout|false|false",
			"524|Bad state|false|false", "2555|An unknown error occurred|false|false",
			"503|Invalid Params: invalid refresh_token|false|false", "5000|An error occurred|false|false" })
	void provesNothingWasDoneWhenStatusThenOnlyForDefiniteRefusals(int status, String text, boolean nothingDone,
			boolean requestRefused) {
		WithingsOAuth2Error error = WithingsOAuth2Error.from(answer(status, text));

		assertThat(error.provesNothingWasDone()).isEqualTo(nothingDone);
		assertThat(error.isRequestRefused()).isEqualTo(requestRefused);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", value = { "601|Same arguments in less than 10 seconds|188",
			"601|null|null" })
	void fromWhenTooManyRequestsThenWaitSecondsAsSentAndDescriptionAsBefore(int status, String text,
			Integer waitSeconds) {
		WithingsOAuth2Error error = WithingsOAuth2Error.from(new WithingsRateLimitException(text,
				(waitSeconds != null) ? Duration.ofSeconds(waitSeconds) : null));

		assertThat(error.getErrorCode()).isEqualTo("temporarily_unavailable");
		assertThat(error.getWaitSeconds()).isEqualTo(waitSeconds);
		assertThat(error.getDescription()).isEqualTo("Withings status 601" + ((text != null) ? ": " + text : ""));
	}

	private static WithingsApiException answer(int status, String text) {
		return (status == 601) ? new WithingsRateLimitException(text, null) : new WithingsApiException(status, text);
	}

}
