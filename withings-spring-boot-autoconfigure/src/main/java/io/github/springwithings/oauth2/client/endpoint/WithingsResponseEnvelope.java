package io.github.springwithings.oauth2.client.endpoint;

import java.util.Map;

/**
 * Unwraps Withings' response envelope {@code {"status":0,"body":{..}}}: every Withings answer is
 * HTTP 200, and only {@code status} tells success ({@code 0}) from failure.
 */
public final class WithingsResponseEnvelope {

	private WithingsResponseEnvelope() {
	}

	/**
	 * The {@code body} of a successful answer.
	 * @param envelope the parsed JSON answer
	 * @return the body, empty when absent
	 * @throws WithingsStatusException when {@code status} is not {@code 0}
	 * @throws WithingsResponseException when the answer is not an envelope
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> unwrap(Map<String, Object> envelope) {
		if (envelope == null) {
			throw new WithingsResponseException("Withings answered with an empty body");
		}
		int status = status(envelope.get("status"));
		Object body = envelope.get("body");
		if (body != null && !(body instanceof Map)) {
			throw new WithingsResponseException("Withings answered with a 'body' that is not a JSON object");
		}
		Map<String, Object> map = (body != null) ? (Map<String, Object>) body : Map.of();
		if (status != 0) {
			Object error = envelope.get("error");
			throw new WithingsStatusException(status, (error != null) ? error.toString() : null,
					waitSeconds(map.get("wait_seconds")));
		}
		return map;
	}

	private static int status(Object status) {
		if (status instanceof Number number) {
			return number.intValue();
		}
		if (status instanceof String text) {
			try {
				return Integer.parseInt(text.trim());
			}
			catch (NumberFormatException ex) {
				// fall through
			}
		}
		throw new WithingsResponseException("Withings answered without a numeric 'status'");
	}

	private static Integer waitSeconds(Object value) {
		if (value instanceof Number number) {
			return number.intValue();
		}
		if (value instanceof String text && text.matches("\\d+")) {
			return Integer.valueOf(text);
		}
		return null;
	}

}
