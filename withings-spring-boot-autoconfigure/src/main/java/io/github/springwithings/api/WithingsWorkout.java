package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * One workout ({@code v2/measure action=getworkouts}). The metrics are in {@link #data()} under
 * their Withings names ({@code calories}, {@code steps}, {@code distance}, {@code hr_average},
 * ...), read with {@link #value(String)}; {@link #raw()} is the whole row.
 *
 * @param id the workout id (0 when absent), not unique: one page may repeat it
 * @param category the workout category (Withings' code, kept as sent: 1 walk, 2 run, ...; 0 when absent)
 * @param date the day
 * @param startDate when it started
 * @param endDate when it ended
 * @param timezone the user's time zone
 * @param deviceId the device that tracked it, may be {@code null}
 * @param modified when Withings last changed it (the {@code lastupdate} to ask for next)
 * @param data the metrics object ({@code data})
 * @param raw the row as Withings sent it
 */
public record WithingsWorkout(long id, int category, LocalDate date, Instant startDate, Instant endDate,
		String timezone, String deviceId, Instant modified, JsonNode data, JsonNode raw) {

	static WithingsWorkout of(JsonNode row) {
		Long id = WithingsJson.whole(row.path("id"));
		Integer category = WithingsJson.integer(row.path("category"));
		return new WithingsWorkout((id != null) ? id : 0, (category != null) ? category : 0,
				WithingsJson.date(row.path("date")), WithingsJson.instant(row.path("startdate")),
				WithingsJson.instant(row.path("enddate")), WithingsJson.text(row.path("timezone")),
				WithingsJson.text(row.path("deviceid")), WithingsJson.instant(row.path("modified")), row.path("data"),
				row);
	}

	/**
	 * A metric of {@link #data()}, by its Withings name, e.g. {@code calories} (kcal). Never an
	 * exception: a {@code null}, absent or non-numeric field is empty.
	 * @param field the field name
	 * @return its value, exactly, if it is a number
	 */
	public Optional<BigDecimal> value(String field) {
		return WithingsJson.value(this.data, field);
	}

}
