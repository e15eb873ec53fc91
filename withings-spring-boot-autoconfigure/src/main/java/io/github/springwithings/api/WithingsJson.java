package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Lenient reads of the fields of Withings answers, shared by the typed answers of both stacks:
 * an absent, {@code null} or malformed field is {@code null}, never an exception and never 0.
 */
final class WithingsJson {

	private WithingsJson() {
	}

	static boolean present(JsonNode node) {
		return node != null && !node.isMissingNode() && !node.isNull();
	}

	/** A number, exactly (numbers Withings sends as strings too). */
	static BigDecimal number(JsonNode node) {
		if (!present(node)) {
			return null;
		}
		if (node.isNumber()) {
			return node.decimalValue();
		}
		try {
			return new BigDecimal(node.asString().trim());
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

	/** Unix seconds. */
	static Instant instant(JsonNode node) {
		Long seconds = whole(node);
		return (seconds != null) ? Instant.ofEpochSecond(seconds) : null;
	}

	/** {@code YYYY-MM-DD}. */
	static LocalDate date(JsonNode node) {
		if (!present(node)) {
			return null;
		}
		try {
			return LocalDate.parse(node.asString());
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	static String text(JsonNode node) {
		return present(node) ? node.asString() : null;
	}

	/** A field of {@code object} as a number, for the {@code value(field)} of the typed answers. */
	static Optional<BigDecimal> value(JsonNode object, String field) {
		return Optional.ofNullable((object != null) ? number(object.path(field)) : null);
	}

	/** {@code more}: {@code 1}/{@code 0} in {@code getmeas}, {@code true}/{@code false} in v2 actions. */
	static boolean more(JsonNode node) {
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		BigDecimal number = number(node);
		if (number != null) {
			return number.signum() != 0;
		}
		return present(node) && "true".equalsIgnoreCase(node.asString());
	}

}
