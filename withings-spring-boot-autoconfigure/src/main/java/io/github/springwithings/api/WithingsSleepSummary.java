package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * One night ({@code v2/sleep action=getsummary}). The metrics are in {@link #data()} under their
 * Withings names ({@code total_sleep_time}, {@code sleep_score}, {@code hr_average}, ...), read
 * with {@link #value(String)}; which ones are present depends on the device, the region and the
 * {@code data_fields} asked for. Nothing Withings sent is dropped: {@link #raw()} is the whole row.
 *
 * @param id the summary id (0 when absent)
 * @param date the day the night is attributed to (two nights may share one)
 * @param startDate when the night started
 * @param endDate when it ended
 * @param timezone the user's time zone
 * @param model the data source ({@code 16} a tracker, {@code 32} a sleep monitor), may be {@code null}
 * @param modified when Withings last changed it (the {@code lastupdate} to ask for next)
 * @param data the metrics object ({@code data})
 * @param raw the row as Withings sent it
 */
public record WithingsSleepSummary(long id, LocalDate date, Instant startDate, Instant endDate, String timezone,
		Integer model, Instant modified, JsonNode data, JsonNode raw) {

	static WithingsSleepSummary of(JsonNode row) {
		Long id = WithingsJson.whole(row.path("id"));
		return new WithingsSleepSummary((id != null) ? id : 0, WithingsJson.date(row.path("date")),
				WithingsJson.instant(row.path("startdate")), WithingsJson.instant(row.path("enddate")),
				WithingsJson.text(row.path("timezone")), WithingsJson.integer(row.path("model")),
				WithingsJson.instant(row.path("modified")), row.path("data"), row);
	}

	/**
	 * A metric of {@link #data()}, by its Withings name, e.g. {@code total_sleep_time} (seconds).
	 * Never an exception: a field that is {@code null}, absent, text that is not a number, an
	 * array or an object (such as {@code night_events}, read it from {@link #data()}) is empty.
	 * @param field the field name
	 * @return its value, exactly, if it is a number
	 */
	public Optional<BigDecimal> value(String field) {
		return WithingsJson.value(this.data, field);
	}

}
