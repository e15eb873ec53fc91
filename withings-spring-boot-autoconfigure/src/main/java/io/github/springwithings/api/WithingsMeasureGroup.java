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
 * @param id the group id
 * @param date when the measures were taken
 * @param category 1 for real measures, 2 for user objectives
 * @param measures the measures, in Withings' order
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

	static WithingsMeasureGroup of(JsonNode group) {
		List<WithingsMeasure> measures = new ArrayList<>();
		for (JsonNode measure : group.path("measures")) {
			// value x 10^unit, exactly: 65750 and -3 are 65.750
			measures.add(new WithingsMeasure(measure.path("type").asInt(),
					BigDecimal.valueOf(measure.path("value").asLong(), -measure.path("unit").asInt())));
		}
		return new WithingsMeasureGroup(group.path("grpid").asLong(), Instant.ofEpochSecond(group.path("date").asLong()),
				group.path("category").asInt(), List.copyOf(measures), WithingsJson.instant(group.path("modified")),
				group);
	}

}
