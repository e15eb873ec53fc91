package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in and out for the {@link WithingsAdminApi}'s routes: the request body as a map, typed
 * fields read from it (a wrong type is an {@link IllegalArgumentException}, answered 400), and
 * JSON answers.
 */
final class AdminJson {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private AdminJson() {
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> body(String body) {
		if (body == null || body.isBlank()) {
			return Map.of();
		}
		Object value = JSON.readValue(body, Object.class);
		if (!(value instanceof Map)) {
			throw new IllegalArgumentException("Expected a JSON object");
		}
		return (Map<String, Object>) value;
	}

	static ResponseDefinition ok(Map<String, ?> body) {
		return json(200, body);
	}

	static ResponseDefinition json(int status, Map<String, ?> body) {
		return ResponseDefinitionBuilder.responseDefinition()
			.withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(JSON.writeValueAsString(body))
			.build();
	}

	/** The {@code {userId}} path parameter, numeric. */
	static String userId(Map<String, String> params) {
		String userId = params.get("userId");
		if (userId == null || userId.isEmpty() || !userId.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("A Withings user id is numeric");
		}
		return userId;
	}

	static String stringValue(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (!(value instanceof String text)) {
			throw new IllegalArgumentException(name + " must be a string");
		}
		return text;
	}

	static String stringOrNumber(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (value instanceof Number number) {
			return String.valueOf(number.longValue());
		}
		return stringValue(body, name);
	}

	static long longValue(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (!(value instanceof Integer || value instanceof Long)) {
			throw new IllegalArgumentException(name + " must be an integer");
		}
		return ((Number) value).longValue();
	}

	static Boolean booleanValue(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (!(value instanceof Boolean bool)) {
			throw new IllegalArgumentException(name + " must be true or false");
		}
		return bool;
	}

	static Duration duration(Map<String, Object> body, String name) {
		String value = stringValue(body, name);
		try {
			return Duration.parse(value.toUpperCase(Locale.ROOT));
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT3H");
		}
	}

}
