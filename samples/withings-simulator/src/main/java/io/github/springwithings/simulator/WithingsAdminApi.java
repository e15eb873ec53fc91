package io.github.springwithings.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.github.tomakehurst.wiremock.admin.AdminTask;
import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.url.PathParams;
import com.github.tomakehurst.wiremock.core.Admin;
import com.github.tomakehurst.wiremock.extension.AdminApiExtension;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator's HTTP admin API, so that an application or a test in another process can drive
 * it: WireMock admin routes under {@code /__admin/withings}, JSON in and out. Errors are answered
 * {@code 400} (or {@code 404} for an unknown user) with {@code {"error":"..."}}.
 *
 * <dl>
 * <dt>{@code GET /__admin/withings/state}</dt>
 * <dd>{@code {"baseUrl":..,"clock":{"instant":"2025-..Z","offset":"PT3H","offsetSeconds":10800},
 * "counters":{"nonceRequests":0,"authorizationCodeGrants":1,"refreshTokenGrants":0,"deadChainUses":0,
 * "tooManyRequests":0,"rejectedTokenRequests":0,"revocations":0,"recoveries":0,"dataRequests":2,
 * "unauthorizedDataRequests":0,"notifyRequests":0,"callbackProbes":0,"refusedCallbacks":0,
 * "notificationsSent":0,"notificationAttempts":0,"notificationsAcknowledged":0,"notificationsAbandoned":0,"actionlessRequests":0},
 * "faults":{"MEASURE":1},"consent":{"mode":"account","account":"alice","userId":"6..","deny":false,"page":true,
 * "accounts":{"alice":"6.."}},"notifications":{"subscriptions":1,"pendingAttempts":0}}}</dd>
 * <dt>{@code POST /__admin/withings/clock/advance}</dt>
 * <dd>{@code {"seconds":10800}} or {@code {"duration":"PT3H5M"}} (forward only); answers the clock.</dd>
 * <dt>{@code POST /__admin/withings/faults}</dt>
 * <dd>{@code {"endpoint":"OAUTH2","type":"httpStatus","status":502,"times":1,"afterProcessing":false}}: queue a
 * fault on the next request(s) to an endpoint ({@code AUTHORIZE}, {@code SIGNATURE}, {@code OAUTH2},
 * {@code MEASURE}, {@code NOTIFY} or its path, e.g. {@code /v2/oauth2}). Types: {@code httpStatus} ({@code status}),
 * {@code delay} ({@code millis} or {@code duration}), {@code nonJson}, {@code emptyBody},
 * {@code truncatedBody}, {@code connectionReset}, {@code withingsStatus} ({@code status}, {@code error}),
 * {@code tooManyRequests} ({@code waitSeconds}: the same arguments twice), {@code rateLimited}
 * ({@code waitSeconds}: the application's rate limit). {@code times} (default 1) queues that many;
 * {@code afterProcessing} lets Withings do the work first. Answers the pending faults.</dd>
 * <dt>{@code DELETE /__admin/withings/faults}</dt>
 * <dd>Forget the pending faults.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/revoke}</dt>
 * <dd>The user removes the application in Withings: all of that user's tokens die. {@code 404} when
 * nothing was ever issued to that user.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/step-on-scale}</dt>
 * <dd>{@code {"weightKg":72.5}}: {@link WithingsSimulator#stepOnScale}, a weight recorded now and appli 1
 * subscribers notified; answers {@code {"userId":..,"weightKg":72.5,"date":<unix s>,"notifications":1}}.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/unlink}</dt>
 * <dd>{@link WithingsSimulator#unlink}: the user's tokens die, subscriptions go, appli 46 subscribers get
 * {@code action=unlink}; answers {@code {"userId":..,"unlinked":true,"notifications":1}}, {@code 404} for a
 * user the simulator knows nothing of.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/notify}</dt>
 * <dd>{@code {"appli":44,"startdate":1735689600,"enddate":1735776000}} or
 * {@code {"appli":50,"date":"2025-01-31","deviceid":"abc"}} ({@code action} too):
 * {@link WithingsSimulator#notifyUser(String, int, Map)}; answers the number of notifications.</dd>
 * <dt>{@code GET /__admin/withings/users/{userId}/subscriptions}</dt>
 * <dd>{@code {"userId":..,"subscriptions":[{"clientId":..,"appli":1,"callbackurl":..,"comment":..}]}}.</dd>
 * <dt>{@code GET /__admin/withings/notifications}</dt>
 * <dd>{@code {"subscriptions":1,"pendingAttempts":0,"deliveries":[{"notificationId":1,"attempt":1,
 * "clientId":..,"callbackurl":..,"userId":..,"appli":1,"fields":{"userid":..,"appli":"1",..},"sentAt":..,
 * "durationMillis":12,"httpStatus":200,"outcome":"ACKNOWLEDGED","error":null}]}}.</dd>
 * <dt>{@code POST /__admin/withings/consent}</dt>
 * <dd>Who consents next, and how, any of: {@code {"account":"alice"}} (a stable user id),
 * {@code {"userId":"363"}}, {@code {"newUser":true}} (the default: a new user per consent),
 * {@code {"deny":true}} (the user clicks Deny), {@code {"page":false}} (approve at once instead of
 * showing the form). Answers the consent state.</dd>
 * <dt>{@code GET /__admin/withings/accounts/{account}}</dt>
 * <dd>{@code {"account":"alice","userId":"6.."}}.</dd>
 * <dt>{@code POST /__admin/withings/reset}</dt>
 * <dd>{@link WithingsSimulator#reset()}; answers the state.</dd>
 * <dt>{@code POST /__admin/shutdown}</dt>
 * <dd>WireMock's own: stops the simulator.</dd>
 * </dl>
 */
final class WithingsAdminApi implements AdminApiExtension {

	static final String BASE = "/withings";

	private final JsonMapper json = JsonMapper.builder().build();

	private final WithingsSimulator simulator;

	WithingsAdminApi(WithingsSimulator simulator) {
		this.simulator = simulator;
	}

	@Override
	public String getName() {
		return "withings-simulator-admin";
	}

	@Override
	public void contributeAdminApiRoutes(Router router) {
		// one class per route: WireMock finds a task's path template by the task's class
		router.add(RequestMethod.GET, BASE + "/state", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(state());
			}
		});
		router.add(RequestMethod.POST, BASE + "/clock/advance", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(advance(body));
			}
		});
		router.add(RequestMethod.POST, BASE + "/faults", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(injectFault(body));
			}
		});
		router.add(RequestMethod.DELETE, BASE + "/faults", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				WithingsAdminApi.this.simulator.clearFaults();
				return ok(Map.of("faults", faults()));
			}
		});
		router.add(RequestMethod.POST, BASE + "/users/{userId}/revoke", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return revoke(params.get("userId"));
			}
		});
		router.add(RequestMethod.POST, BASE + "/consent", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(consent(body));
			}
		});
		router.add(RequestMethod.GET, BASE + "/accounts/{account}", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				String account = SimulatorAccounts
					.normalize(URLDecoder.decode(params.get("account"), StandardCharsets.UTF_8));
				return ok(Map.of("account", account, "userId", WithingsAdminApi.this.simulator.accountUserId(account)));
			}
		});
		router.add(RequestMethod.POST, BASE + "/users/{userId}/step-on-scale", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(stepOnScale(userId(params), body));
			}
		});
		router.add(RequestMethod.POST, BASE + "/users/{userId}/unlink", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return unlink(userId(params));
			}
		});
		router.add(RequestMethod.POST, BASE + "/users/{userId}/notify", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(notifyUser(userId(params), body));
			}
		});
		router.add(RequestMethod.GET, BASE + "/users/{userId}/subscriptions", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				String userId = userId(params);
				return ok(Map.of("userId", userId, "subscriptions",
						WithingsAdminApi.this.simulator.subscriptions(userId).stream().map(WithingsAdminApi::subscription).toList()));
			}
		});
		router.add(RequestMethod.GET, BASE + "/notifications", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				Map<String, Object> answer = new LinkedHashMap<>(notifications());
				answer.put("deliveries",
						WithingsAdminApi.this.simulator.deliveries().stream().map(WithingsAdminApi::delivery).toList());
				return ok(answer);
			}
		});
		router.add(RequestMethod.POST, BASE + "/reset", new Route() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				WithingsAdminApi.this.simulator.reset();
				return ok(state());
			}
		});
	}

	private Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("baseUrl", this.simulator.baseUrl());
		state.put("clock", clock());
		state.put("counters", this.simulator.counters().asMap());
		state.put("faults", faults());
		state.put("consent", this.simulator.consentState());
		state.put("notifications", notifications());
		return state;
	}

	private Map<String, Object> notifications() {
		Map<String, Object> notifications = new LinkedHashMap<>();
		notifications.put("subscriptions", this.simulator.subscriptionCount());
		notifications.put("pendingAttempts", this.simulator.pendingNotificationAttempts());
		return notifications;
	}

	private static String userId(Map<String, String> params) {
		String userId = params.get("userId");
		if (userId == null || userId.isEmpty() || !userId.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("A Withings user id is numeric");
		}
		return userId;
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

	private Map<String, Object> clock() {
		Map<String, Object> clock = new LinkedHashMap<>();
		clock.put("instant", this.simulator.clock().instant().toString());
		clock.put("offset", this.simulator.clock().offset().toString());
		clock.put("offsetSeconds", this.simulator.clock().offset().toSeconds());
		return clock;
	}

	private Map<String, Integer> faults() {
		Map<String, Integer> faults = new LinkedHashMap<>();
		this.simulator.pendingFaults().forEach((endpoint, count) -> faults.put(endpoint.name(), count));
		return faults;
	}

	private Map<String, Object> advance(Map<String, Object> body) {
		Duration duration;
		if (body.containsKey("seconds")) {
			duration = Duration.ofSeconds(longValue(body, "seconds"));
		}
		else if (body.containsKey("duration")) {
			duration = duration(body, "duration");
		}
		else {
			throw new IllegalArgumentException("Expected {\"seconds\":10800} or {\"duration\":\"PT3H\"}");
		}
		if (duration.isNegative()) {
			throw new IllegalArgumentException("The simulator's clock only moves forward");
		}
		this.simulator.clock().advance(duration);
		return Map.of("clock", clock());
	}

	private Map<String, Object> injectFault(Map<String, Object> body) {
		SimulatorEndpoint endpoint = endpoint(stringValue(body, "endpoint"));
		SimulatorFault fault = fault(body);
		if (body.containsKey("afterProcessing") && booleanValue(body, "afterProcessing")) {
			fault = fault.afterProcessing();
		}
		long times = body.containsKey("times") ? longValue(body, "times") : 1;
		if (times < 1 || times > 1000) {
			throw new IllegalArgumentException("times must be between 1 and 1000");
		}
		for (long i = 0; i < times; i++) {
			this.simulator.injectFault(endpoint, fault);
		}
		return Map.of("faults", faults());
	}

	private static SimulatorEndpoint endpoint(String value) {
		for (SimulatorEndpoint endpoint : SimulatorEndpoint.values()) {
			if (endpoint.name().equalsIgnoreCase(value) || endpoint.path().equals(value)) {
				return endpoint;
			}
		}
		throw new IllegalArgumentException("Unknown endpoint " + value + ": expected AUTHORIZE, SIGNATURE, OAUTH2, "
				+ "MEASURE, MEASURE_V2, SLEEP, HEART, USER, NOTIFY or their paths");
	}

	private static SimulatorFault fault(Map<String, Object> body) {
		String type = stringValue(body, "type");
		return switch (type) {
			case "httpStatus" -> SimulatorFault.httpStatus(httpStatus(body));
			case "delay" -> SimulatorFault.delay(delay(body));
			case "nonJson" -> SimulatorFault.nonJson();
			case "emptyBody" -> SimulatorFault.emptyBody();
			case "truncatedBody" -> SimulatorFault.truncatedBody();
			case "connectionReset" -> SimulatorFault.connectionReset();
			case "withingsStatus" -> SimulatorFault.withingsStatus((int) longValue(body, "status"),
					body.containsKey("error") ? stringValue(body, "error") : null);
			case "tooManyRequests" -> SimulatorFault.tooManyRequests((int) longValue(body, "waitSeconds"));
			case "rateLimited" -> SimulatorFault.rateLimited((int) longValue(body, "waitSeconds"));
			default -> throw new IllegalArgumentException("Unknown fault type " + type + ": expected httpStatus, delay, "
					+ "nonJson, emptyBody, truncatedBody, connectionReset, withingsStatus, tooManyRequests or rateLimited");
		};
	}

	private static Duration delay(Map<String, Object> body) {
		Duration delay = body.containsKey("millis") ? Duration.ofMillis(longValue(body, "millis"))
				: duration(body, "duration");
		if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalArgumentException("A delay lasts between 0 and 5 minutes");
		}
		return delay;
	}

	private static int httpStatus(Map<String, Object> body) {
		long status = longValue(body, "status");
		if (status < 100 || status > 599) {
			throw new IllegalArgumentException("status must be an HTTP status");
		}
		return (int) status;
	}

	private ResponseDefinition revoke(String userId) {
		if (!userId.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("A Withings user id is numeric");
		}
		if (!this.simulator.revokeUser(userId)) {
			return json(404, Map.of("error", "Unknown user " + userId + ": nothing was issued to it"));
		}
		return ok(Map.of("userId", userId, "revoked", true));
	}

	private Map<String, Object> consent(Map<String, Object> body) {
		int who = (body.containsKey("account") ? 1 : 0) + (body.containsKey("userId") ? 1 : 0)
				+ (body.containsKey("newUser") ? 1 : 0);
		if (who > 1) {
			throw new IllegalArgumentException("Give one of account, userId and newUser");
		}
		if (who == 0 && !body.containsKey("deny") && !body.containsKey("page")) {
			throw new IllegalArgumentException("Expected account, userId, newUser, deny or page");
		}
		if (body.containsKey("account")) {
			this.simulator.consentAs(SimulatorAccounts.normalize(stringValue(body, "account")));
		}
		else if (body.containsKey("userId")) {
			String userId = stringOrNumber(body, "userId");
			if (userId.isEmpty() || !userId.chars().allMatch(Character::isDigit)) {
				throw new IllegalArgumentException("A Withings user id is numeric");
			}
			this.simulator.setConsentingUserId(userId);
		}
		else if (body.containsKey("newUser")) {
			if (!Boolean.TRUE.equals(booleanValue(body, "newUser"))) {
				throw new IllegalArgumentException("newUser can only be true");
			}
			this.simulator.consentAsNewUsers();
		}
		if (body.containsKey("deny")) {
			this.simulator.setDenyConsent(booleanValue(body, "deny"));
		}
		if (body.containsKey("page")) {
			this.simulator.setConsentPage(booleanValue(body, "page"));
		}
		return Map.of("consent", this.simulator.consentState());
	}

	// --- JSON -----------------------------------------------------------------------------------

	@SuppressWarnings("unchecked")
	private Map<String, Object> body(String body) {
		if (body == null || body.isBlank()) {
			return Map.of();
		}
		Object value = this.json.readValue(body, Object.class);
		if (!(value instanceof Map)) {
			throw new IllegalArgumentException("Expected a JSON object");
		}
		return (Map<String, Object>) value;
	}

	private ResponseDefinition ok(Map<String, ?> body) {
		return json(200, body);
	}

	private ResponseDefinition json(int status, Map<String, ?> body) {
		return ResponseDefinitionBuilder.responseDefinition()
			.withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(this.json.writeValueAsString(body))
			.build();
	}

	private static String stringValue(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (!(value instanceof String text)) {
			throw new IllegalArgumentException(name + " must be a string");
		}
		return text;
	}

	private static String stringOrNumber(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (value instanceof Number number) {
			return String.valueOf(number.longValue());
		}
		return stringValue(body, name);
	}

	private static long longValue(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (!(value instanceof Integer || value instanceof Long)) {
			throw new IllegalArgumentException(name + " must be an integer");
		}
		return ((Number) value).longValue();
	}

	private static Boolean booleanValue(Map<String, Object> body, String name) {
		Object value = body.get(name);
		if (!(value instanceof Boolean bool)) {
			throw new IllegalArgumentException(name + " must be true or false");
		}
		return bool;
	}

	private static Duration duration(Map<String, Object> body, String name) {
		String value = stringValue(body, name);
		try {
			return Duration.parse(value.toUpperCase(Locale.ROOT));
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT3H");
		}
	}

	/** A route of the admin API: JSON body in, JSON out, argument errors answered 400. */
	private abstract class Route implements AdminTask {

		@Override
		public ResponseDefinition execute(Admin admin, ServeEvent serveEvent, PathParams pathParams) {
			try {
				return handle(body(serveEvent.getRequest().getBodyAsString()), pathParams);
			}
			catch (IllegalArgumentException | JacksonException ex) {
				return json(400, Map.of("error", String.valueOf(ex.getMessage())));
			}
		}

		abstract ResponseDefinition handle(Map<String, Object> body, Map<String, String> params);

	}

}
