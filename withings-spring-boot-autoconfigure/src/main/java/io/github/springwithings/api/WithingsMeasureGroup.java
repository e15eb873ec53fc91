package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Measures taken together (one weighing, one blood pressure reading). Every measure Withings sent
 * is kept, also of types this library has no constant for; {@link #raw()} has the group's other
 * fields ({@code attrib}, {@code deviceid}, {@code model}, ...).
 *
 * @param id the group id ({@code grpid}; 0 when absent), not unique: two groups of one answer
 * may share it
 * @param date when the measures were taken, {@code null} when absent
 * @param category 1 for real measures, 2 for user objectives (0 when absent)
 * @param measures the measures, in Withings' order (a measure without a type or a numeric value
 * stays in {@code raw})
 * @param modified when Withings last changed the group (the {@code lastupdate} to ask for next),
 * {@code null} when absent
 * @param raw the group as Withings sent it, {@code null} for groups not read from Withings
 */
public record WithingsMeasureGroup(long id, Instant date, int category, List<WithingsMeasure> measures,
		Instant modified, JsonNode raw) {

	/**
	 * A group not read from Withings (no {@code modified}, no raw form).
	 * @param id the group id
	 * @param date when the measures were taken
	 * @param category 1 for real measures, 2 for user objectives
	 * @param measures the measures
	 */
	public WithingsMeasureGroup(long id, Instant date, int category, List<WithingsMeasure> measures) {
		this(id, date, category, measures, null, null);
	}

	/**
	 * The measure of a type in this group.
	 * @param type the measure type
	 * @return the measure, if present
	 */
	public Optional<WithingsMeasure> measure(int type) {
		return this.measures.stream().filter((measure) -> measure.type() == type).findFirst();
	}

	/**
	 * The group's own time zone ({@code timezone} of the group, which some answers carry), else
	 * {@code null}: then the answer's ({@link WithingsMeasures#timezone()}) applies.
	 * @return the time zone, or {@code null}
	 */
	public String timezone() {
		return (this.raw != null) ? WithingsJson.text(this.raw.path("timezone")) : null;
	}

	static WithingsMeasureGroup of(JsonNode group) {
		List<WithingsMeasure> measures = new ArrayList<>();
		for (JsonNode measure : group.path("measures")) {
			WithingsMeasure read = measure(measure);
			if (read != null) {
				measures.add(read);
			}
		}
		Long id = WithingsJson.whole(group.path("grpid"));
		Integer category = WithingsJson.integer(group.path("category"));
		return new WithingsMeasureGroup((id != null) ? id : 0, WithingsJson.instant(group.path("date")),
				(category != null) ? category : 0, List.copyOf(measures), WithingsJson.instant(group.path("modified")),
				group);
	}

	/**
	 * A measure: {@code value × 10^unit}, exactly, whatever the exponent (the same type comes as
	 * 56300·10⁻³, 500000·10⁻⁴ and 53800003·10⁻⁶): 65750 and -3 are 65.750. {@code null} (the
	 * measure stays in {@link #raw()}) without a whole {@code type} or a numeric {@code value}.
	 */
	private static WithingsMeasure measure(JsonNode measure) {
		Integer type = WithingsJson.integer(measure.path("type"));
		BigDecimal value = WithingsJson.number(measure.path("value"));
		Integer unit = WithingsJson.present(measure.path("unit")) ? WithingsJson.integer(measure.path("unit")) : 0;
		if (type == null || value == null || unit == null) {
			return null;
		}
		try {
			return new WithingsMeasure(type, value.scaleByPowerOfTen(unit));
		}
		catch (ArithmeticException ex) {
			return null;
		}
	}

}
