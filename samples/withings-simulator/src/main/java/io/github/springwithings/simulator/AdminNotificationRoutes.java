package io.github.springwithings.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import static io.github.springwithings.simulator.AdminJson.json;
import static io.github.springwithings.simulator.AdminJson.longValue;
import static io.github.springwithings.simulator.AdminJson.ok;
import static io.github.springwithings.simulator.AdminJson.stringValue;
import static io.github.springwithings.simulator.AdminJson.userId;

/**
 * The {@link WithingsAdminApi}'s routes for what users do and the notifications it causes:
 * {@code POST users/{userId}/step-on-scale}, {@code unlink} and {@code notify},
 * {@code GET users/{userId}/subscriptions}, {@code GET notifications} (the delivery log).
 */
final class AdminNotificationRoutes {

	private final WithingsSimulator simulator;

	AdminNotificationRoutes(WithingsSimulator simulator) {
		this.simulator = simulator;
	}

	void contribute(Router router) {
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/step-on-scale", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(stepOnScale(userId(params), body));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/unlink", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return unlink(userId(params));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/notify", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(notifyUser(userId(params), body));
			}
		});
		router.add(RequestMethod.GET, WithingsAdminApi.BASE + "/users/{userId}/subscriptions", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				String userId = userId(params);
				return ok(Map.of("userId", userId, "subscriptions", AdminNotificationRoutes.this.simulator
					.subscriptions(userId)
					.stream()
					.map(AdminNotificationRoutes::subscription)
					.toList()));
			}
		});
		router.add(RequestMethod.GET, WithingsAdminApi.BASE + "/notifications", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				WithingsSimulator simulator = AdminNotificationRoutes.this.simulator;
				Map<String, Object> answer = new LinkedHashMap<>(summary(simulator));
				answer.put("deliveries",
						simulator.deliveries().stream().map(AdminNotificationRoutes::delivery).toList());
				return ok(answer);
			}
		});
	}

	/** {@return how many subscriptions and pending attempts there are} */
	static Map<String, Object> summary(WithingsSimulator simulator) {
		Map<String, Object> notifications = new LinkedHashMap<>();
		notifications.put("subscriptions", simulator.subscriptionCount());
		notifications.put("pendingAttempts", simulator.pendingNotificationAttempts());
		return notifications;
	}

	private Map<String, Object> stepOnScale(String userId, Map<String, Object> body) {
		Object weight = body.get("weightKg");
		if (!(weight instanceof Number number)) {
			throw new IllegalArgumentException("Expected {\"weightKg\":72.5}");
		}
		WithingsSimulator.Weighed weighed = this.simulator.weigh(userId, number.doubleValue());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("userId", userId);
		answer.put("weightKg", number);
		answer.put("date", weighed.date());
		answer.put("notifications", weighed.notifications());
		return answer;
	}

	private ResponseDefinition unlink(String userId) {
		WithingsSimulator.Unlinked unlinked = this.simulator.unlinkUser(userId);
		if (!unlinked.known()) {
			return json(404, Map.of("error", "Unknown user " + userId + ": nothing was issued to it"));
		}
		return ok(Map.of("userId", userId, "unlinked", true, "notifications", unlinked.notifications()));
	}

	private Map<String, Object> notifyUser(String userId, Map<String, Object> body) {
		if (!body.containsKey("appli")) {
			throw new IllegalArgumentException("Expected {\"appli\":44,\"startdate\":..,\"enddate\":..} "
					+ "or {\"appli\":50,\"date\":\"2025-01-31\",\"deviceid\":\"..\"}");
		}
		int appli = (int) longValue(body, "appli");
		Map<String, String> fields = new LinkedHashMap<>();
		for (String name : new String[] { "startdate", "enddate" }) {
			if (body.containsKey(name)) {
				fields.put(name, Long.toString(longValue(body, name)));
			}
		}
		for (String name : new String[] { "date", "deviceid", "action" }) {
			if (body.containsKey(name)) {
				fields.put(name, stringValue(body, name));
			}
		}
		for (String name : body.keySet()) {
			if (!name.equals("appli") && !fields.containsKey(name)) {
				throw new IllegalArgumentException("Unknown field " + name
						+ ": expected appli, startdate, enddate, date, deviceid or action");
			}
		}
		return Map.of("userId", userId, "appli", appli, "notifications",
				this.simulator.notifyUser(userId, appli, fields));
	}

	private static Map<String, Object> subscription(SimulatorSubscription subscription) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("clientId", subscription.clientId());
		answer.put("appli", subscription.appli());
		answer.put("callbackurl", subscription.callbackUrl());
		answer.put("comment", subscription.comment());
		return answer;
	}

	private static Map<String, Object> delivery(SimulatorDelivery delivery) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("notificationId", delivery.notificationId());
		answer.put("attempt", delivery.attempt());
		answer.put("clientId", delivery.clientId());
		answer.put("callbackurl", delivery.callbackUrl());
		answer.put("userId", delivery.userId());
		answer.put("appli", delivery.appli());
		answer.put("fields", delivery.fields());
		answer.put("sentAt", delivery.sentAt().toString());
		answer.put("durationMillis", delivery.duration().toMillis());
		answer.put("httpStatus", delivery.httpStatus());
		answer.put("outcome", delivery.outcome().name());
		answer.put("error", delivery.error());
		return answer;
	}

}
