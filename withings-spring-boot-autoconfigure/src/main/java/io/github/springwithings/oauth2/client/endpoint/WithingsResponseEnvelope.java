package io.github.springwithings.oauth2.client.endpoint;

import java.math.BigDecimal;
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
		BigDecimal number = number(status);
		if (number == null) {
			throw new WithingsResponseException("Withings answered without a numeric 'status'");
		}
		Integer exact = exactInt(number);
		if (exact == null) {
			// never truncated: 4294967296 must not read as 0 (success)
			throw new WithingsResponseException(
					"Withings answered with a 'status' that is not a whole number in the 32-bit range");
		}
		return exact;
	}

	/** The value (a JSON number, or its text) as a number, else {@code null}. */
	private static BigDecimal number(Object value) {
		if (!(value instanceof Number) && !(value instanceof String)) {
			return null;
		}
		try {
			return new BigDecimal(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static Integer exactInt(BigDecimal number) {
		try {
			return (number != null) ? number.intValueExact() : null;
		}
		catch (ArithmeticException ex) {
			return null;
		}
	}

	private static Integer waitSeconds(Object value) {
		BigDecimal number = number(value);
		if (number != null && number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
			return Integer.MAX_VALUE;
		}
		Integer seconds = exactInt(number);
		return (seconds != null && seconds >= 0) ? seconds : null;
	}

}
