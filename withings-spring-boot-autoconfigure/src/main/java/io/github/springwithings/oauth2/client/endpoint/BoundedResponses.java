package io.github.springwithings.oauth2.client.endpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import io.github.springwithings.api.WithingsApiException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Caps how much of a token, nonce or signed-call answer is read: these are a few hundred bytes,
 * so anything beyond {@link #MAX_TOKEN_ANSWER} is not a Withings answer. A larger successful answer
 * fails with a {@link WithingsApiException} without a status (so {@code invalid_token_response} for a token
 * request) without being read further; the body of an HTTP error is cut at the cap (only its
 * status is reported anyway).
 */
final class BoundedResponses {

	/** The largest token, nonce or signed-call answer read: 64 KiB. */
	static final int MAX_TOKEN_ANSWER = 64 * 1024;

	static final String TOO_LARGE = "Withings answered with a body larger than 64 KiB";

	private BoundedResponses() {
	}

	/**
	 * The interceptor that reads at most {@link #MAX_TOKEN_ANSWER} bytes of an answer.
	 * @return the interceptor
	 */
	static ClientHttpRequestInterceptor interceptor() {
		return (request, body, execution) -> bounded(execution.execute(request, body), MAX_TOKEN_ANSWER);
	}

	static ClientHttpResponse bounded(ClientHttpResponse response, int maxBytes) throws IOException {
		byte[] bytes;
		try (response) {
			boolean error = response.getStatusCode().isError();
			if (!error && response.getHeaders().getContentLength() > maxBytes) {
				throw WithingsResponseEnvelope.notAnEnvelope(TOO_LARGE);
			}
			InputStream in = response.getBody();
			bytes = in.readNBytes(maxBytes + 1);
			if (bytes.length > maxBytes) {
				if (!error) {
					throw WithingsResponseEnvelope.notAnEnvelope(TOO_LARGE);
				}
				bytes = Arrays.copyOf(bytes, maxBytes);
			}
			return new BufferedResponse(response.getStatusCode(), response.getStatusText(), response.getHeaders(),
					bytes);
		}
	}

	/** An answer read into memory; the connection is already released. */
	private static final class BufferedResponse implements ClientHttpResponse {

		private final HttpStatusCode status;

		private final String statusText;

		private final HttpHeaders headers;

		private final byte[] body;

		BufferedResponse(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
			this.status = status;
			this.statusText = statusText;
			this.headers = HttpHeaders.copyOf(headers);
			this.headers.remove(HttpHeaders.TRANSFER_ENCODING);
			this.headers.setContentLength(body.length);
			this.body = body;
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return this.status;
		}

		@Override
		public String getStatusText() {
			return this.statusText;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(this.body);
		}

		@Override
		public void close() {
		}

	}

}
