package io.github.springwithings.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's data: the generated history ({@link SimulatorData}), fixed at the user's anchor (the
 * simulator clock's instant when the simulator first served or recorded data for that user), and
 * what was recorded or changed since, each row {@code modified} when it was. Rows never move: two
 * requests see the same rows, whatever the clock says in between. Not thread-safe: guarded by the
 * {@link WithingsBackend}'s lock.
 */
final class SimulatorUserData {

	private final String userId;

	private final Instant anchor;

	/** Generated measure groups changed since, by {@code grpid}. */
	private final Map<Long, Map<String, Object>> changedGroups = new HashMap<>();

	/** Measure groups recorded since, oldest first. */
	private final List<Map<String, Object>> recordedGroups = new ArrayList<>();

	/** Days whose activity was recorded (created or changed) since. */
	private final Map<LocalDate, Map<String, Object>> activities = new TreeMap<>();

	private final List<Map<String, Object>> sleepSummaries = new ArrayList<>();

	private final List<Map<String, Object>> workouts = new ArrayList<>();

	private final List<Map<String, Object>> heartRecordings = new ArrayList<>();

	/** The latest instant data was recorded at (Unix seconds), {@code 0} when none. */
	private long latestRecording;

	SimulatorUserData(String userId, Instant anchor) {
		this.userId = userId;
		this.anchor = anchor.truncatedTo(ChronoUnit.SECONDS);
	}

	Instant anchor() {
		return this.anchor;
	}

	// --- reading ------------------------------------------------------------------------------

	/** Every measure group, generated (as changed) and recorded, newest first. */
	List<Map<String, Object>> measureGroups() {
		List<Map<String, Object>> groups = new ArrayList<>();
		for (Map<String, Object> group : SimulatorData.measureGroups(this.userId, this.anchor)) {
			groups.add(this.changedGroups.getOrDefault((Long) group.get("grpid"), group));
		}
		groups.addAll(this.recordedGroups);
		groups.sort(Comparator.comparing((Map<String, Object> group) -> (Long) group.get("date"))
			.thenComparing((group) -> (Long) group.get("grpid"))
			.reversed());
		return groups;
	}

	/** One row a day, generated or recorded (a recorded day replaces the generated one), oldest first. */
	List<Map<String, Object>> activities() {
		Map<String, Map<String, Object>> days = new TreeMap<>();
		for (Map<String, Object> row : SimulatorData.activities(this.userId, this.anchor)) {
			days.put((String) row.get("date"), row);
		}
		for (Map.Entry<LocalDate, Map<String, Object>> recorded : this.activities.entrySet()) {
			days.put(recorded.getKey().toString(), recorded.getValue());
		}
		return new ArrayList<>(days.values());
	}

	/** Generated and recorded nights, oldest first. */
	List<Map<String, Object>> sleepSummaries() {
		return merged(SimulatorData.sleepSummaries(this.userId, this.anchor), this.sleepSummaries, "startdate");
	}

	/** Generated and recorded workouts, oldest first. */
	List<Map<String, Object>> workouts() {
		return merged(SimulatorData.workouts(this.userId, this.anchor), this.workouts, "startdate");
	}

	/** Generated and recorded ECG recordings, oldest first. */
	List<Map<String, Object>> heartRecordings() {
		return merged(SimulatorData.heartRecordings(this.userId, this.anchor), this.heartRecordings, "timestamp");
	}

	/** {@code v2/user getdevice}'s devices. */
	List<Map<String, Object>> devices() {
		return SimulatorData.devices(this.anchor, this.latestRecording);
	}

	private static List<Map<String, Object>> merged(List<Map<String, Object>> generated,
			List<Map<String, Object>> recorded, String time) {
		List<Map<String, Object>> rows = new ArrayList<>(generated);
		rows.addAll(recorded);
		rows.sort(Comparator.comparing((Map<String, Object> row) -> (Long) row.get(time))
			.thenComparing((row) -> ((Number) row.getOrDefault("id", 0L)).longValue()));
		return rows;
	}

	// --- recording ----------------------------------------------------------------------------

	/** A measure group recorded at {@code now}: dated, created and modified then. */
	void recordGroup(long groupId, int category, List<SimulatorMeasure> measures, long now) {
		this.recordedGroups.add(SimulatorData.measureGroup(groupId, category, now, now, measures));
		recorded(now);
	}

	/**
	 * An existing measure group changed at {@code now}: its weight (type 1) takes the new value (a
	 * group without one gets one), the rest stays, {@code modified} becomes {@code now}.
	 * @return the changed group, or {@code null} when the user has no group with that id
	 */
	Map<String, Object> changeGroup(long groupId, long grams, long now) {
		for (int i = 0; i < this.recordedGroups.size(); i++) {
			if (((Long) this.recordedGroups.get(i).get("grpid")) == groupId) {
				Map<String, Object> changed = withWeight(this.recordedGroups.get(i), grams, now);
				this.recordedGroups.set(i, changed);
				recorded(now);
				return changed;
			}
		}
		for (Map<String, Object> group : measureGroups()) {
			if (((Long) group.get("grpid")) == groupId) {
				Map<String, Object> changed = withWeight(group, grams, now);
				this.changedGroups.put(groupId, changed);
				recorded(now);
				return changed;
			}
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> withWeight(Map<String, Object> group, long grams, long now) {
		List<Map<String, Object>> measures = new ArrayList<>();
		boolean weight = false;
		for (Map<String, Object> measure : (List<Map<String, Object>>) group.get("measures")) {
			if (Integer.valueOf(1).equals(measure.get("type"))) {
				weight = true;
				measures.addAll(SimulatorData.measures(List.of(new SimulatorMeasure(1, grams, -3))));
			}
			else {
				measures.add(measure);
			}
		}
		if (!weight) {
			measures.addAll(0, SimulatorData.measures(List.of(new SimulatorMeasure(1, grams, -3))));
		}
		Map<String, Object> changed = new LinkedHashMap<>(group);
		changed.put("measures", measures);
		changed.put("modified", now);
		return changed;
	}

	/** The day's activity created or changed at {@code now}: its steps (and what follows from them). */
	Map<String, Object> recordActivity(LocalDate date, long steps, long now) {
		Map<String, Object> row = SimulatorData.activity(this.userId, date, steps, now);
		this.activities.put(date, row);
		recorded(now);
		return row;
	}

	/** A night from {@code start} to {@code end}, created and modified at {@code now}. */
	Map<String, Object> recordSleep(long id, long start, long end, long now) {
		Map<String, Object> row = SimulatorData.sleepSummary(id, start / 60 + SimulatorData.seed(this.userId), start,
				end, now);
		this.sleepSummaries.add(row);
		recorded(now);
		return row;
	}

	/** A workout from {@code start} to {@code end}, modified at {@code now}. */
	Map<String, Object> recordWorkout(long id, int category, long start, long end, long now) {
		Map<String, Object> row = SimulatorData.workout(id, category, start / 60 + SimulatorData.seed(this.userId),
				start, end, now);
		this.workouts.add(row);
		recorded(now);
		return row;
	}

	/** An ECG recording at {@code timestamp}, recorded at {@code now}. */
	Map<String, Object> recordHeartRecording(long signalId, long timestamp, long now) {
		Map<String, Object> row = SimulatorData.heartRecording(signalId, timestamp / 60 + SimulatorData.seed(this.userId),
				timestamp);
		this.heartRecordings.add(row);
		recorded(now);
		return row;
	}

	private void recorded(long now) {
		this.latestRecording = Math.max(this.latestRecording, now);
	}

}
