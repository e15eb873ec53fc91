package io.github.springwithings.api;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WithingsApiEnvelopeTests {

	@ParameterizedTest
	@ValueSource(strings = { "4294967296", "4294967297", "-4294967296", "18446744073709551616", "0.5", "1e10" })
	void readWhenStatusNotAWholeNumberInIntRangeThenMalformedNeverSuccess(String status) {
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> read("{\"status\":" + status + ",\"body\":{\"measuregrps\":[]}}"))
			.satisfies((ex) -> {
				assertThat(ex.getMessage())
					.isEqualTo("Withings answered with a 'status' that is not a whole number in the 32-bit range");
				assertThat(ex.getStatus()).isNull();
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.ERROR);
			});
	}

	@Test
	void readWhenStatusIsAWholeNumberThenExact() {
		assertThat(read("{\"status\":0,\"body\":{}}").status()).isZero();
		assertThat(read("{\"status\":2554,\"body\":{}}").status()).isEqualTo(2554);
		assertThat(read("{\"status\":601.0,\"body\":{}}").status()).isEqualTo(601);
	}

	@Test
	void readWhenStatusIsTextThenMalformed() {
		assertThatExceptionOfType(WithingsApiException.class).isThrownBy(() -> read("{\"status\":\"0\",\"body\":{}}"))
			.withMessage("Withings answered without a numeric 'status'");
	}

	@Test
	void waitSecondsWhenBeyondIntRangeThenLongestWaitNotTruncated() {
		assertThat(read("{\"status\":601,\"body\":{\"wait_seconds\":4294967299}}").waitSeconds())
			.isEqualTo(Integer.MAX_VALUE);
		assertThat(read("{\"status\":601,\"body\":{\"wait_seconds\":-3}}").waitSeconds()).isEqualTo(10);
		assertThat(read("{\"status\":601,\"body\":{\"wait_seconds\":188}}").waitSeconds()).isEqualTo(188);
	}

	private static WithingsApiEnvelope read(String json) {
		return WithingsApiEnvelope.read(HttpStatus.OK, MediaType.APPLICATION_JSON, json.getBytes(StandardCharsets.UTF_8));
	}

}
