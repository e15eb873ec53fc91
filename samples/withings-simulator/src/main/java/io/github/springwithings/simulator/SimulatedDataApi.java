package io.github.springwithings.simulator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The data API for a caller whose access token is live: the action, its scope, its parameters,
 * then one page of the user's data ({@link SimulatorUserData}: the generated history, fixed at the
 * user's anchor, and what was recorded or changed since). Not thread-safe: guarded by the
 * {@link WithingsBackend}'s lock.
 */
final class SimulatedDataApi {

	/** Above every generated id (user id × 1000 + day): recorded groups, nights, workouts, signals. */
	static final long FIRST_RECORDED_GROUP_ID = 1_000_000_000_000L;

	private final SimulatorClock clock;

	/** Each user's data, from the first time the simulator served or recorded data for them. */
	private final Map<String, SimulatorUserData> users = new HashMap<>();

	private long nextRecordedId = FIRST_RECORDED_GROUP_ID;

	private int pageSize = SimulatorData.DEFAULT_PAGE_SIZE;

	SimulatedDataApi(SimulatorClock clock) {
		this.clock = clock;
	}

	/**
	 * Forget every user's data (their history is anchored anew when next served) and return to
	 * the default page size; recorded ids keep counting.
	 */
	void reset() {
		this.users.clear();
		this.pageSize = SimulatorData.DEFAULT_PAGE_SIZE;
	}

	/** Rows per page of the paged data actions ({@code more}/{@code offset}). */
	void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

	/** The user's data, anchored now when the simulator has not served or recorded any yet. */
	SimulatorUserData user(String userId) {
		return this.users.computeIfAbsent(userId, (id) -> new SimulatorUserData(id, this.clock.instant()));
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
		SimulatorUserData user = user(userId);
		return switch (endpoint) {
			case MEASURE -> measures(action, user, form);
			case MEASURE_V2 -> days(action, "getactivity".equals(form.get("action")) ? user.activities()
					: user.workouts(), form);
			case SLEEP -> "get".equals(form.get("action")) ? SimulatorData.sleepSeries(userId, form)
					: days(action, user.sleepSummaries(), form);
			case HEART -> "get".equals(form.get("action")) ? SimulatorData.heartSignal(userId, form)
					: heartRecordings(action, user, form);
			case USER -> Map.of("devices", user.devices());
			default -> throw new IllegalStateException("Unexpected endpoint " + endpoint);
		};
	}

	/**
	 * One page of the rows of a {@code startdateymd}/{@code enddateymd} or {@code lastupdate}
	 * action: those dated in the range, or modified strictly after {@code lastupdate}.
	 */
	private Map<String, Object> days(SimulatorData.Action action, List<Map<String, Object>> rows,
			Map<String, String> form) {
		SimulatorData.DayWindow window = SimulatorData.DayWindow.of(form);
		List<Map<String, Object>> selected = new ArrayList<>();
		for (Map<String, Object> row : rows) {
			if (window.includes(LocalDate.parse((String) row.get("date")), (Long) row.get("modified"))) {
				selected.add(row);
			}
		}
		return SimulatorData.page(action, selected, form, this.pageSize, Map.of());
	}

	/** {@code v2/heart list}: the recordings whose {@code timestamp} is between {@code startdate} and {@code enddate}. */
	private Map<String, Object> heartRecordings(SimulatorData.Action action, SimulatorUserData user,
			Map<String, String> form) {
		long from = SimulatorData.optionalLongOr(form, "startdate", Long.MIN_VALUE);
		long to = SimulatorData.optionalLongOr(form, "enddate", Long.MAX_VALUE);
		List<Map<String, Object>> selected = new ArrayList<>();
		for (Map<String, Object> row : user.heartRecordings()) {
			long timestamp = (Long) row.get("timestamp");
			if (timestamp >= from && timestamp <= to) {
				selected.add(row);
			}
		}
		return SimulatorData.page(action, selected, form, this.pageSize, Map.of());
	}

	/**
	 * A measure group of a category (1 a real measure, 2 a user objective) dated now (created
	 * and modified now), that {@code getmeas} shows from now on.
	 * @return the group's date (Unix seconds) and its id
	 */
	long[] recordGroup(String userId, int category, List<SimulatorMeasure> measures) {
		SimulatorUserData user = user(userId);
		long now = now();
		long groupId = this.nextRecordedId++;
		user.recordGroup(groupId, category, measures, now);
		return new long[] { now, groupId };
	}

	/**
	 * An existing measure group of the user (generated or recorded) changed now: same id and date,
	 * its weight {@code grams}, modified now.
	 * @return the group's date (Unix seconds), or {@code null} when the user has no such group
	 */
	Long changeGroup(String userId, long groupId, long grams) {
		Map<String, Object> changed = user(userId).changeGroup(groupId, grams, now());
		return (changed != null) ? (Long) changed.get("date") : null;
	}

	/** The day's activity created or changed now, with {@code steps}. */
	void recordActivity(String userId, LocalDate date, long steps) {
		user(userId).recordActivity(date, steps, now());
	}

	/** A night, created and modified now: returns its id. */
	long recordSleep(String userId, long start, long end) {
		SimulatorUserData user = user(userId);
		long id = this.nextRecordedId++;
		user.recordSleep(id, start, end, now());
		return id;
	}

	/** A workout, modified now: returns its id. */
	long recordWorkout(String userId, int category, long start, long end) {
		SimulatorUserData user = user(userId);
		long id = this.nextRecordedId++;
		user.recordWorkout(id, category, start, end, now());
		return id;
	}

	/** An ECG recording at {@code timestamp}, recorded now: returns its signal id. */
	long recordHeartRecording(String userId, long timestamp) {
		SimulatorUserData user = user(userId);
		long signalId = this.nextRecordedId++;
		user.recordHeartRecording(signalId, timestamp, now());
		return signalId;
	}

	private long now() {
		return this.clock.instant().getEpochSecond();
	}

	private Map<String, Object> measures(SimulatorData.Action action, SimulatorUserData user,
			Map<String, String> form) {
		boolean range = form.containsKey("startdate") || form.containsKey("enddate");
		Long lastUpdate = SimulatorData.optionalLong(form, "lastupdate");
		if (range && lastUpdate != null) {
			throw new SimulatorData.InvalidParams("startdate/enddate and lastupdate are exclusive");
		}
		long start = range ? SimulatorData.optionalLongOr(form, "startdate", Long.MIN_VALUE) : Long.MIN_VALUE;
		long end = range ? SimulatorData.optionalLongOr(form, "enddate", Long.MAX_VALUE) : Long.MAX_VALUE;
		Set<Integer> types = measureTypes(form);
		Integer category = category(form);
		List<Map<String, Object>> selected = new ArrayList<>();
		// newest first
		for (Map<String, Object> group : user.measureGroups()) {
			long date = (Long) group.get("date");
			boolean inWindow = ((lastUpdate != null) ? (Long) group.get("modified") > lastUpdate
					: date >= start && date <= end) && (category == null || category.equals(group.get("category")));
			Map<String, Object> typed = inWindow ? withTypes(group, types) : null;
			if (typed != null) {
				selected.add(typed);
			}
		}
		Map<String, Object> head = new LinkedHashMap<>();
		head.put("updatetime", now());
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

}
