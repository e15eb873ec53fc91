package io.github.springwithings.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
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
	void readWhenNoBodyOrNullBodyThenStatusAndErrorAndEmptyBody() {
		WithingsApiEnvelope numberAsText = read("{\"status\":246,\"error\":\"246\"}");
		assertThat(numberAsText.status()).isEqualTo(246);
		assertThat(numberAsText.error()).isEqualTo("246");
		WithingsApiEnvelope notImplemented = read("{\"status\":2554,\"error\":\"Not implemented\"}");
		assertThat(notImplemented.error()).isEqualTo("Not implemented");
		assertThat(new String(notImplemented.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("{}");
		assertThat(new String(read("{\"status\":0,\"body\":null}").bodyBytes(), StandardCharsets.UTF_8))
			.isEqualTo("{}");
		assertThat(read("{\"status\":0,\"body\":{},\"error\":null}").error()).isNull();
	}

	@Test
	void errorWhenNumberArrayOrObjectThenTextNeverAnException() {
		assertThat(read("{\"status\":503,\"error\":503}").error()).isEqualTo("503");
		assertThat(read("{\"status\":503,\"error\":[\"Invalid Params\"]}").error()).isEqualTo("[\"Invalid Params\"]");
		assertThat(read("{\"status\":503,\"error\":{\"message\":\"x\"}}").error()).isEqualTo("{\"message\":\"x\"}");
	}

	@Test
	void readWhenErrorsListThenWithingsApiExceptionWithWithingsTextAndNoStatus() {
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> read("{\"errors\":[{\"message\":\"redirect_uri_mismatch: not registered\"},"
					+ "{\"message\":\"second\"},{\"code\":1}]}"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isNull();
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.ERROR);
				assertThat(ex.getError()).isEqualTo("redirect_uri_mismatch: not registered; second");
				assertThat(ex.getMessage()).isEqualTo("Withings answered with an error list ('errors'), not a status "
						+ "envelope: redirect_uri_mismatch: not registered; second");
			});
		assertThatExceptionOfType(WithingsApiException.class).isThrownBy(() -> read("{\"errors\":[]}"))
			.withMessage("Withings answered with an error list ('errors'), not a status envelope")
			.satisfies((ex) -> assertThat(ex.getError()).isNull());
	}

	@Test
	void waitSecondsWhenBeyondIntRangeThenLongestWaitNotTruncated() {
		assertThat(read("{\"status\":601,\"body\":{\"wait_seconds\":4294967299}}").waitSeconds())
			.isEqualTo(Integer.MAX_VALUE);
		assertThat(read("{\"status\":601,\"body\":{\"wait_seconds\":-3}}").waitSeconds()).isEqualTo(10);
		assertThat(read("{\"status\":601,\"body\":{\"wait_seconds\":188}}").waitSeconds()).isEqualTo(188);
	}

	@Test
	void readWhenStreamLongerThanLimitThenApiExceptionAndReadingStops() {
		String json = "{\"status\":0,\"body\":{\"pad\":\"" + "x".repeat(4096) + "\"}}";
		CountingInputStream body = new CountingInputStream(json.getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> WithingsApiEnvelope.read(HttpStatus.OK, jsonHeaders(-1), body, 1024))
			.withMessage("Withings answered with a body larger than 1 KiB")
			.satisfies((ex) -> assertThat(ex.getStatus()).isNull());
		assertThat(body.read).isLessThanOrEqualTo(1025);
	}

	@Test
	void readWhenStreamExactlyAtLimitThenRead() throws IOException {
		String json = "{\"status\":0,\"body\":{\"pad\":\"x\"}}";
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

		WithingsApiEnvelope envelope = WithingsApiEnvelope.read(HttpStatus.OK, jsonHeaders(-1),
				new ByteArrayInputStream(bytes), bytes.length);

		assertThat(envelope.status()).isZero();
		assertThat(new String(envelope.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"pad\":\"x\"}");
	}

	@Test
	void readWhenDeclaredLengthAboveLimitThenApiExceptionWithoutReading() {
		CountingInputStream body = new CountingInputStream("{\"status\":0}".getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> WithingsApiEnvelope.read(HttpStatus.OK, jsonHeaders(17L * 1024 * 1024), body,
					16 * 1024 * 1024))
			.withMessage("Withings answered with a body larger than 16 MiB");
		assertThat(body.read).isZero();
	}

	@Test
	void readWhenHttpErrorThenBodyNotRead() {
		CountingInputStream body = new CountingInputStream("<html>".repeat(1000).getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> WithingsApiEnvelope.read(HttpStatus.BAD_GATEWAY, jsonHeaders(-1), body, 1024))
			.withMessage("Withings answered HTTP 502");
		assertThat(body.read).isZero();
	}

	@Test
	void readWhenStreamFailsThenIOExceptionNotMalformed() {
		InputStream failing = new InputStream() {

			@Override
			public int read() throws IOException {
				throw new IOException("connection reset");
			}

		};

		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> WithingsApiEnvelope.read(HttpStatus.OK, jsonHeaders(-1), failing, 1024))
			.withMessage("connection reset");
	}

	private static HttpHeaders jsonHeaders(long contentLength) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		if (contentLength >= 0) {
			headers.setContentLength(contentLength);
		}
		return headers;
	}

	private static final class CountingInputStream extends ByteArrayInputStream {

		private int read;

		CountingInputStream(byte[] bytes) {
			super(bytes);
		}

		@Override
		public synchronized int read(byte[] buffer, int offset, int length) {
			int count = super.read(buffer, offset, length);
			this.read += Math.max(count, 0);
			return count;
		}

		@Override
		public synchronized int read() {
			int value = super.read();
			this.read += (value >= 0) ? 1 : 0;
			return value;
		}

	}

	private static WithingsApiEnvelope read(String json) {
		return WithingsApiEnvelope.read(HttpStatus.OK, MediaType.APPLICATION_JSON, json.getBytes(StandardCharsets.UTF_8));
	}

}
