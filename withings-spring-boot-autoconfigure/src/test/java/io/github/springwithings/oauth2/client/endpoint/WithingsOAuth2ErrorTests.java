package io.github.springwithings.oauth2.client.endpoint;

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
			"2554|Not implemented|server_error",
			"524|Bad state|server_error",
			"2555|An unknown error occurred|server_error" })
	void fromWhenStatusAndTextThenSpringErrorCode(int status, String text, String errorCode) {
		WithingsOAuth2Error error = WithingsOAuth2Error.from(new WithingsStatusException(status, text, null));

		assertThat(error.getErrorCode()).isEqualTo(errorCode);
		assertThat(error.getStatus()).isEqualTo(status);
		assertThat(error.getDescription()).isEqualTo("Withings status " + status + ((text != null) ? ": " + text : ""));
	}

}
