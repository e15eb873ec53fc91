package io.github.springwithings.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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

	private static final Log logger = LogFactory.getLog(WithingsDataCalls.class);

	/** The observation of an answer whose paging stopped short; its event counts it. */
	static final String PAGES_OBSERVATION = "withings.api.pages";

	/** With Micrometer's meter handler: the {@code withings.api.pages.incomplete} counter. */
	private static final Observation.Event INCOMPLETE = Observation.Event.of("incomplete",
			"A paged answer returned incomplete: Withings' paging could not be followed to its end");

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
	 * @param rowsKey the key of the rows in a page body
	 * @param result how the bodies of the pages, in order, and whether they are complete, become
	 * the answer
	 * @param <T> the answer
	 */
	record Call<T>(String path, String action, Map<String, String> parameters, boolean paged, String rowsKey,
			BiFunction<List<JsonNode>, Boolean, T> result) {

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
		 * What follows a page: the next page, the end, or a stop short of the end (Withings says
		 * {@code more} with an offset that does not advance, or after {@link WithingsApi#MAX_PAGES}
		 * pages), never an exception.
		 * @param body the page just read
		 * @param pagesRead how many pages were read, that one included
		 * @param offset the offset that page was asked with
		 * @return the paging step
		 */
		Paging paging(JsonNode body, int pagesRead, int offset) {
			if (!this.paged || !WithingsJson.more(body.path("more"))) {
				return Paging.END;
			}
			Integer next = WithingsJson.integer(body.path("offset"));
			if (next == null || next <= offset) {
				String sent = WithingsJson.text(body.path("offset"));
				return new Paging(null, "more data but " + ((sent != null) ? "an offset (" + sent + ")" : "no offset")
						+ " that does not advance past " + offset);
			}
			if (pagesRead >= WithingsApi.MAX_PAGES) {
				return new Paging(null, "more data after " + WithingsApi.MAX_PAGES + " pages");
			}
			return new Paging(next, null);
		}

		/**
		 * The answer of the pages read: the rows received, marked incomplete (with a WARN and the
		 * observation's {@code incomplete} event) when {@code last} stopped short of the end.
		 * @param pages the page bodies, in order
		 * @param last the paging step of the last page
		 * @param observationRegistry where the incomplete answer is counted
		 * @return the answer
		 */
		T result(List<JsonNode> pages, Paging last, ObservationRegistry observationRegistry) {
			if (!last.isComplete()) {
				incomplete(this.action, last.incomplete(), rowCount(pages, this.rowsKey), pages.size(), observationRegistry);
			}
			return this.result.apply(pages, last.isComplete());
		}

	}

	/**
	 * What follows a page.
	 * @param next the offset of the next page, {@code null} when no page follows
	 * @param incomplete why the paging stopped short of the end, {@code null} when it did not
	 */
	record Paging(Integer next, String incomplete) {

		static final Paging END = new Paging(null, null);

		boolean isComplete() {
			return this.incomplete == null;
		}

	}

	/** The rows under {@code key} of every page. */
	private static int rowCount(List<JsonNode> pages, String key) {
		int rows = 0;
		for (JsonNode page : pages) {
			JsonNode list = page.path(key);
			rows += list.isArray() ? list.size() : 0;
		}
		return rows;
	}

	/** A WARN (the action and the counts, nothing of the user or the token) and a count. */
	private static void incomplete(String action, String why, int rows, int pages,
			ObservationRegistry observationRegistry) {
		logger.warn("Withings answered " + action + " with " + why + "; returning the " + rows
				+ " rows received in " + pages + ((pages == 1) ? " page" : " pages")
				+ ", marked incomplete (isComplete() is false)");
		Observation observation = Observation.createNotStarted(PAGES_OBSERVATION, observationRegistry)
			.contextualName("withings " + action + " paging")
			.lowCardinalityKeyValue("action", action)
			.start();
		observation.event(INCOMPLETE);
		observation.stop();
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
		// real measures: without it Withings mixes in the user's objectives (category 2)
		parameters.put("category", "1");
		if (measureTypes.length > 0) {
			parameters.put("meastypes",
					Arrays.stream(measureTypes).mapToObj(Integer::toString).collect(Collectors.joining(",")));
		}
		return new Call<>("/measure", "getmeas", Map.copyOf(parameters), true, "measuregrps",
				WithingsDataCalls::measures);
	}

	/**
	 * The pages of a {@code getmeas} answer, merged: every group of every page, in order,
	 * duplicates included.
	 * @param pages the page bodies
	 * @param complete whether the paging was followed to its end
	 * @return the measures, {@code more} (with Withings' last {@code offset}) when incomplete
	 */
	static WithingsMeasures measures(List<JsonNode> pages, boolean complete) {
		List<WithingsMeasureGroup> groups = new ArrayList<>();
		for (JsonNode page : pages) {
			for (JsonNode group : page.path("measuregrps")) {
				groups.add(WithingsMeasureGroup.of(group));
			}
		}
		JsonNode first = pages.get(0);
		JsonNode last = pages.get(pages.size() - 1);
		Integer offset = WithingsJson.integer(last.path("offset"));
		return new WithingsMeasures(List.copyOf(groups), !complete, (!complete && offset != null) ? offset : 0,
				WithingsJson.text(first.path("timezone")), WithingsJson.instant(first.path("updatetime")));
	}

	// --- v2 actions by day or lastupdate ------------------------------------------------------

	static Call<WithingsRows<WithingsActivity>> activity(LocalDate startDate, LocalDate endDate) {
		return rows("/v2/measure", "getactivity", days(startDate, endDate), "activities", WithingsActivity::of);
	}

	static Call<WithingsRows<WithingsActivity>> activitySince(Instant lastUpdate) {
		return rows("/v2/measure", "getactivity", since(lastUpdate), "activities", WithingsActivity::of);
	}

	static Call<WithingsRows<WithingsSleepSummary>> sleepSummaries(LocalDate startDate, LocalDate endDate) {
		return rows("/v2/sleep", "getsummary", days(startDate, endDate), "series", WithingsSleepSummary::of);
	}

	static Call<WithingsRows<WithingsSleepSummary>> sleepSummariesSince(Instant lastUpdate) {
		return rows("/v2/sleep", "getsummary", since(lastUpdate), "series", WithingsSleepSummary::of);
	}

	static Call<WithingsRows<WithingsWorkout>> workouts(LocalDate startDate, LocalDate endDate) {
		return rows("/v2/measure", "getworkouts", days(startDate, endDate), "series", WithingsWorkout::of);
	}

	static Call<WithingsRows<WithingsWorkout>> workoutsSince(Instant lastUpdate) {
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

	static Call<WithingsRows<WithingsHeartRecording>> heartRecordings(Instant startDate, Instant endDate) {
		Assert.notNull(startDate, "startDate cannot be null");
		Assert.notNull(endDate, "endDate cannot be null");
		return rows("/v2/heart", "list", Map.of("startdate", Long.toString(startDate.getEpochSecond()), "enddate",
				Long.toString(endDate.getEpochSecond())), "series", WithingsHeartRecording::of);
	}

	static Call<WithingsRows<WithingsDevice>> devices() {
		return new Call<>("/v2/user", "getdevice", Map.of(), false, "devices",
				(pages, complete) -> rows(pages, complete, "devices", WithingsDevice::of));
	}

	private static <R> Call<WithingsRows<R>> rows(String path, String action, Map<String, String> parameters,
			String key, Function<JsonNode, R> row) {
		return new Call<>(path, action, parameters, true, key, (pages, complete) -> rows(pages, complete, key, row));
	}

	/** The rows under {@code key} of every page, in order, duplicates included. */
	private static <R> WithingsRows<R> rows(List<JsonNode> pages, boolean complete, String key,
			Function<JsonNode, R> row) {
		List<R> rows = new ArrayList<>();
		for (JsonNode page : pages) {
			for (JsonNode value : page.path(key)) {
				rows.add(row.apply(value));
			}
		}
		return new WithingsRows<>(rows, complete);
	}

}
