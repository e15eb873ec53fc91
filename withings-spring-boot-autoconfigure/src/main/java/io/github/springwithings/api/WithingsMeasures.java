package io.github.springwithings.api;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code measure/getmeas}.
 *
 * @param groups the measure groups, newest first as Withings sends them
 * @param more whether more groups are available (ask again with {@code offset})
 * @param offset the offset for the next page
 * @param timezone the user's time zone
 * @param updatedAt when Withings answered
 */
public record WithingsMeasures(List<WithingsMeasureGroup> groups, boolean more, int offset, String timezone,
		Instant updatedAt) {
}
