package io.github.springwithings.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import org.springframework.util.Assert;

/**
 * The typed calls of {@link WithingsApi} and {@link WithingsReactiveApi}: each call's path, action
 * and form, its paging rule and how its pages become the answer. Only sending the requests is
 * left to each stack.
 */
final class WithingsDataCalls {

	/** The earliest offset from UTC: the first local day an instant can fall on. */
	private static final ZoneOffset EARLIEST = ZoneOffset.ofHours(-12);

	/** The latest offset from UTC: the last local day an instant can fall on. */
	private static final ZoneOffset LATEST = ZoneOffset.ofHours(14);

	private static final JsonMapper EXACT = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private WithingsDataCalls() {
	}

	/**
	 * One typed call.
	 * @param path the path under the API base URI
	 * @param action the action
	 * @param parameters the form, without {@code action} and {@code offset}
	 * @param paged whether Withings pages the answer ({@code more}, {@code offset})
	 * @param result how the bodies of the pages, in order, become the answer
	 * @param <T> the answer
	 */
	record Call<T>(String path, String action, Map<String, String> parameters, boolean paged,
			Function<List<JsonNode>, T> result) {

		/** The form of the page at {@code offset} (0: the first page, sent without an offset). */
		Map<String, String> parameters(int offset) {
			if (offset == 0) {
				return this.parameters;
			}
			Map<String, String> page = new LinkedHashMap<>(this.parameters);
			page.put("offset", Integer.toString(offset));
			return page;
		}

		/**
		 * A page body, read with every number exact ({@code BigDecimal} for decimals, so that
		 * {@code 241.60} keeps its scale), {@code MissingNode} for none.
		 */
		static JsonNode page(String body) {
			if (body == null || body.isBlank()) {
				return MissingNode.getInstance();
			}
			try {
				return EXACT.readTree(body);
			}
			catch (JacksonException ex) {
				throw new WithingsApiException("Withings answered with a body that is not valid JSON", null);
			}
		}

		/**
		 * The offset of the next page, or {@code null} when {@code body} was the last one.
		 * @param body the page just read
		 * @param pagesRead how many pages were read, that one included
		 * @param offset the offset that page was asked with
		 * @throws WithingsApiException when Withings says {@code more} with an offset that does not
		 * advance, or after {@link WithingsApi#MAX_PAGES} pages
		 */
		Integer nextOffset(JsonNode body, int pagesRead, int offset) {
			if (!this.paged || !WithingsJson.more(body.path("more"))) {
				return null;
			}
			Integer next = WithingsJson.integer(body.path("offset"));
			if (next == null || next <= offset) {
				throw new WithingsApiException("Withings answered " + this.action + " with more data but an offset ("
						+ body.path("offset") + ") that does not advance past " + offset, null);
			}
			if (pagesRead >= WithingsApi.MAX_PAGES) {
				throw new WithingsApiException("Withings answered " + this.action + " with more data after "
						+ WithingsApi.MAX_PAGES + " pages; narrow the period", null);
			}
			return next;
		}

		T result(List<JsonNode> pages) {
			return this.result.apply(pages);
		}

	}

	// --- measure getmeas ---------------------------------------------------------------------

	static Call<WithingsMeasures> measures(Instant startDate, Instant endDate, int... measureTypes) {
		Assert.notNull(startDate, "startDate cannot be null");
		Assert.notNull(endDate, "endDate cannot be null");
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("startdate", Long.toString(startDate.getEpochSecond()));
		parameters.put("enddate", Long.toString(endDate.getEpochSecond()));
		return measures(parameters, measureTypes);
	}

	static Call<WithingsMeasures> measuresSince(Instant lastUpdate, int... measureTypes) {
		Assert.notNull(lastUpdate, "lastUpdate cannot be null");
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("lastupdate", Long.toString(lastUpdate.getEpochSecond()));
		return measures(parameters, measureTypes);
	}

	private static Call<WithingsMeasures> measures(Map<String, String> parameters, int... measureTypes) {
		if (measureTypes.length > 0) {
			parameters.put("meastypes",
					Arrays.stream(measureTypes).mapToObj(Integer::toString).collect(Collectors.joining(",")));
		}
		return new Call<>("/measure", "getmeas", Map.copyOf(parameters), true, WithingsDataCalls::measures);
	}

	/** The pages of a {@code getmeas} answer, merged. */
	static WithingsMeasures measures(List<JsonNode> pages) {
		List<WithingsMeasureGroup> groups = new ArrayList<>();
		for (JsonNode page : pages) {
			for (JsonNode group : page.path("measuregrps")) {
				groups.add(WithingsMeasureGroup.of(group));
			}
		}
		JsonNode first = pages.get(0);
		JsonNode last = pages.get(pages.size() - 1);
		return new WithingsMeasures(List.copyOf(groups), WithingsJson.more(last.path("more")),
				last.path("offset").asInt(), WithingsJson.text(first.path("timezone")),
				Instant.ofEpochSecond(first.path("updatetime").asLong()));
	}

	// --- v2 actions by day or lastupdate ------------------------------------------------------

	static Call<List<WithingsActivity>> activity(LocalDate startDate, LocalDate endDate) {
		return rows("/v2/measure", "getactivity", days(startDate, endDate), "activities", WithingsActivity::of);
	}

	static Call<List<WithingsActivity>> activitySince(Instant lastUpdate) {
		return rows("/v2/measure", "getactivity", since(lastUpdate), "activities", WithingsActivity::of);
	}

	static Call<List<WithingsSleepSummary>> sleepSummaries(LocalDate startDate, LocalDate endDate) {
		return rows("/v2/sleep", "getsummary", days(startDate, endDate), "series", WithingsSleepSummary::of);
	}

	static Call<List<WithingsSleepSummary>> sleepSummariesSince(Instant lastUpdate) {
		return rows("/v2/sleep", "getsummary", since(lastUpdate), "series", WithingsSleepSummary::of);
	}

	static Call<List<WithingsWorkout>> workouts(LocalDate startDate, LocalDate endDate) {
		return rows("/v2/measure", "getworkouts", days(startDate, endDate), "series", WithingsWorkout::of);
	}

	static Call<List<WithingsWorkout>> workoutsSince(Instant lastUpdate) {
		return rows("/v2/measure", "getworkouts", since(lastUpdate), "series", WithingsWorkout::of);
	}

	/** The first local day {@code instant} can be, in any time zone. */
	static LocalDate firstDay(Instant instant) {
		Assert.notNull(instant, "startDate cannot be null");
		return LocalDate.ofInstant(instant, EARLIEST);
	}

	/** The last local day {@code instant} can be, in any time zone. */
	static LocalDate lastDay(Instant instant) {
		Assert.notNull(instant, "endDate cannot be null");
		return LocalDate.ofInstant(instant, LATEST);
	}

	private static Map<String, String> days(LocalDate startDate, LocalDate endDate) {
		Assert.notNull(startDate, "startDate cannot be null");
		Assert.notNull(endDate, "endDate cannot be null");
		return Map.of("startdateymd", startDate.toString(), "enddateymd", endDate.toString());
	}

	private static Map<String, String> since(Instant lastUpdate) {
		Assert.notNull(lastUpdate, "lastUpdate cannot be null");
		return Map.of("lastupdate", Long.toString(lastUpdate.getEpochSecond()));
	}

	// --- heart list, user getdevice ------------------------------------------------------------

	static Call<List<WithingsHeartRecording>> heartRecordings(Instant startDate, Instant endDate) {
		Assert.notNull(startDate, "startDate cannot be null");
		Assert.notNull(endDate, "endDate cannot be null");
		return rows("/v2/heart", "list", Map.of("startdate", Long.toString(startDate.getEpochSecond()), "enddate",
				Long.toString(endDate.getEpochSecond())), "series", WithingsHeartRecording::of);
	}

	static Call<List<WithingsDevice>> devices() {
		return new Call<>("/v2/user", "getdevice", Map.of(), false,
				(pages) -> rows(pages, "devices", WithingsDevice::of));
	}

	private static <R> Call<List<R>> rows(String path, String action, Map<String, String> parameters, String key,
			Function<JsonNode, R> row) {
		return new Call<>(path, action, parameters, true, (pages) -> rows(pages, key, row));
	}

	/** The rows under {@code key} of every page, in order. */
	private static <R> List<R> rows(List<JsonNode> pages, String key, Function<JsonNode, R> row) {
		List<R> rows = new ArrayList<>();
		for (JsonNode page : pages) {
			for (JsonNode value : page.path(key)) {
				rows.add(row.apply(value));
			}
		}
		return List.copyOf(rows);
	}

}
