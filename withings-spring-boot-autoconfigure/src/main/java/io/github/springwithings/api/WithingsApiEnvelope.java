package io.github.springwithings.api;

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

	private WithingsApiEnvelope(JsonNode root) {
		this.root = root;
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
		return new WithingsApiEnvelope(root);
	}

	/** The Withings status. */
	public int status() {
		return this.root.path("status").asInt();
	}

	/** The Withings error text, or {@code null}. */
	public String error() {
		JsonNode error = this.root.path("error");
		return (error.isMissingNode() || error.isNull()) ? null : error.asString();
	}

	/** {@code body.wait_seconds} of a 601, 10 when absent. */
	public int waitSeconds() {
		JsonNode wait = this.root.path("body").path("wait_seconds");
		return wait.isNumber() ? wait.asInt() : 10;
	}

	/** The {@code body}, as JSON bytes ({@code {}} when absent). */
	public byte[] bodyBytes() {
		JsonNode body = this.root.path("body");
		return json.writeValueAsBytes(body.isMissingNode() ? json.createObjectNode() : body);
	}

}
