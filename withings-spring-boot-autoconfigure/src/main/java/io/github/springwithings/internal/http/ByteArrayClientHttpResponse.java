package io.github.springwithings.internal.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * An answer held in memory: its status, its headers (a copy, with the {@code Content-Length} of
 * the bytes held and no {@code Transfer-Encoding}) and its body. Closing it releases nothing; the
 * connection it was read from is released already. Internal: not API.
 */
public final class ByteArrayClientHttpResponse implements ClientHttpResponse {

	private final HttpStatusCode status;

	private final String statusText;

	private final HttpHeaders headers;

	private final byte[] body;

	/**
	 * @param status the HTTP status
	 * @param statusText the status text
	 * @param headers the headers, copied
	 * @param body the body, not copied
	 */
	public ByteArrayClientHttpResponse(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
		Assert.notNull(status, "status cannot be null");
		Assert.notNull(headers, "headers cannot be null");
		Assert.notNull(body, "body cannot be null");
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
