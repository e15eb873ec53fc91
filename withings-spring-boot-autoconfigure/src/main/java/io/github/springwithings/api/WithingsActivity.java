package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * One day of activity ({@code v2/measure action=getactivity}). Fields Withings did not send (not
 * requested with {@code data_fields}, not tracked, not in the user's plan) are {@code null}; every
 * field Withings sent, typed here or not ({@code soft}, {@code hr_zone_0}, ...), is in
 * {@link #raw()} and readable with {@link #value(String)}.
 *
 * @param date the day
 * @param timezone the user's time zone for that day
 * @param deviceId the device that tracked it ({@code deviceid}), may be {@code null}
 * @param modified when Withings last changed it (the {@code lastupdate} to ask for next)
 * @param steps steps
 * @param distance distance in meters
 * @param elevation floors climbed
 * @param calories active calories (kcal)
 * @param totalCalories total calories (kcal)
 * @param raw the row as Withings sent it
 */
public record WithingsActivity(LocalDate date, String timezone, String deviceId, Instant modified, Long steps,
		BigDecimal distance, BigDecimal elevation, BigDecimal calories, BigDecimal totalCalories, JsonNode raw) {

	static WithingsActivity of(JsonNode row) {
		return new WithingsActivity(WithingsJson.date(row.path("date")), WithingsJson.text(row.path("timezone")),
				WithingsJson.text(row.path("deviceid")), WithingsJson.instant(row.path("modified")),
				WithingsJson.whole(row.path("steps")), WithingsJson.number(row.path("distance")),
				WithingsJson.number(row.path("elevation")), WithingsJson.number(row.path("calories")),
				WithingsJson.number(row.path("totalcalories")), row);
	}

	/**
	 * Any numeric field of the row, by its Withings name, e.g. {@code hr_average}, {@code soft}.
	 * Never an exception: a {@code null}, absent or non-numeric field is empty.
	 * @param field the field name
	 * @return its value, exactly, if it is a number
	 */
	public Optional<BigDecimal> value(String field) {
		return WithingsJson.value(this.raw, field);
	}

}
