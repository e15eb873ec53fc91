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
 * The simulator's deterministic per-user data for the {@code v2} data actions ({@code getactivity},
 * {@code getworkouts}, {@code v2/sleep getsummary}, {@code v2/heart list}, {@code v2/user getdevice}),
 * the scope each action needs, its parameter checks and Withings' paging ({@code more} and
 * {@code offset}). Field names follow Withings' OpenAPI document; values are made up, the same for
 * the same user id and clock.
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

	/** Days from the oldest to today (in {@link #ZONE}), for which {@code row} may give a row. */
	private static List<Map<String, Object>> days(Instant now, Function<LocalDate, Map<String, Object>> row) {
		LocalDate today = LocalDate.ofInstant(now, ZONE);
		List<Map<String, Object>> rows = new ArrayList<>();
		for (int day = DAYS - 1; day >= 0; day--) {
			Map<String, Object> value = row.apply(today.minusDays(day));
			if (value != null) {
				rows.add(value);
			}
		}
		return rows;
	}

	private static long epoch(LocalDate date, int hour) {
		return date.atTime(hour, 0).atZone(ZONE).toEpochSecond();
	}

	/** {@code v2/measure getactivity}: one row a day, oldest first, modified at the end of the day. */
	static List<Map<String, Object>> activities(String userId, Instant now, DayWindow window) {
		long seed = seed(userId);
		long nowSeconds = now.getEpochSecond();
		return days(now, (date) -> {
			long modified = Math.min(epoch(date, 23), nowSeconds);
			if (!window.includes(date, modified)) {
				return null;
			}
			long n = date.toEpochDay() * 7919L + seed;
			long steps = 3_000 + Math.floorMod(n, 9_000);
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
		});
	}

	/** {@code v2/sleep getsummary}: one night a day (23:00 to 07:00), dated the morning, oldest first. */
	static List<Map<String, Object>> sleepSummaries(String userId, Instant now, DayWindow window) {
		long seed = seed(userId);
		long nowSeconds = now.getEpochSecond();
		return days(now, (date) -> {
			long start = epoch(date.minusDays(1), 23);
			long end = epoch(date, 7);
			if (end > nowSeconds || !window.includes(date, end)) {
				return null;
			}
			long n = date.toEpochDay() * 104_729L + seed;
			Map<String, Object> data = new LinkedHashMap<>();
			long light = 12_000 + Math.floorMod(n, 3_000);
			long deep = 5_000 + Math.floorMod(n, 2_000);
			long rem = 4_000 + Math.floorMod(n, 1_500);
			data.put("total_timeinbed", end - start);
			data.put("total_sleep_time", light + deep + rem);
			data.put("lightsleepduration", light);
			data.put("deepsleepduration", deep);
			data.put("remsleepduration", rem);
			data.put("wakeupcount", Math.floorMod(n, 4));
			data.put("sleep_efficiency", new java.math.BigDecimal(light + deep + rem)
				.divide(java.math.BigDecimal.valueOf(end - start), 2, java.math.RoundingMode.DOWN));
			data.put("hr_average", 55 + Math.floorMod(n, 8));
			data.put("rr_average", 14);
			data.put("sleep_score", 60 + Math.floorMod(n, 35));
			data.put("night_events", Map.of("1", List.of(0), "4", List.of(end - start)));
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", seed * 1000 + date.getDayOfYear());
			row.put("timezone", ZONE.getId());
			row.put("model", 32);
			row.put("model_id", 63);
			row.put("hash_deviceid", "c9d0e1f2");
			row.put("startdate", start);
			row.put("enddate", end);
			row.put("date", date.toString());
			row.put("created", end);
			row.put("modified", end);
			row.put("completed", true);
			row.put("data", data);
			return row;
		});
	}

	/** {@code v2/measure getworkouts}: a walk (category 1) or a run (2) every third day, at 18:00. */
	static List<Map<String, Object>> workouts(String userId, Instant now, DayWindow window) {
		long seed = seed(userId);
		long nowSeconds = now.getEpochSecond();
		return days(now, (date) -> {
			long start = epoch(date, 18);
			long end = start + 1_800 + Math.floorMod(seed, 1_800);
			if (date.toEpochDay() % 3 != 0 || end > nowSeconds || !window.includes(date, end)) {
				return null;
			}
			long n = date.toEpochDay() * 31L + seed;
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("calories", new java.math.BigDecimal(20_000 + Math.floorMod(n, 10_000)).movePointLeft(2));
			data.put("steps", 3_000 + Math.floorMod(n, 2_000));
			data.put("distance", 2_500 + Math.floorMod(n, 1_500));
			data.put("hr_average", 120 + Math.floorMod(n, 30));
			data.put("spo2_average", null);
			data.put("pause_duration", 0);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", seed * 1000 + date.getDayOfYear());
			row.put("category", (n % 2 == 0) ? 1 : 2);
			row.put("timezone", ZONE.getId());
			row.put("model", 93);
			row.put("attrib", 7);
			row.put("startdate", start);
			row.put("enddate", end);
			row.put("date", date.toString());
			row.put("modified", end);
			row.put("deviceid", "e5f6a7b8");
			row.put("data", data);
			return row;
		});
	}

	/** {@code v2/heart list}: an ECG every fifth day at 09:00, between {@code startdate} and {@code enddate}. */
	static List<Map<String, Object>> heartRecordings(String userId, Instant now, Map<String, String> form) {
		long seed = seed(userId);
		long from = (form.containsKey("startdate")) ? longParameter(form, "startdate") : Long.MIN_VALUE;
		long to = (form.containsKey("enddate")) ? longParameter(form, "enddate") : Long.MAX_VALUE;
		long nowSeconds = now.getEpochSecond();
		return days(now, (date) -> {
			long timestamp = epoch(date, 9);
			if (date.toEpochDay() % 5 != 0 || timestamp > nowSeconds || timestamp < from || timestamp > to) {
				return null;
			}
			long n = date.toEpochDay() * 13L + seed;
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("deviceid", "e5f6a7b8");
			row.put("model", 93);
			row.put("ecg", Map.of("signalid", seed * 1000 + date.getDayOfYear(), "afib", (int) Math.floorMod(n, 3)));
			row.put("heart_rate", 60 + Math.floorMod(n, 30));
			row.put("timestamp", timestamp);
			row.put("modified", timestamp);
			row.put("timezone", ZONE.getId());
			return row;
		});
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

	/** {@code v2/user getdevice}: a scale and a watch. */
	static List<Map<String, Object>> devices(String userId, Instant now) {
		long firstSession = now.minus(Duration.ofDays(400)).truncatedTo(ChronoUnit.DAYS).getEpochSecond();
		long lastSession = now.minus(Duration.ofHours(1)).getEpochSecond();
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
