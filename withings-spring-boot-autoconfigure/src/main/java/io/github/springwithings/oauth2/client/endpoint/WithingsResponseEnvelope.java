package io.github.springwithings.oauth2.client.endpoint;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import io.github.springwithings.api.WithingsApiEnvelope;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;

/**
 * Unwraps Withings' response envelope {@code {"status":0,"body":{..}}}: every Withings answer is
 * HTTP 200, and only {@code status} tells success ({@code 0}) from failure.
 *
 * <p>The token side's reader, kept apart from {@link WithingsApiEnvelope} (which reads the data
 * API's bytes) because it reads what Spring's converters made of the answer, a {@code Map}, with
 * rules of its own (a status may be a numeric string, a {@code body} must be an object, a
 * {@code 601} without {@code wait_seconds} says nothing). Both throw the same family:
 * {@link WithingsApiException}, {@link WithingsRateLimitException} for a {@code 601}.
 */
final class WithingsResponseEnvelope {

	private WithingsResponseEnvelope() {
	}

	/**
	 * The {@code body} of a successful answer.
	 * @param envelope the parsed JSON answer
	 * @return the body, empty when absent
	 * @throws WithingsRateLimitException when {@code status} is {@code 601}
	 * @throws WithingsApiException when {@code status} is another non-zero one, or the answer is
	 * not an envelope ({@link WithingsApiException#getStatus()} {@code null})
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> unwrap(Map<String, Object> envelope) {
		if (envelope == null) {
			throw notAnEnvelope("Withings answered with an empty body");
		}
		int status = status(envelope.get("status"));
		Object body = envelope.get("body");
		if (body != null && !(body instanceof Map)) {
			throw notAnEnvelope("Withings answered with a 'body' that is not a JSON object");
		}
		Map<String, Object> map = (body != null) ? (Map<String, Object>) body : Map.of();
		if (status != 0) {
			Object error = envelope.get("error");
			String text = (error != null) ? error.toString() : null;
			if (status == 601) {
				Integer wait = waitSeconds(map.get("wait_seconds"));
				throw new WithingsRateLimitException(text, (wait != null) ? Duration.ofSeconds(wait) : null);
			}
			throw new WithingsApiException(status, text);
		}
		return map;
	}

	/**
	 * An answer that is not an envelope ({@link WithingsApiException#getStatus()} {@code null}).
	 * @param message what is wrong with its shape, never its content
	 * @return the exception
	 */
	static WithingsApiException notAnEnvelope(String message) {
		return new WithingsApiException(message, null);
	}

	private static int status(Object status) {
		BigDecimal number = number(status);
		if (number == null) {
			throw notAnEnvelope("Withings answered without a numeric 'status'");
		}
		Integer exact = exactInt(number);
		if (exact == null) {
			// never truncated: 4294967296 must not read as 0 (success)
			throw notAnEnvelope(
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
