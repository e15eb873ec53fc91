package io.github.springwithings.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Measures taken together (one weighing, one blood pressure reading).
 *
 * @param id the group id
 * @param date when the measures were taken
 * @param category 1 for real measures, 2 for user objectives
 * @param measures the measures
 */
public record WithingsMeasureGroup(long id, Instant date, int category, List<WithingsMeasure> measures) {

	/**
	 * The measure of a type in this group.
	 * @param type the measure type
	 * @return the measure, if present
	 */
	public Optional<WithingsMeasure> measure(int type) {
		return this.measures.stream().filter((measure) -> measure.type() == type).findFirst();
	}

}
