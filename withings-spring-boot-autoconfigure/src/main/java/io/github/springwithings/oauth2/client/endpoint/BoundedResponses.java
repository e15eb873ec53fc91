package io.github.springwithings.oauth2.client.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.internal.http.ByteArrayClientHttpResponse;

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
			return new ByteArrayClientHttpResponse(response.getStatusCode(), response.getStatusText(), response.getHeaders(),
					bytes);
		}
	}

}
