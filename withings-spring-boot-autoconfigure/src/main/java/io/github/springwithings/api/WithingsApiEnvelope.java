package io.github.springwithings.api;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;

/**
 * One answer of the Withings data API, read: HTTP 200 and JSON with a numeric {@code status}
 * ({@code body} may be absent or {@code null}, {@code error} may be just the number), or a
 * {@link WithingsApiException} saying what else it was (never quoting the body; the
 * {@code {"errors":[{"message":...}]}} shape keeps Withings' messages as its error text).
 */
public final class WithingsApiEnvelope {

	/** Decimals read as {@code BigDecimal}: the body is passed on with Withings' digits, unrounded. */
	private static final JsonMapper json = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private final JsonNode root;

	private final int status;

	private WithingsApiEnvelope(JsonNode root, int status) {
		this.root = root;
		this.status = status;
	}

	/**
	 * Read an answer.
	 * @param httpStatus its HTTP status
	 * @param contentType its content type, may be {@code null}
	 * @param body its body
	 * @return the envelope
	 * @throws WithingsApiException when the answer is not an envelope
	 */
	public static WithingsApiEnvelope read(HttpStatusCode httpStatus, MediaType contentType, byte[] body) {
		checkHttp(httpStatus, contentType);
		try {
			return envelope(json.readTree(body));
		}
		catch (JacksonException ex) {
			throw notJson();
		}
	}

	/**
	 * Read an answer from its stream, reading no more than {@code maxBytes} of it, and nothing of
	 * an HTTP error or of a body that is not JSON.
	 * @param httpStatus its HTTP status
	 * @param headers its headers
	 * @param body its body
	 * @param maxBytes the largest body read
	 * @return the envelope
	 * @throws WithingsApiException when the answer is not an envelope or is larger than {@code maxBytes}
	 * @throws IOException when the body cannot be read
	 */
	public static WithingsApiEnvelope read(HttpStatusCode httpStatus, HttpHeaders headers, InputStream body,
			int maxBytes) throws IOException {
		Assert.isTrue(maxBytes > 0, "maxBytes must be positive");
		checkHttp(httpStatus, headers.getContentType());
		if (headers.getContentLength() > maxBytes) {
			throw tooLarge(maxBytes);
		}
		BoundedInputStream bounded = new BoundedInputStream(body, maxBytes);
		try {
			return envelope(json.readTree(bounded));
		}
		catch (JacksonException ex) {
			if (bounded.exceeded) {
				throw tooLarge(maxBytes);
			}
			if (ex instanceof JacksonIOException io && io.getCause() != null) {
				throw io.getCause();
			}
			throw notJson();
		}
	}

	private static void checkHttp(HttpStatusCode httpStatus, MediaType contentType) {
		if (httpStatus.isError()) {
			throw new WithingsApiException("Withings answered HTTP " + httpStatus.value(), null);
		}
		if (contentType == null || !contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
			throw new WithingsApiException("Withings answered with content type '" + contentType + "', not JSON", null);
		}
	}

	private static WithingsApiEnvelope envelope(JsonNode root) {
		if (root != null && !root.path("status").isNumber() && root.path("errors").isArray()) {
			throw errorsPage(root.path("errors"));
		}
		if (root == null || !root.path("status").isNumber()) {
			throw new WithingsApiException("Withings answered without a numeric 'status'", null);
		}
		Integer status = exactInt(root.path("status"));
		if (status == null) {
			// never truncated: 4294967296 must not read as 0 (success)
			throw new WithingsApiException(
					"Withings answered with a 'status' that is not a whole number in the 32-bit range", null);
		}
		return new WithingsApiEnvelope(root, status);
	}

	/**
	 * {@code {"errors":[{"message":...}]}}: the shape of Withings' authorize page and legacy token
	 * endpoint, not a status envelope. The messages are Withings' text.
	 */
	private static WithingsApiException errorsPage(JsonNode errors) {
		StringBuilder text = new StringBuilder();
		for (JsonNode error : errors) {
			String message = WithingsJson.text(error.isObject() ? error.path("message") : error);
			if (message != null && !message.isBlank()) {
				text.append((text.length() > 0) ? "; " : "").append(message);
			}
		}
		String error = (text.length() > 0) ? text.toString() : null;
		return new WithingsApiException("Withings answered with an error list ('errors'), not a status envelope"
				+ ((error != null) ? ": " + error : ""), error, null);
	}

	private static WithingsApiException notJson() {
		return new WithingsApiException("Withings answered with a body that is not valid JSON (malformed or truncated)",
				null);
	}

	private static WithingsApiException tooLarge(int maxBytes) {
		return new WithingsApiException("Withings answered with a body larger than " + size(maxBytes), null);
	}

	private static String size(int bytes) {
		if (bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + " MiB";
		}
		if (bytes % 1024 == 0) {
			return (bytes / 1024) + " KiB";
		}
		return bytes + " bytes";
	}

	private static Integer exactInt(JsonNode number) {
		try {
			return number.decimalValue().intValueExact();
		}
		catch (ArithmeticException | NumberFormatException ex) {
			return null;
		}
	}

	/** {@return the Withings status} */
	public int status() {
		return this.status;
	}

	/**
	 * The Withings error text: text as sent (sometimes just the status number, {@code "246"}), a
	 * number as its digits, an array or an object as JSON.
	 * @return the error text, or {@code null} when absent
	 */
	public String error() {
		JsonNode error = this.root.path("error");
		if (!WithingsJson.present(error)) {
			return null;
		}
		return error.isValueNode() ? error.asString() : error.toString();
	}

	/** {@return {@code body.wait_seconds} of a 601, 10 when absent or not a whole number of seconds} */
	public int waitSeconds() {
		JsonNode wait = this.root.path("body").path("wait_seconds");
		if (!wait.isNumber()) {
			return 10;
		}
		if (wait.decimalValue().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
			return Integer.MAX_VALUE;
		}
		Integer seconds = exactInt(wait);
		return (seconds != null && seconds >= 0) ? seconds : 10;
	}

	/** {@return the {@code body}, as JSON bytes ({@code {}} when absent or {@code null})} */
	public byte[] bodyBytes() {
		JsonNode body = this.root.path("body");
		return json.writeValueAsBytes(WithingsJson.present(body) ? body : json.createObjectNode());
	}

	/** Reads at most {@code maxBytes}, and fails (remembering why) on the byte after. */
	private static final class BoundedInputStream extends InputStream {

		private final InputStream in;

		private long remaining;

		private boolean exceeded;

		BoundedInputStream(InputStream in, int maxBytes) {
			this.in = in;
			this.remaining = maxBytes;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int read = read(one, 0, 1);
			return (read == -1) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			int read = this.in.read(buffer, offset, (int) Math.min(length, this.remaining + 1));
			if (read > 0) {
				this.remaining -= read;
				if (this.remaining < 0) {
					this.exceeded = true;
					throw new IOException("Answer larger than the limit");
				}
			}
			return read;
		}

		@Override
		public void close() throws IOException {
			this.in.close();
		}

	}

}
