package io.github.springwithings.api;

import java.math.BigDecimal;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;

/**
 * One answer of the Withings data API, read: HTTP 200 and JSON with a numeric {@code status}, or
 * a {@link WithingsApiException} saying what else it was (never quoting the body).
 */
public final class WithingsApiEnvelope {

	private static final JsonMapper json = JsonMapper.builder().build();

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
		if (httpStatus.isError()) {
			throw new WithingsApiException("Withings answered HTTP " + httpStatus.value(), null);
		}
		if (contentType == null || !contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
			throw new WithingsApiException("Withings answered with content type '" + contentType + "', not JSON", null);
		}
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new WithingsApiException("Withings answered with a body that is not valid JSON (malformed or truncated)",
					null);
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

	private static Integer exactInt(JsonNode number) {
		try {
			return number.decimalValue().intValueExact();
		}
		catch (ArithmeticException | NumberFormatException ex) {
			return null;
		}
	}

	/** The Withings status. */
	public int status() {
		return this.status;
	}

	/** The Withings error text, or {@code null}. */
	public String error() {
		JsonNode error = this.root.path("error");
		return (error.isMissingNode() || error.isNull()) ? null : error.asString();
	}

	/** {@code body.wait_seconds} of a 601, 10 when absent or not a whole number of seconds. */
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

	/** The {@code body}, as JSON bytes ({@code {}} when absent). */
	public byte[] bodyBytes() {
		JsonNode body = this.root.path("body");
		return json.writeValueAsBytes(body.isMissingNode() ? json.createObjectNode() : body);
	}

}
