package io.github.springwithings.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import static io.github.springwithings.simulator.AdminJson.json;
import static io.github.springwithings.simulator.AdminJson.longValue;
import static io.github.springwithings.simulator.AdminJson.ok;
import static io.github.springwithings.simulator.AdminJson.stringValue;
import static io.github.springwithings.simulator.AdminJson.userId;

/**
 * The {@link WithingsAdminApi}'s routes for data that changes, each change {@code modified} now
 * and notified as Withings notifies it: {@code POST users/{userId}/activity}, {@code sleep},
 * {@code workouts}, {@code heart}, {@code measures/{grpid}}, and for the notifications that never
 * arrive, {@code POST users/{userId}/drop-notifications}.
 */
final class AdminDataRoutes {

	private final WithingsSimulator simulator;

	AdminDataRoutes(WithingsSimulator simulator) {
		this.simulator = simulator;
	}

	void contribute(Router router) {
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/activity", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(activity(userId(params), body));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/sleep", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(sleep(userId(params), body));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/workouts", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(workout(userId(params), body));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/heart", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(heart(userId(params), body));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/measures/{grpid}", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return changeMeasure(userId(params), params.get("grpid"), body);
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/drop-notifications",
				new AdminRoute() {
					@Override
					ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
						return ok(dropNotifications(userId(params), body));
					}
				});
	}

	private Map<String, Object> activity(String userId, Map<String, Object> body) {
		expect(body, "{\"date\":\"2026-12-07\",\"steps\":1234}", "date", "steps");
		LocalDate date;
		try {
			date = LocalDate.parse(stringValue(body, "date"));
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("date must be a day such as 2026-12-07");
		}
		int steps = intValue(body, "steps");
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("userId", userId);
		answer.put("date", date.toString());
		answer.put("steps", steps);
		answer.put("notifications", this.simulator.recordActivity(userId, date, steps));
		return answer;
	}

	private Map<String, Object> sleep(String userId, Map<String, Object> body) {
		expect(body, "{\"start\":1765062000,\"end\":1765090800}", "start", "end");
		return recorded(userId, "id", this.simulator.sleep(userId, instant(body, "start"), instant(body, "end")));
	}

	private Map<String, Object> workout(String userId, Map<String, Object> body) {
		expect(body, "{\"category\":1,\"start\":1765126800,\"end\":1765128600}", "category", "start", "end");
		return recorded(userId, "id", this.simulator.workout(userId, intValue(body, "category"),
				instant(body, "start"), instant(body, "end")));
	}

	private Map<String, Object> heart(String userId, Map<String, Object> body) {
		expect(body, "{\"timestamp\":1765094400}", "timestamp");
		return recorded(userId, "signalid", this.simulator.heartRecording(userId, instant(body, "timestamp")));
	}

	private ResponseDefinition changeMeasure(String userId, String grpid, Map<String, Object> body) {
		expect(body, "{\"weightKg\":72.5}", "weightKg");
		long groupId;
		try {
			groupId = Long.parseLong(grpid);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("A measure group id (grpid) is numeric");
		}
		if (!(body.get("weightKg") instanceof Number weight)) {
			throw new IllegalArgumentException("weightKg must be a number");
		}
		WithingsSimulator.Recorded changed = this.simulator.changeGroup(userId, groupId, weight.doubleValue());
		if (changed == null) {
			return json(404, Map.of("error", "User " + userId + " has no measure group " + groupId));
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("userId", userId);
		answer.put("grpid", groupId);
		answer.put("weightKg", weight);
		answer.put("notifications", changed.notifications());
		return ok(answer);
	}

	private Map<String, Object> dropNotifications(String userId, Map<String, Object> body) {
		expect(body, "{\"count\":1}", "count");
		int count = intValue(body, "count");
		this.simulator.dropNotifications(userId, count);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("userId", userId);
		answer.put("count", count);
		answer.put("dropped", this.simulator.droppedNotifications());
		return answer;
	}

	private static Map<String, Object> recorded(String userId, String idName, WithingsSimulator.Recorded recorded) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("userId", userId);
		answer.put(idName, recorded.id());
		answer.put("notifications", recorded.notifications());
		return answer;
	}

	/** Every field given, and no other: a misspelt field is an error, not a default. */
	private static void expect(Map<String, Object> body, String example, String... names) {
		Set<String> expected = Set.of(names);
		if (!body.keySet().equals(expected)) {
			throw new IllegalArgumentException("Expected " + example);
		}
	}

	private static int intValue(Map<String, Object> body, String name) {
		long value = longValue(body, name);
		if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(name + " is out of range");
		}
		return (int) value;
	}

	/** Unix seconds, as Withings' dates. */
	private static Instant instant(Map<String, Object> body, String name) {
		return Instant.ofEpochSecond(longValue(body, name));
	}

}
