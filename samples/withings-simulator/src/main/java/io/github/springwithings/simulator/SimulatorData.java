package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The simulator's deterministic per-user data for the data actions ({@code getmeas},
 * {@code getactivity}, {@code getworkouts}, {@code v2/sleep getsummary}, {@code v2/heart list},
 * {@code v2/user getdevice}): the generated history up to a user's anchor and the rows recorded
 * later, the scope each action needs, its parameter checks and Withings' paging ({@code more} and
 * {@code offset}). Field names follow Withings' OpenAPI document and real answers; values are made
 * up, the same for the same user id and anchor.
 */
final class SimulatorData {

	/** The user's time zone, in every answer. */
	static final ZoneId ZONE = ZoneId.of("Europe/Paris");

	/** Days of history generated. */
	static final int DAYS = 60;

	/** Rows per page when a test does not choose: large enough that nothing pages by default. */
	static final int DEFAULT_PAGE_SIZE = 1000;

	private SimulatorData() {
	}

	/** An action the simulator plays, with the scope it needs and how its answer is built. */
	record Action(String scope, boolean paged, boolean moreAsInt, String listKey) {
	}

	/**
	 * The action at that endpoint, or {@code null} when the simulator does not play it (2554).
	 * Scopes as the project's brief reads Withings' scope table (uncertain for {@code v2/heart}
	 * and {@code v2/user getdevice}: Withings' OpenAPI document does not say).
	 */
	static Action action(SimulatorEndpoint endpoint, String action) {
		String key = endpoint.name() + " " + action;
		return switch (key) {
			case "MEASURE getmeas" -> new Action("user.metrics", true, true, "measuregrps");
			case "MEASURE_V2 getactivity" -> new Action("user.activity", true, false, "activities");
			case "MEASURE_V2 getworkouts" -> new Action("user.activity", true, false, "series");
			case "SLEEP getsummary" -> new Action("user.activity", true, false, "series");
			case "SLEEP get" -> new Action("user.activity", false, false, "series");
			case "HEART list" -> new Action("user.activity", true, false, "series");
			case "HEART get" -> new Action("user.activity", false, false, "signal");
			case "USER getdevice" -> new Action("user.activity", false, false, "devices");
			default -> null;
		};
	}

	/** A rejected parameter: Withings' status 503 "Invalid Params". */
	static final class InvalidParams extends RuntimeException {

		InvalidParams(String message) {
			super("Invalid Params: " + message, null, false, false);
		}

	}

	/**
	 * Which rows a call asks for: a range of dates ({@code startdateymd} and {@code enddateymd}) or
	 * those modified after {@code lastupdate}, never both, one of them required.
	 */
	record DayWindow(LocalDate start, LocalDate end, Long lastUpdate) {

		static DayWindow of(Map<String, String> form) {
			boolean range = form.containsKey("startdateymd") || form.containsKey("enddateymd");
			boolean since = form.containsKey("lastupdate");
			if (range && since) {
				throw new InvalidParams("startdateymd/enddateymd and lastupdate are exclusive");
			}
			if (since) {
				return new DayWindow(null, null, longParameter(form, "lastupdate"));
			}
			if (!form.containsKey("startdateymd") || !form.containsKey("enddateymd")) {
				throw new InvalidParams("startdateymd and enddateymd, or lastupdate, are required");
			}
			return new DayWindow(ymd(form, "startdateymd"), ymd(form, "enddateymd"), null);
		}

		boolean includes(LocalDate date, long modified) {
			if (this.lastUpdate != null) {
				return modified > this.lastUpdate;
			}
			return !date.isBefore(this.start) && !date.isAfter(this.end);
		}

	}

	static long longParameter(Map<String, String> form, String name) {
		try {
			return Long.parseLong(form.get(name));
		}
		catch (NumberFormatException ex) {
			throw new InvalidParams(name);
		}
	}

	static long optionalLongOr(Map<String, String> form, String name, long fallback) {
		return form.containsKey(name) ? longParameter(form, name) : fallback;
	}

	static Long optionalLong(Map<String, String> form, String name) {
		return form.containsKey(name) ? longParameter(form, name) : null;
	}

	private static LocalDate ymd(Map<String, String> form, String name) {
		try {
			return LocalDate.parse(form.get(name));
		}
		catch (DateTimeParseException ex) {
			throw new InvalidParams(name);
		}
	}

	/**
	 * One page of rows: from {@code offset}, at most {@code pageSize}, with {@code more} and the
	 * next {@code offset} (0 on the last page).
	 */
	static Map<String, Object> page(Action action, List<Map<String, Object>> rows, Map<String, String> form,
			int pageSize, Map<String, Object> head) {
		Long requested = optionalLong(form, "offset");
		int offset = (requested != null) ? (int) Math.min(Math.max(requested, -1), Integer.MAX_VALUE) : 0;
		if (offset < 0) {
			throw new InvalidParams("offset");
		}
		int from = Math.min(offset, rows.size());
		int to = Math.min(from + pageSize, rows.size());
		boolean more = to < rows.size();
		Map<String, Object> body = new LinkedHashMap<>(head);
		body.put(action.listKey(), new ArrayList<>(rows.subList(from, to)));
		body.put("more", action.moreAsInt() ? (Object) (more ? 1 : 0) : (Object) more);
		body.put("offset", more ? to : 0);
		return body;
	}

	static long seed(String userId) {
		return Long.parseLong(userId.replaceAll("\\D", "0"));
	}

	/**
	 * The days of generated history that end at {@code anchor} (in {@link #ZONE}), oldest first,
	 * for which {@code row} gives a row.
	 */
	private static List<Map<String, Object>> days(Instant anchor, Function<LocalDate, Map<String, Object>> row) {
		LocalDate last = LocalDate.ofInstant(anchor, ZONE);
		List<Map<String, Object>> rows = new ArrayList<>();
		for (int day = DAYS - 1; day >= 0; day--) {
			Map<String, Object> value = row.apply(last.minusDays(day));
			if (value != null) {
				rows.add(value);
			}
		}
		return rows;
	}

	static long epoch(LocalDate date, int hour) {
		return date.atTime(hour, 0).atZone(ZONE).toEpochSecond();
	}

	/** The date of an instant in the user's time zone. */
	static LocalDate date(long epochSecond) {
		return LocalDate.ofInstant(Instant.ofEpochSecond(epochSecond), ZONE);
	}

	/**
	 * {@code getmeas}: one weighing a day up to an hour before {@code anchor} (any 30-day window
	 * ending at the anchor holds exactly 30 of them), newest first, created and modified when
	 * measured.
	 */
	static List<Map<String, Object>> measureGroups(String userId, Instant anchor) {
		long seed = seed(userId);
		Instant newest = anchor.truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
		List<Map<String, Object>> groups = new ArrayList<>();
		for (int day = 0; day < DAYS; day++) {
			long date = newest.minus(Duration.ofDays(day)).getEpochSecond();
			long grams = 70_000 + (seed % 10) * 1_000 + ((day * 7919L + seed) % 1_500) - day * 20L;
			groups.add(measureGroup(seed * 1000 + day, 1, date, date,
					List.of(new SimulatorMeasure(1, grams, -3))));
		}
		return groups;
	}

	/** A {@code getmeas} measure group, dated and created {@code date}. */
	static Map<String, Object> measureGroup(long groupId, int category, long date, long modified,
			List<SimulatorMeasure> values) {
		Map<String, Object> group = new LinkedHashMap<>();
		group.put("grpid", groupId);
		group.put("attrib", 0);
		group.put("date", date);
		group.put("created", date);
		group.put("modified", modified);
		group.put("category", category);
		group.put("deviceid", "a1b2c3d4");
		group.put("hash_deviceid", "a1b2c3d4");
		group.put("measures", measures(values));
		group.put("modelid", 5);
		group.put("model", "Body Smart");
		group.put("comment", null);
		return group;
	}

	static List<Map<String, Object>> measures(List<SimulatorMeasure> values) {
		List<Map<String, Object>> measures = new ArrayList<>();
		for (SimulatorMeasure value : values) {
			measures.add(Map.of("value", value.value(), "type", value.type(), "unit", value.unit(), "algo", 0, "fm",
					1));
		}
		return measures;
	}

	/**
	 * {@code v2/measure getactivity}: one row a day up to the anchor's day, oldest first, modified
	 * at 23:00 of its day (the anchor for the anchor's own day).
	 */
	static List<Map<String, Object>> activities(String userId, Instant anchor) {
		long anchorSeconds = anchor.getEpochSecond();
		return days(anchor, (date) -> activity(userId, date, null, Math.min(epoch(date, 23), anchorSeconds)));
	}

	/**
	 * The activity of a day: the generated values, with {@code steps} when given (and the
	 * distance and calories that follow from them).
	 */
	static Map<String, Object> activity(String userId, LocalDate date, Long stepsOrNull, long modified) {
		long n = date.toEpochDay() * 7919L + seed(userId);
		long steps = (stepsOrNull != null) ? stepsOrNull : 3_000 + Math.floorMod(n, 9_000);
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("date", date.toString());
		row.put("timezone", ZONE.getId());
		row.put("deviceid", "e5f6a7b8");
		row.put("hash_deviceid", "e5f6a7b8");
		row.put("brand", 1);
		row.put("is_tracker", true);
		row.put("modified", modified);
		row.put("model", "ScanWatch");
		row.put("modelid", 93);
		row.put("steps", steps);
		// meters with a decimal, calories with two: read exactly, as BigDecimal
		row.put("distance", new java.math.BigDecimal(steps * 7).movePointLeft(1));
		row.put("elevation", Math.floorMod(n, 12));
		row.put("soft", 1_800 + Math.floorMod(n, 600));
		row.put("moderate", 600 + Math.floorMod(n, 300));
		row.put("intense", Math.floorMod(n, 400));
		row.put("active", 600 + Math.floorMod(n, 300) + Math.floorMod(n, 400));
		row.put("calories", new java.math.BigDecimal(steps * 4 + 17).movePointLeft(2));
		row.put("totalcalories", new java.math.BigDecimal(180_000 + steps * 4 + 17).movePointLeft(2));
		row.put("hr_average", 70 + Math.floorMod(n, 10));
		row.put("hr_min", 50 + Math.floorMod(n, 5));
		row.put("hr_max", 120 + Math.floorMod(n, 40));
		row.put("hr_zone_0", 30_000 + Math.floorMod(n, 1_000));
		row.put("hr_zone_1", 2_000);
		row.put("hr_zone_2", 500);
		row.put("hr_zone_3", 60);
		return row;
	}

	/**
	 * {@code v2/sleep getsummary}: one night a day (23:00 to 07:00) that ended by the anchor, dated
	 * the morning, oldest first, created and modified when it ended.
	 */
	static List<Map<String, Object>> sleepSummaries(String userId, Instant anchor) {
		long seed = seed(userId);
		long anchorSeconds = anchor.getEpochSecond();
		return days(anchor, (date) -> {
			long start = epoch(date.minusDays(1), 23);
			long end = epoch(date, 7);
			if (end > anchorSeconds) {
				return null;
			}
			return sleepSummary(seed * 1000 + date.getDayOfYear(), date.toEpochDay() * 104_729L + seed, start, end,
					end);
		});
	}

	/**
	 * A sleep summary from {@code start} to {@code end}, dated the day it ended, created and
	 * modified {@code modified}; its stages (light, deep, REM) vary with {@code n}.
	 */
	static Map<String, Object> sleepSummary(long id, long n, long start, long end, long modified) {
		long inBed = end - start;
		long light = inBed * (40 + Math.floorMod(n, 10)) / 100;
		long deep = inBed * (15 + Math.floorMod(n, 5)) / 100;
		long rem = inBed * (15 + Math.floorMod(n, 5)) / 100;
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("total_timeinbed", inBed);
		data.put("total_sleep_time", light + deep + rem);
		data.put("lightsleepduration", light);
		data.put("deepsleepduration", deep);
		data.put("remsleepduration", rem);
		data.put("wakeupcount", Math.floorMod(n, 4));
		data.put("sleep_efficiency", new java.math.BigDecimal(light + deep + rem)
			.divide(java.math.BigDecimal.valueOf(inBed), 2, java.math.RoundingMode.DOWN));
		data.put("hr_average", 55 + Math.floorMod(n, 8));
		data.put("rr_average", 14);
		data.put("sleep_score", 60 + Math.floorMod(n, 35));
		data.put("night_events", Map.of("1", List.of(0), "4", List.of(inBed)));
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", id);
		row.put("timezone", ZONE.getId());
		row.put("model", 32);
		row.put("model_id", 63);
		row.put("hash_deviceid", "c9d0e1f2");
		row.put("startdate", start);
		row.put("enddate", end);
		row.put("date", date(end).toString());
		row.put("created", modified);
		row.put("modified", modified);
		row.put("completed", true);
		row.put("data", data);
		return row;
	}

	/**
	 * {@code v2/measure getworkouts}: a walk (category 1) or a run (2) every third day at 18:00,
	 * that ended by the anchor, oldest first, modified when it ended.
	 */
	static List<Map<String, Object>> workouts(String userId, Instant anchor) {
		long seed = seed(userId);
		long anchorSeconds = anchor.getEpochSecond();
		return days(anchor, (date) -> {
			long start = epoch(date, 18);
			long end = start + 1_800 + Math.floorMod(seed, 1_800);
			if (date.toEpochDay() % 3 != 0 || end > anchorSeconds) {
				return null;
			}
			long n = date.toEpochDay() * 31L + seed;
			return workout(seed * 1000 + date.getDayOfYear(), (n % 2 == 0) ? 1 : 2, n, start, end, end);
		});
	}

	/** A workout from {@code start} to {@code end}, dated the day it started, modified {@code modified}. */
	static Map<String, Object> workout(long id, int category, long n, long start, long end, long modified) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("calories", new java.math.BigDecimal(20_000 + Math.floorMod(n, 10_000)).movePointLeft(2));
		data.put("steps", 3_000 + Math.floorMod(n, 2_000));
		data.put("distance", 2_500 + Math.floorMod(n, 1_500));
		data.put("hr_average", 120 + Math.floorMod(n, 30));
		data.put("spo2_average", null);
		data.put("pause_duration", 0);
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", id);
		row.put("category", category);
		row.put("timezone", ZONE.getId());
		row.put("model", 93);
		row.put("attrib", 7);
		row.put("startdate", start);
		row.put("enddate", end);
		row.put("date", date(start).toString());
		row.put("modified", modified);
		row.put("deviceid", "e5f6a7b8");
		row.put("data", data);
		return row;
	}

	/**
	 * {@code v2/heart list}: an ECG every fifth day at 09:00, up to the anchor, oldest first.
	 * Rows carry their {@code timestamp} and no {@code modified}, as Withings' do.
	 */
	static List<Map<String, Object>> heartRecordings(String userId, Instant anchor) {
		long seed = seed(userId);
		long anchorSeconds = anchor.getEpochSecond();
		return days(anchor, (date) -> {
			long timestamp = epoch(date, 9);
			if (date.toEpochDay() % 5 != 0 || timestamp > anchorSeconds) {
				return null;
			}
			return heartRecording(seed * 1000 + date.getDayOfYear(), date.toEpochDay() * 13L + seed, timestamp);
		});
	}

	/** An ECG recording at {@code timestamp}, whose signal is {@code signalId}. */
	static Map<String, Object> heartRecording(long signalId, long n, long timestamp) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("deviceid", "e5f6a7b8");
		row.put("model", 93);
		row.put("ecg", Map.of("signalid", signalId, "afib", (int) Math.floorMod(n, 3)));
		row.put("heart_rate", 60 + Math.floorMod(n, 30));
		row.put("timestamp", timestamp);
		row.put("timezone", ZONE.getId());
		return row;
	}

	/**
	 * {@code v2/sleep get}: the sleep states between {@code startdate} and {@code enddate} (at most
	 * 24 hours), one segment every 30 minutes, as Withings answers it: {@code series} an
	 * <em>array</em> (the OpenAPI document says an object), each segment's {@code model} a string
	 * and {@code model_id} a number, and for each {@code data_fields} asked ({@code hr}, {@code rr},
	 * {@code snoring}) a map keyed by Unix seconds as <em>strings</em>; nothing of a field not asked.
	 */
	static Map<String, Object> sleepSeries(String userId, Map<String, String> form) {
		if (!form.containsKey("startdate") || !form.containsKey("enddate")) {
			throw new InvalidParams("startdate and enddate are required");
		}
		long from = longParameter(form, "startdate");
		long to = longParameter(form, "enddate");
		if (to < from || to - from > 86_400) {
			throw new InvalidParams("enddate must follow startdate by at most 24 hours");
		}
		List<String> fields = form.containsKey("data_fields") ? List.of(form.get("data_fields").split(","))
				: List.of();
		long seed = seed(userId);
		List<Map<String, Object>> series = new ArrayList<>();
		for (long start = from; start + 1_800 <= to; start += 1_800) {
			long n = start / 1_800 + seed;
			Map<String, Object> segment = new LinkedHashMap<>();
			segment.put("startdate", start);
			segment.put("enddate", start + 1_800);
			segment.put("state", (int) Math.floorMod(n, 4));
			segment.put("model", "Aura Sensor V2");
			segment.put("model_id", 63);
			for (String field : List.of("hr", "rr", "snoring")) {
				if (fields.contains(field)) {
					Map<String, Object> values = new LinkedHashMap<>();
					values.put(Long.toString(start), (field.equals("hr") ? 55 : field.equals("rr") ? 13 : 0)
							+ Math.floorMod(n, 5));
					values.put(Long.toString(start + 900), (field.equals("hr") ? 56 : field.equals("rr") ? 14 : 0)
							+ Math.floorMod(n, 5));
					segment.put(field, values);
				}
			}
			series.add(segment);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("series", series);
		body.put("model", 32);
		return body;
	}

	/** {@code v2/heart get}: the ECG signal of {@code signalid}, 300 Hz, as an integer array. */
	static Map<String, Object> heartSignal(String userId, Map<String, String> form) {
		if (!form.containsKey("signalid")) {
			throw new InvalidParams("signalid is required");
		}
		long n = longParameter(form, "signalid") + seed(userId);
		List<Integer> signal = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			signal.add((int) Math.floorMod(n * 31 + i * 7L, 200) - 100);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("signal", signal);
		body.put("sampling_frequency", 300);
		body.put("wearposition", 0);
		return body;
	}

	/**
	 * {@code v2/user getdevice}: a scale and a watch, first used 400 days before the anchor, last
	 * an hour before it or at the latest recording.
	 */
	static List<Map<String, Object>> devices(Instant anchor, long latestRecording) {
		long firstSession = anchor.minus(Duration.ofDays(400)).truncatedTo(ChronoUnit.DAYS).getEpochSecond();
		long lastSession = Math.max(anchor.minus(Duration.ofHours(1)).getEpochSecond(), latestRecording);
		List<Map<String, Object>> devices = new ArrayList<>();
		devices.add(device("Scale", "Body Smart", 5, "high", "a1b2c3d4", firstSession, lastSession));
		devices.add(device("Activity Tracker", "ScanWatch", 93, "medium", "e5f6a7b8", firstSession, lastSession));
		return devices;
	}

	private static Map<String, Object> device(String type, String model, int modelId, String battery, String id,
			long firstSession, long lastSession) {
		Map<String, Object> device = new LinkedHashMap<>();
		device.put("type", type);
		device.put("model", model);
		device.put("model_id", modelId);
		device.put("battery", battery);
		device.put("deviceid", id);
		device.put("hash_deviceid", id);
		device.put("timezone", ZONE.getId());
		device.put("last_session_date", lastSession);
		device.put("first_session_date", firstSession);
		return device;
	}

}
