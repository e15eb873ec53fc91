package io.github.springwithings.api;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code measure/getmeas}. The typed calls read every page ({@code more} and
 * {@code offset}) and merge them: their answer has {@code more} false.
 *
 * @param groups the measure groups, page after page, each page newest first as Withings sends them
 * @param more whether more groups are available (ask again with {@code offset}); false once all
 * pages are read
 * @param offset the offset of the next page (0 once all pages are read)
 * @param timezone the user's time zone
 * @param updatedAt when Withings answered
 */
public record WithingsMeasures(List<WithingsMeasureGroup> groups, boolean more, int offset, String timezone,
		Instant updatedAt) {

	/**
	 * The latest {@code modified} of the groups: the {@code lastupdate} of the next incremental
	 * sync ({@code getMeasuresUpdatedSince}).
	 * @return the latest modification, empty when no group has one
	 */
	public java.util.Optional<Instant> lastModified() {
		return this.groups.stream()
			.map(WithingsMeasureGroup::modified)
			.filter(java.util.Objects::nonNull)
			.max(java.util.Comparator.naturalOrder());
	}

}
