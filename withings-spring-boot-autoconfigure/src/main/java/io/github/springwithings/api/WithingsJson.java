package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Lenient reads of the fields of Withings answers, shared by the typed answers of both stacks:
 * an absent, {@code null} or malformed field (an array or an object where a value was expected,
 * text that is not a number, a date out of range) is {@code null}, never an exception and never 0.
 * Only scalar nodes are ever converted: Jackson 3's {@code asString()}, {@code asLong()} and
 * {@code asInt()} throw on arrays, objects and text that is not a number.
 */
final class WithingsJson {

	private WithingsJson() {
	}

	static boolean present(JsonNode node) {
		return node != null && !node.isMissingNode() && !node.isNull();
	}

	/** A number, exactly (numbers Withings sends as strings too); {@code null} for anything else. */
	static BigDecimal number(JsonNode node) {
		if (!present(node)) {
			return null;
		}
		if (node.isNumber()) {
			try {
				return node.decimalValue();
			}
			catch (JacksonException | NumberFormatException ex) {
				return null; // a double read as such: NaN or infinite
			}
		}
		if (!node.isString()) {
			return null;
		}
		try {
			return new BigDecimal(node.stringValue().trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static Long whole(JsonNode node) {
		BigDecimal number = number(node);
		if (number == null) {
			return null;
		}
		try {
			return number.longValueExact();
		}
		catch (ArithmeticException ex) {
			return null;
		}
	}

	static Integer integer(JsonNode node) {
		Long whole = whole(node);
		return (whole != null && whole == whole.intValue()) ? whole.intValue() : null;
	}

	/** Unix seconds, as a number or as text; {@code null} when out of {@code Instant}'s range. */
	static Instant instant(JsonNode node) {
		Long seconds = whole(node);
		if (seconds == null) {
			return null;
		}
		try {
			return Instant.ofEpochSecond(seconds);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	/** {@code YYYY-MM-DD}. */
	static LocalDate date(JsonNode node) {
		String text = text(node);
		if (text == null) {
			return null;
		}
		try {
			return LocalDate.parse(text);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** Text, numbers and booleans as text; {@code null} for an array or an object. */
	static String text(JsonNode node) {
		return (present(node) && node.isValueNode()) ? node.asString() : null;
	}

	/** A field of {@code object} as a number, for the {@code value(field)} of the typed answers. */
	static Optional<BigDecimal> value(JsonNode object, String field) {
		return Optional.ofNullable((object != null && field != null) ? number(object.path(field)) : null);
	}

	/**
	 * {@code more}: {@code 1}/{@code 0} in {@code getmeas}, {@code true}/{@code false} in v2
	 * actions, {@code "true"} or {@code "1"} as text; absent or anything else is {@code false}.
	 */
	static boolean more(JsonNode node) {
		if (node == null) {
			return false;
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		BigDecimal number = number(node);
		if (number != null) {
			return number.signum() != 0;
		}
		return "true".equalsIgnoreCase(text(node));
	}

}
