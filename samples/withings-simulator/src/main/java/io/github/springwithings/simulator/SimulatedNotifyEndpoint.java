package io.github.springwithings.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Withings' {@code /notify} actions for a caller whose access token is valid: {@code subscribe},
 * {@code get}, {@code list}, {@code update} and {@code revoke}, per application and user, each
 * appli needing its scope, each new callback URL checked by the {@link CallbackUrlRules}.
 *
 * <p>Sources: Withings' OpenAPI document for the actions and their parameters, its notification
 * pages for the callback URL rules. The current documentation gives status families only; the
 * specific statuses used here (286, 293, 294, 304) are those of Withings' older API reference,
 * which every peer client still copies, and all lie in the "invalid params" families of the
 * current table. Where nothing is documented the simulator answers the generic 503 "Invalid
 * Params" (as the token endpoint does) or 2554 "Not implemented".
 *
 * <p>Threads: calls run on WireMock's threads; the table is read and written under the
 * {@link SimulatorNotifications}' lock, the callback URL is probed outside it.
 */
final class SimulatedNotifyEndpoint {

	/** Withings' older reference: status 304 for a comment that is "invalid or larger than 255 characters". */
	static final int MAX_COMMENT_LENGTH = 255;

	/** The appli Withings creates when the user unlinks the application (or deletes the account). */
	static final int USER_ACTION_APPLI = 46;

	/**
	 * The categories one subscribes to with a user's access token, and the scope each needs, from
	 * Withings' notification-content page (1 with {@code user.metrics}, ...). The scopes of 54 and
	 * 55 (ECG) are not stated clearly; {@code user.metrics} is assumed. 46 (user actions) is open
	 * to every scope: its documented scope is unclear and {@code user.info} is for partners only.
	 * 53 (no account associated) is subscribed once per application with a signature, not with a
	 * user's token: not simulated.
	 */
	static final Map<Integer, String> APPLI_SCOPES = Map.ofEntries(Map.entry(1, "user.metrics"),
			Map.entry(2, "user.metrics"), Map.entry(4, "user.metrics"), Map.entry(16, "user.activity"),
			Map.entry(44, "user.activity"), Map.entry(USER_ACTION_APPLI, ""), Map.entry(50, "user.sleepevents"),
			Map.entry(51, "user.sleepevents"), Map.entry(52, "user.sleepevents"), Map.entry(54, "user.metrics"),
			Map.entry(55, "user.metrics"), Map.entry(58, "user.metrics"));

	/** Older reference: "The callback URL is either absent or incorrect"; seen live on failed probes. */
	static final int CALLBACK_INVALID = 293;

	/** Older reference: "No such subscription was found". */
	static final int NO_SUCH_SUBSCRIPTION = 286;

	/** Older reference: "No such subscription could be deleted". */
	static final int NOTHING_REVOKED = 294;

	/** Older reference: "The comment is either absent or incorrect". */
	static final int COMMENT_INVALID = 304;

	/** Generic "invalid params" (the family of 501..511; the token endpoint's status). */
	static final int INVALID_PARAMS = 503;

	/** "Unauthorized", as {@code getmeas} answers a token without the scope. */
	static final int UNAUTHORIZED = 214;

	static final int NOT_IMPLEMENTED = 2554;

	private final Object lock;

	private final SimulatorCounters counters;

	private final SubscriptionTable subscriptions;

	private final CallbackUrlRules callbackUrls;

	SimulatedNotifyEndpoint(Object lock, SimulatorCounters counters, SubscriptionTable subscriptions,
			CallbackUrlRules callbackUrls) {
		this.lock = lock;
		this.counters = counters;
		this.subscriptions = subscriptions;
		this.callbackUrls = callbackUrls;
	}

	/**
	 * {@code POST /notify}, for a caller whose access token is valid.
	 * @param caller the application and user of the access token
	 * @param form the form parameters
	 * @return Withings' answer
	 */
	SimulatorResponse handle(SimulatorNotifications.Caller caller, Map<String, String> form) {
		this.counters.notifyRequests.incrementAndGet();
		String action = form.get("action");
		if (action == null) {
			return error(NOT_IMPLEMENTED, "Not implemented: action is required");
		}
		return switch (action) {
			case "subscribe" -> subscribe(caller, form);
			case "get" -> get(caller, form);
			case "list" -> list(caller, form);
			case "update" -> update(caller, form);
			case "revoke" -> revoke(caller, form);
			default -> error(NOT_IMPLEMENTED, "Not implemented: unknown action " + action);
		};
	}

	private SimulatorResponse subscribe(SimulatorNotifications.Caller caller, Map<String, String> form) {
		if (form.containsKey("signature") || form.containsKey("nonce")) {
			// Withings: signature and nonce are for appli 53 only, "DO NOT USE WITH" an access token
			return error(INVALID_PARAMS, "Invalid Params: signature and nonce are not used with an access token");
		}
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		SimulatorResponse appliError = appliError(caller, form.get("appli"), true);
		if (appliError != null) {
			return appliError;
		}
		int appli = Integer.parseInt(form.get("appli"));
		String comment = form.get("comment");
		if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
			return error(COMMENT_INVALID, "The comment is either absent or incorrect");
		}
		SimulatorResponse refused = this.callbackUrls.check(callbackUrl);
		if (refused != null) {
			return refused;
		}
		synchronized (this.lock) {
			// Withings keeps a second subscription for the same user, callback and appli ("if
			// multiple subscriptions were made ... only one will be updated"): so does the simulator
			this.subscriptions
				.add(new SubscriptionTable.Entry(caller.clientId(), caller.userId(), appli, callbackUrl, comment));
		}
		return ok(Map.of());
	}

	private SimulatorResponse get(SimulatorNotifications.Caller caller, Map<String, String> form) {
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		// Withings: "If no appli is specified, appli=1 will be considered"
		String appliValue = form.getOrDefault("appli", "1");
		Integer appli = parseAppli(appliValue);
		if (appli == null) {
			return error(INVALID_PARAMS, "Invalid Params: invalid appli " + appliValue);
		}
		synchronized (this.lock) {
			// "Returns the last notification service that was subscribed for a user and for a given appli"
			SubscriptionTable.Entry entry = this.subscriptions.last(caller, callbackUrl, appli);
			if (entry == null) {
				return error(NO_SUCH_SUBSCRIPTION, "No such subscription was found");
			}
			return ok(profile(entry));
		}
	}

	private SimulatorResponse list(SimulatorNotifications.Caller caller, Map<String, String> form) {
		Integer appli = null;
		if (form.containsKey("appli")) {
			appli = parseAppli(form.get("appli"));
			if (appli == null) {
				return error(INVALID_PARAMS, "Invalid Params: invalid appli " + form.get("appli"));
			}
		}
		List<Map<String, Object>> profiles = new ArrayList<>();
		synchronized (this.lock) {
			for (SubscriptionTable.Entry entry : this.subscriptions.of(caller, appli)) {
				profiles.add(profile(entry));
			}
		}
		return ok(Map.of("profiles", profiles));
	}

	private SimulatorResponse update(SimulatorNotifications.Caller caller, Map<String, String> form) {
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		Integer appli = parseAppli(form.get("appli"));
		if (appli == null) {
			return error(INVALID_PARAMS, "Invalid Params: appli is required (" + form.get("appli") + ")");
		}
		String newCallbackUrl = form.get("new_callbackurl");
		String newAppliValue = form.get("new_appli");
		String comment = form.get("comment");
		// Withings: new_callbackurl, new_appli and comment are each "DO NOT USE WITH" the others
		int changes = ((newCallbackUrl != null) ? 1 : 0) + ((newAppliValue != null) ? 1 : 0)
				+ ((comment != null) ? 1 : 0);
		if (changes != 1) {
			return error(INVALID_PARAMS, "Invalid Params: give exactly one of new_callbackurl, new_appli and comment");
		}
		synchronized (this.lock) {
			if (this.subscriptions.last(caller, callbackUrl, appli) == null) {
				return error(NO_SUCH_SUBSCRIPTION, "No such subscription was found");
			}
		}
		if (newAppliValue != null) {
			SimulatorResponse appliError = appliError(caller, newAppliValue, false);
			if (appliError != null) {
				return appliError;
			}
		}
		if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
			return error(COMMENT_INVALID, "The comment is either absent or incorrect");
		}
		if (newCallbackUrl != null) {
			SimulatorResponse refused = this.callbackUrls.check(newCallbackUrl);
			if (refused != null) {
				return refused;
			}
		}
		synchronized (this.lock) {
			// "If multiple subscriptions were made ..., only one of the subscriptions will be updated":
			// the last one, the one get shows
			SubscriptionTable.Entry entry = this.subscriptions.last(caller, callbackUrl, appli);
			if (entry == null) {
				return error(NO_SUCH_SUBSCRIPTION, "No such subscription was found");
			}
			if (newCallbackUrl != null) {
				entry.callbackUrl = newCallbackUrl;
			}
			else if (newAppliValue != null) {
				entry.appli = Integer.parseInt(newAppliValue);
			}
			else {
				entry.comment = comment;
			}
			entry.failures = 0;
		}
		return ok(Map.of());
	}

	private SimulatorResponse revoke(SimulatorNotifications.Caller caller, Map<String, String> form) {
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		Integer appli = null;
		if (form.containsKey("appli")) {
			appli = parseAppli(form.get("appli"));
			if (appli == null) {
				return error(INVALID_PARAMS, "Invalid Params: invalid appli " + form.get("appli"));
			}
		}
		Integer only = appli;
		boolean removed;
		synchronized (this.lock) {
			// without appli, every category of that callback URL: Withings' summary says "Disables
			// all notifications for a given user" (the docs leave this case open)
			removed = this.subscriptions.remove(caller, callbackUrl, only);
		}
		return removed ? ok(Map.of()) : error(NOTHING_REVOKED, "No such subscription could be deleted");
	}

	private SimulatorResponse appliError(SimulatorNotifications.Caller caller, String value, boolean required) {
		if (value == null && required) {
			return error(INVALID_PARAMS, "Invalid Params: appli is required");
		}
		Integer appli = parseAppli(value);
		if (appli != null && appli == 53) {
			return error(INVALID_PARAMS, "Invalid Params: appli 53 is subscribed once per application with a "
					+ "signature and no access token (not simulated)");
		}
		if (appli == null || !APPLI_SCOPES.containsKey(appli)) {
			return error(INVALID_PARAMS, "Invalid Params: unknown appli " + value);
		}
		String scope = APPLI_SCOPES.get(appli);
		if (!scope.isEmpty() && !caller.scopes().contains(scope)) {
			return error(UNAUTHORIZED, "Unauthorized: appli " + appli + " needs scope " + scope);
		}
		return null;
	}

	private static Integer parseAppli(String value) {
		if (value == null || value.isEmpty() || value.length() > 4 || !value.chars().allMatch(Character::isDigit)) {
			return null;
		}
		return Integer.valueOf(value);
	}

	private static Map<String, Object> profile(SubscriptionTable.Entry entry) {
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("appli", entry.appli);
		profile.put("callbackurl", entry.callbackUrl);
		if (entry.comment != null) {
			profile.put("comment", entry.comment);
		}
		return profile;
	}

	private static SimulatorResponse ok(Map<String, ?> body) {
		return SimulatorResponse.envelope(0, body, null);
	}

	private static SimulatorResponse error(int status, String error) {
		return SimulatorResponse.envelope(status, Map.of(), error);
	}

}
