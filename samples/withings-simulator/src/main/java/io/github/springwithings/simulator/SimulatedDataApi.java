package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The data API for a caller whose access token is live: the action, its scope, its parameters,
 * then one page of the user's deterministic data, with the measure groups recorded since (a
 * weight, an objective). Not thread-safe: guarded by the {@link WithingsBackend}'s lock.
 */
final class SimulatedDataApi {

	/** Above every generated group id (user id × 1000 + day). */
	static final long FIRST_RECORDED_GROUP_ID = 1_000_000_000_000L;

	private final SimulatorClock clock;

	/** Measure groups recorded by {@link #recordGroup}, per user, on top of the generated ones. */
	private final Map<String, List<Map<String, Object>>> recordedGroups = new HashMap<>();

	private long nextRecordedGroupId = FIRST_RECORDED_GROUP_ID;

	private int pageSize = SimulatorData.DEFAULT_PAGE_SIZE;

	SimulatedDataApi(SimulatorClock clock) {
		this.clock = clock;
	}

	/** Forget the recorded groups and return to the default page size; group ids keep counting. */
	void reset() {
		this.recordedGroups.clear();
		this.pageSize = SimulatorData.DEFAULT_PAGE_SIZE;
	}

	/** Rows per page of the paged data actions ({@code more}/{@code offset}). */
	void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

	/**
	 * A data action for a live access token: an action played here (2554), the action's scope
	 * (214), valid parameters (503), then one page of the user's data.
	 */
	SimulatorResponse data(SimulatorEndpoint endpoint, SimulatedTokens.AccessToken token, Map<String, String> form) {
		SimulatorData.Action action = SimulatorData.action(endpoint, form.get("action"));
		if (action == null) {
			return SimulatorResponse.envelope(2554, Map.of(), "Not implemented");
		}
		if (!token.scopes.contains(action.scope())) {
			return SimulatorResponse.envelope(214, Map.of(), "Unauthorized: missing scope " + action.scope());
		}
		token.used = true;
		try {
			return SimulatorResponse.envelope(0, dataBody(endpoint, action, token.userId, form), null);
		}
		catch (SimulatorData.InvalidParams ex) {
			return SimulatorResponse.envelope(503, Map.of(), ex.getMessage());
		}
	}

	private Map<String, Object> dataBody(SimulatorEndpoint endpoint, SimulatorData.Action action, String userId,
			Map<String, String> form) {
		Instant now = this.clock.instant();
		return switch (endpoint) {
			case MEASURE -> measures(action, userId, form);
			case MEASURE_V2 -> SimulatorData.page(action, "getactivity".equals(form.get("action"))
					? SimulatorData.activities(userId, now, SimulatorData.DayWindow.of(form))
					: SimulatorData.workouts(userId, now, SimulatorData.DayWindow.of(form)), form, this.pageSize,
					Map.of());
			case SLEEP -> "get".equals(form.get("action")) ? SimulatorData.sleepSeries(userId, form)
					: SimulatorData.page(action, SimulatorData.sleepSummaries(userId, now, SimulatorData.DayWindow.of(form)),
							form, this.pageSize, Map.of());
			case HEART -> "get".equals(form.get("action")) ? SimulatorData.heartSignal(userId, form)
					: SimulatorData.page(action, SimulatorData.heartRecordings(userId, now, form), form, this.pageSize,
							Map.of());
			case USER -> Map.of("devices", SimulatorData.devices(userId, now));
			default -> throw new IllegalStateException("Unexpected endpoint " + endpoint);
		};
	}

	/**
	 * A measure group of a category (1 a real measure, 2 a user objective) dated now (created
	 * and modified now), that {@code getmeas} shows from now on.
	 * @return the group's date (Unix seconds) and its id
	 */
	long[] recordGroup(String userId, int category, List<SimulatorMeasure> measures) {
		long date = this.clock.instant().getEpochSecond();
		long groupId = this.nextRecordedGroupId++;
		Map<String, Object> group = measureGroup(groupId, date, measures);
		group.put("category", category);
		this.recordedGroups.computeIfAbsent(userId, (key) -> new ArrayList<>()).add(group);
		return new long[] { date, groupId };
	}

	private Map<String, Object> measures(SimulatorData.Action action, String userId, Map<String, String> form) {
		// one weighing a day, the newest an hour ago: any 30-day window holds exactly 30 of them
		Instant today = this.clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
		boolean range = form.containsKey("startdate") || form.containsKey("enddate");
		Long lastUpdate = SimulatorData.optionalLong(form, "lastupdate");
		if (range && lastUpdate != null) {
			throw new SimulatorData.InvalidParams("startdate/enddate and lastupdate are exclusive");
		}
		long start = range ? SimulatorData.optionalLongOr(form, "startdate", Long.MIN_VALUE) : Long.MIN_VALUE;
		long end = range ? SimulatorData.optionalLongOr(form, "enddate", Long.MAX_VALUE) : Long.MAX_VALUE;
		Set<Integer> types = measureTypes(form);
		Integer category = category(form);
		long seed = SimulatorData.seed(userId);
		List<Map<String, Object>> groups = new ArrayList<>();
		for (int day = 0; day < 60; day++) {
			long date = today.minus(Duration.ofDays(day)).getEpochSecond();
			long grams = 70_000 + (seed % 10) * 1_000 + ((day * 7919L + seed) % 1_500) - day * 20L;
			groups.add(weightGroup(seed * 1000 + day, date, grams));
		}
		groups.addAll(this.recordedGroups.getOrDefault(userId, List.of()));
		List<Map<String, Object>> selected = new ArrayList<>();
		for (Map<String, Object> group : groups) {
			long date = (Long) group.get("date");
			boolean inWindow = ((lastUpdate != null) ? (Long) group.get("modified") > lastUpdate
					: date >= start && date <= end) && (category == null || category.equals(group.get("category")));
			Map<String, Object> typed = inWindow ? withTypes(group, types) : null;
			if (typed != null) {
				selected.add(typed);
			}
		}
		// newest first, as the generated ones
		selected.sort(Comparator.comparing((Map<String, Object> group) -> (Long) group.get("date")).reversed());
		Map<String, Object> head = new LinkedHashMap<>();
		head.put("updatetime", this.clock.instant().getEpochSecond());
		head.put("timezone", "Europe/Paris");
		return SimulatorData.page(action, selected, form, this.pageSize, head);
	}

	/**
	 * {@code category}: 1 (real measures) or 2 (user objectives); {@code null} (absent) for both,
	 * as Withings answers.
	 */
	private static Integer category(Map<String, String> form) {
		String category = form.get("category");
		if (category == null) {
			return null;
		}
		if (!"1".equals(category) && !"2".equals(category)) {
			throw new SimulatorData.InvalidParams("category");
		}
		return Integer.valueOf(category);
	}

	/** {@code meastype} or {@code meastypes} (comma-separated), empty for all. */
	private static Set<Integer> measureTypes(Map<String, String> form) {
		Set<Integer> types = new TreeSet<>();
		for (String name : List.of("meastype", "meastypes")) {
			String value = form.get(name);
			if (value == null) {
				continue;
			}
			for (String type : value.split(",", -1)) {
				try {
					types.add(Integer.parseInt(type.trim()));
				}
				catch (NumberFormatException ex) {
					throw new SimulatorData.InvalidParams(name);
				}
			}
		}
		return types;
	}

	/** The group with only the measures of those types, or {@code null} when none is left. */
	private static Map<String, Object> withTypes(Map<String, Object> group, Set<Integer> types) {
		if (types.isEmpty()) {
			return group;
		}
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> measures = ((List<Map<String, Object>>) group.get("measures")).stream()
			.filter((measure) -> types.contains((Integer) measure.get("type")))
			.toList();
		if (measures.isEmpty()) {
			return null;
		}
		Map<String, Object> copy = new LinkedHashMap<>(group);
		copy.put("measures", measures);
		return copy;
	}

	private static Map<String, Object> weightGroup(long groupId, long date, long grams) {
		return measureGroup(groupId, date, List.of(new SimulatorMeasure(1, grams, -3)));
	}

	private static Map<String, Object> measureGroup(long groupId, long date, List<SimulatorMeasure> values) {
		List<Map<String, Object>> measures = new ArrayList<>();
		for (SimulatorMeasure value : values) {
			measures.add(Map.of("value", value.value(), "type", value.type(), "unit", value.unit(), "algo", 0, "fm",
					1));
		}
		Map<String, Object> group = new LinkedHashMap<>();
		group.put("grpid", groupId);
		group.put("attrib", 0);
		group.put("date", date);
		group.put("created", date);
		group.put("modified", date);
		group.put("category", 1);
		group.put("deviceid", "a1b2c3d4");
		group.put("hash_deviceid", "a1b2c3d4");
		group.put("measures", measures);
		group.put("modelid", 5);
		group.put("model", "Body Smart");
		group.put("comment", null);
		return group;
	}

}
