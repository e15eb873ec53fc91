package io.github.springwithings.api;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@code measure/getmeas}. The typed calls read every page ({@code more} and
 * {@code offset}) and merge them: their answer has {@code more} false, unless Withings' paging
 * could not be followed to its end (it said {@code more} with an offset that does not advance, or
 * still after {@link WithingsApi#MAX_PAGES} pages). Then the groups received are all here and
 * {@code more} is true: {@link #isComplete()} is {@code false}.
 * <p>
 * Groups are kept as Withings sent them, duplicates included (two groups may share a
 * {@code grpid}): a store upserts by {@code grpid}.
 *
 * @param groups the measure groups, page after page, each page newest first as Withings sends them
 * @param more whether more groups are available; false once all pages are read
 * @param offset the {@code offset} Withings gave with {@code more} (0 once all pages are read)
 * @param timezone the user's time zone (a group may carry its own: {@link WithingsMeasureGroup#timezone()})
 * @param updatedAt when Withings answered ({@code updatetime}, a number or text), {@code null} when absent
 */
public record WithingsMeasures(List<WithingsMeasureGroup> groups, boolean more, int offset, String timezone,
		Instant updatedAt) {

	/**
	 * Whether these are every group Withings has for the call.
	 * @return {@code false} when Withings' paging could not be followed to its end ({@link #more()})
	 */
	public boolean isComplete() {
		return !this.more;
	}

	/**
	 * The latest {@code modified} of the groups: the {@code lastupdate} of the next incremental
	 * sync ({@code getMeasuresUpdatedSince}).
	 * @return the latest modification, empty when no group has one
	 */
	public Optional<Instant> lastModified() {
		return this.groups.stream()
			.map(WithingsMeasureGroup::modified)
			.filter(Objects::nonNull)
			.max(Comparator.naturalOrder());
	}

}
