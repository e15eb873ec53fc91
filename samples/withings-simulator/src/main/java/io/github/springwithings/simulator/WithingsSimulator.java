package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * A strict, stateful stand-in for Withings' OAuth2 and data API, built on WireMock.
 *
 * <p>It plays the consent page ({@code /oauth2_user/authorize2}, auto-approving for a configurable
 * user, or an HTML form when {@link #setConsentPage(boolean) enabled}), nonces
 * ({@code /v2/signature}), tokens ({@code /v2/oauth2 action=requesttoken}), the
 * data calls ({@code /measure getmeas} with paging and {@code lastupdate}, {@code /v2/measure getactivity}
 * and {@code getworkouts}, {@code /v2/sleep getsummary}, {@code /v2/heart list}, {@code /v2/user getdevice},
 * each with deterministic per-user data and its scope) and notification subscriptions ({@code /notify}), and
 * checks what real Withings checks: form-encoded
 * bodies, a registered client id, the secret or a single-use nonce with a valid HMAC signature,
 * single-use 30-second codes bound to their redirect URI, known comma-separated scopes, refresh
 * token rotation (the old refresh token dies 8 hours after rotation or as soon as the new access
 * token is used) and the 10-second same-arguments rule (status 601). Every answer is HTTP 200 with
 * the {@code {"status":..,"body":..}} envelope, as Withings does.
 *
 * <p>Data: each user's generated history (60 days of weighings, activity, nights, workouts and
 * ECGs) ends when the simulator first serves or records data for that user (since the start or
 * {@link #reset()}), and never moves afterwards: every row keeps its dates and {@code modified},
 * whatever the clock does, so a {@code lastupdate} call (strictly after, as Withings) only sees
 * what changed. Changes are explicit, each {@code modified} now on the simulator's clock and
 * notified as Withings notifies it: {@link #stepOnScale} and {@link #changeMeasure} (appli 1),
 * {@link #recordActivity} and {@link #recordWorkout} (16), {@link #recordSleep} (44),
 * {@link #recordHeartRecording} (54); {@link #recordMeasures} and {@link #recordObjective} record
 * without notifying. {@link #dropNotifications} loses the next notifications of a user, as a broken
 * callback URL or an outage would, while the data still changes.
 *
 * <p>Notifications: {@code /notify} {@code subscribe}, {@code get}, {@code list}, {@code update}
 * and {@code revoke}, per application and user (from the bearer token), each appli needing its
 * scope (1 {@code user.metrics}, 16 {@code user.activity}, ...). On {@code subscribe} (and an
 * {@code update} to a new URL) the callback URL is probed with a real {@code HEAD} and refused
 * with status 293 unless it answers 2xx within two seconds; {@link #setStrictCallbackUrls(boolean)}
 * also refuses what production Withings refuses (plain HTTP, localhost, IP addresses, other ports
 * than 80 and 443). {@link #stepOnScale(String, double)} records a weight that {@code getmeas}
 * shows and notifies appli 1 subscribers; {@link #notifyUser(String, int, Instant, Instant)} any
 * category; {@link #unlink(String)} kills the user's tokens and sends appli 46
 * {@code action=unlink}. Delivery is a form POST from a simulator thread, acknowledged by a 2xx
 * within two seconds, otherwise retried as Withings does (2 tries, then after 10 s, 1 min, 1 h and
 * 4 h on the simulator's clock: {@link SimulatorClock#advance advancing} it brings a retry
 * forward). Tests wait with {@link #awaitAcknowledgedNotifications(int, Duration)} or
 * {@link #awaitDeliveryAttempts(int, Duration)} and read {@link #deliveries()}.
 *
 * <p>Who consents: by default every consent is a new Withings user (ids {@code 36000001},
 * {@code 36000002}, ...). A named account is one stable user id, derived from its name (the same
 * across restarts, in {@code 50000000..89999999}): chosen per request with a {@code login_hint}
 * query parameter on the authorization URL, for every next consent with {@link #consentAs(String)},
 * or typed on the consent page. {@link #setConsentingUserId(String)} fixes a numeric id instead.
 *
 * <p>Another process drives it over HTTP (JSON in and out, WireMock's admin API extended):
 * <ul>
 * <li>{@code GET /__admin/withings/state}: base URL, clock, counters, pending faults, who consents</li>
 * <li>{@code POST /__admin/withings/clock/advance} {@code {"seconds":10800}} or {@code {"duration":"PT3H"}}</li>
 * <li>{@code POST /__admin/withings/faults}
 * {@code {"endpoint":"MEASURE","type":"httpStatus","status":500,"times":2}}; {@code DELETE} clears them</li>
 * <li>{@code POST /__admin/withings/users/{userId}/revoke}: the user removes the application</li>
 * <li>{@code POST /__admin/withings/users/{userId}/step-on-scale} {@code {"weightKg":72.5}}: a new weight,
 * appli 1 subscribers notified</li>
 * <li>{@code POST /__admin/withings/users/{userId}/unlink}: tokens revoked, appli 46 {@code action=unlink}
 * sent</li>
 * <li>{@code POST /__admin/withings/users/{userId}/notify} {@code {"appli":44,"startdate":..,"enddate":..}}</li>
 * <li>{@code POST /__admin/withings/users/{userId}/activity} {@code {"date":"2026-12-07","steps":1234}},
 * {@code .../sleep} {@code {"start":..,"end":..}}, {@code .../workouts} {@code {"category":1,"start":..,"end":..}},
 * {@code .../heart} {@code {"timestamp":..}}, {@code .../measures/{grpid}} {@code {"weightKg":71.2}}: data changed
 * now and notified</li>
 * <li>{@code POST /__admin/withings/users/{userId}/drop-notifications} {@code {"count":1}}</li>
 * <li>{@code GET /__admin/withings/users/{userId}/subscriptions}, {@code GET /__admin/withings/notifications}
 * (the delivery log)</li>
 * <li>{@code POST /__admin/withings/consent} {@code {"account":"alice"}}, {@code {"userId":"363"}},
 * {@code {"newUser":true}}, {@code {"deny":true}}, {@code {"page":false}}</li>
 * <li>{@code GET /__admin/withings/accounts/{account}}: the account's user id</li>
 * <li>{@code POST /__admin/withings/reset}: {@link #reset()}</li>
 * <li>{@code POST /__admin/shutdown}: WireMock's own, stops the simulator</li>
 * </ul>
 *
 * <pre class="code">
 * try (WithingsSimulator withings = WithingsSimulator.start()) {
 *     withings.registerClient("id", "secret");
 *     String apiBaseUri = withings.baseUrl();
 *     withings.consentAs("alice");
 *     withings.clock().advance(Duration.ofHours(4));
 *     withings.revokeUser(withings.accountUserId("alice"));
 *     // notifications: the application subscribed with /notify action=subscribe
 *     withings.stepOnScale(withings.accountUserId("bob"), 72.5);
 *     withings.awaitAcknowledgedNotifications(1, Duration.ofSeconds(10));
 *     withings.unlink(withings.accountUserId("bob"));
 * }
 * </pre>
 */
public final class WithingsSimulator implements AutoCloseable {

	/** Client id registered by {@link #start()}. */
	public static final String DEFAULT_CLIENT_ID = "simulator-client-id";

	/** Client secret registered by {@link #start()}. */
	public static final String DEFAULT_CLIENT_SECRET = "simulator-client-secret";

	private final SimulatorClock clock = new SimulatorClock();

	private final SimulatorCounters counters = new SimulatorCounters();

	private final SimulatorNotifications notifications = new SimulatorNotifications(this.clock, this.counters);

	private final WithingsBackend backend = new WithingsBackend(this.clock, this.counters, this.notifications);

	private final WithingsTransformer transformer = new WithingsTransformer(this.backend);

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final WireMockServer server;

	private WithingsSimulator(int port) {
		WireMockConfiguration options = WireMockConfiguration.options()
			.port(port)
			.bindAddress("127.0.0.1")
			.containerThreads(64)
			.jettyAcceptors(2)
			.extensions(this.transformer, new WithingsAdminApi(this));
		this.server = new WireMockServer(options) {

			// also reached by POST /__admin/shutdown
			@Override
			public void stop() {
				try {
					WithingsSimulator.this.notifications.shutdown();
					super.stop();
				}
				finally {
					WithingsSimulator.this.stopped.countDown();
				}
			}

		};
		this.server.stubFor(WireMock.any(WireMock.anyUrl())
			.willReturn(WireMock.aResponse().withTransformers(WithingsTransformer.NAME)));
		this.backend.registerClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
	}

	/**
	 * Start a simulator on a free port, with {@link #DEFAULT_CLIENT_ID} registered.
	 * @return the running simulator
	 */
	public static WithingsSimulator start() {
		return start(0);
	}

	/**
	 * Start a simulator on the given port ({@code 0} for a free one).
	 * @param port the port
	 * @return the running simulator
	 */
	public static WithingsSimulator start(int port) {
		return start(port, false);
	}

	/**
	 * Start a simulator on the given port, with or without the consent form (also after
	 * {@link #reset()}).
	 */
	static WithingsSimulator start(int port, boolean consentPage) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be between 0 and 65535");
		}
		WithingsSimulator simulator = new WithingsSimulator(port);
		simulator.backend.setConsentPageByDefault(consentPage);
		simulator.server.start();
		return simulator;
	}

	/**
	 * Base URL of both the API and the account host, e.g. {@code http://127.0.0.1:51234}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/**
	 * The port the simulator listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * Register an application (client id and secret).
	 * @param clientId the client id
	 * @param clientSecret the client secret
	 */
	public void registerClient(String clientId, String clientSecret) {
		requireText(clientId, "clientId");
		requireText(clientSecret, "clientSecret");
		this.backend.registerClient(clientId, clientSecret);
	}

	/**
	 * {@return the clock every expiry rule of the simulator uses; move it with
	 * {@link SimulatorClock#advance}}
	 */
	public SimulatorClock clock() {
		return this.clock;
	}

	/** {@return the counters of what the simulator has seen} */
	public SimulatorCounters counters() {
		return this.counters;
	}

	/**
	 * The Withings user who consents on the next visits of the consent page. When unset, each
	 * consent creates a new user. Replaces a {@link #consentAs(String) consenting account}.
	 * @param userId a numeric Withings user id, or {@code null} for a new user per consent
	 */
	public void setConsentingUserId(String userId) {
		this.backend.setConsentingUserId(userId);
	}

	/**
	 * The account that consents on the next visits of the consent page (unless the request
	 * carries a {@code login_hint}): always the same Withings user id,
	 * {@link #accountUserId(String)}. Replaces a {@link #setConsentingUserId(String) consenting
	 * user id}.
	 * @param account the account name (trimmed, case-insensitive)
	 */
	public void consentAs(String account) {
		requireText(account, "account");
		this.backend.consentAs(account);
	}

	/** Back to the default: each consent (without {@code login_hint}) is a new Withings user. */
	public void consentAsNewUsers() {
		this.backend.consentAsNewUsers();
	}

	/**
	 * The Withings user id of a named account: derived from the name, so the same in every
	 * simulator (unless two names collide in one simulator, when the later one gets the next
	 * free id).
	 * @param account the account name (trimmed, case-insensitive)
	 * @return the numeric user id
	 */
	public String accountUserId(String account) {
		requireText(account, "account");
		return this.backend.accountUserId(account);
	}

	/**
	 * Whether the consent page shows an HTML form (an account field, Allow and Deny) instead of
	 * approving at once; off by default, on for the standalone simulator. {@link #setDenyConsent
	 * Denying} still answers at once.
	 * @param consentPage whether to show the form
	 */
	public void setConsentPage(boolean consentPage) {
		this.backend.setConsentPage(consentPage);
	}

	/**
	 * Whether {@code userid} is sent as a JSON string (Withings does both); a number by default.
	 * @param userIdAsString whether to send {@code userid} as a string
	 */
	public void setUserIdAsString(boolean userIdAsString) {
		this.backend.setUserIdAsString(userIdAsString);
	}

	/**
	 * Whether the user denies consent ({@code error=access_denied} is sent back to the app).
	 * @param denyConsent whether to deny consent
	 */
	public void setDenyConsent(boolean denyConsent) {
		this.backend.setDenyConsent(denyConsent);
	}

	/**
	 * Whether {@code recoverauthorizationcode} is allowed (Withings allows it to partners with a
	 * contract); allowed by default. Recovered codes are not bound to a redirect URI.
	 * @param recoveryAllowed whether to allow it
	 */
	public void setRecoveryAllowed(boolean recoveryAllowed) {
		this.backend.setRecoveryAllowed(recoveryAllowed);
	}

	/**
	 * Enforce Withings' application-wide rate limit: more than {@code requests} API, token and
	 * nonce requests within any {@code window} are answered 601 (Withings: 120 per minute). Off
	 * by default, so that tests that are not about it can go fast.
	 * @param requests the number of requests allowed per window, {@code 0} for no limit
	 * @param window the sliding window
	 */
	public void setRateLimit(int requests, Duration window) {
		this.backend.setRateLimit(requests, window);
	}

	/**
	 * Latency added to every answer.
	 * @param latency the latency
	 */
	public void setLatency(Duration latency) {
		this.transformer.setLatency(latency);
	}

	/**
	 * Play {@code fault} on the next request to {@code endpoint} (faults queue up, one per request).
	 * @param endpoint the endpoint
	 * @param fault the fault
	 */
	public void injectFault(SimulatorEndpoint endpoint, SimulatorFault fault) {
		requireNonNull(endpoint, "endpoint");
		requireNonNull(fault, "fault");
		this.transformer.injectFault(endpoint, fault);
	}

	/** Forget the faults not played yet. */
	public void clearFaults() {
		this.transformer.clearFaults();
	}

	/**
	 * The user removes the application in their Withings account, silently: every access and
	 * refresh token of that user dies at once (for every client), codes not yet exchanged are void
	 * and the user's notification subscriptions are removed. No notification is sent (see
	 * {@link #unlink(String)} for the one Withings sends): the application learns it on its next
	 * call (status 401, then {@code invalid refresh_token}).
	 * @param userId the Withings user id
	 * @return whether the simulator had issued anything to that user
	 */
	public boolean revokeUser(String userId) {
		requireText(userId, "userId");
		return this.backend.revokeUser(userId);
	}

	/**
	 * Back to a freshly started simulator: codes, nonces, tokens, every user's data (recordings,
	 * changes, and where their generated history ends: anchored anew when next served), notification
	 * subscriptions, pending and dropped notifications and the delivery log, counters, faults, latency, the
	 * clock's offset and the request journal are cleared (notification settings return to
	 * Withings' defaults); who consents, denial, the consent page
	 * (off; on for the standalone command), {@code userid} format, recovery and rate limit return
	 * to how the simulator started. Registered clients and account ids stay; anonymous user ids
	 * keep counting up.
	 */
	public void reset() {
		this.backend.reset();
		this.notifications.reset();
		this.transformer.clearFaults();
		this.transformer.setLatency(Duration.ZERO);
		this.counters.reset();
		this.clock.reset();
		this.server.resetRequests();
	}

	// --- notifications ------------------------------------------------------------------------

	/**
	 * The user steps on the scale: a weight measure group (type 1, unit -3, category 1) dated now
	 * on the simulator's clock is recorded, which {@code getmeas} returns from now on, and every
	 * application subscribed to appli 1 for that user is notified ({@code userid}, {@code appli=1},
	 * {@code startdate} and {@code enddate} both the measure's date), asynchronously.
	 * @param userId the Withings user id (numeric)
	 * @param weightKg the weight in kilograms (more than 0, less than 1000; kept to the gram)
	 * @return how many notifications were sent: one per subscribed callback URL (not counting
	 * {@link #dropNotifications dropped} ones)
	 */
	public int stepOnScale(String userId, double weightKg) {
		return weigh(userId, weightKg).notifications();
	}

	/** What {@link #stepOnScale} did: the measure's date (Unix seconds) and the notifications sent. */
	record Weighed(long date, int notifications) {
	}

	Weighed weigh(String userId, double weightKg) {
		requireUserId(userId);
		requireWeight(weightKg);
		long date = this.backend.recordWeight(userId, Math.round(weightKg * 1000));
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("startdate", Long.toString(date));
		fields.put("enddate", Long.toString(date));
		return new Weighed(date, this.notifications.notify(userId, 1, fields));
	}

	/**
	 * A measure group of any types (documented or not), dated, created and modified now on the
	 * simulator's clock, that {@code getmeas} returns from now on (also to {@code lastupdate}
	 * calls). Nobody is notified.
	 * @param userId the Withings user id (numeric)
	 * @param measures the group's measures
	 * @return the group's id ({@code grpid})
	 */
	public long recordMeasures(String userId, SimulatorMeasure... measures) {
		requireUserId(userId);
		if (measures.length == 0) {
			throw new IllegalArgumentException("measures must not be empty");
		}
		return this.backend.recordGroup(userId, List.of(measures))[1];
	}

	/**
	 * A user objective (a measure group of category 2, e.g. a target weight), dated, created and
	 * modified now: {@code getmeas} returns it with {@code category=2}, or without a
	 * {@code category} (as Withings mixes objectives into the real measures then), never with
	 * {@code category=1}.
	 * @param userId the Withings user id (numeric)
	 * @param measures the objective's measures
	 * @return the group's id ({@code grpid})
	 */
	public long recordObjective(String userId, SimulatorMeasure... measures) {
		requireUserId(userId);
		if (measures.length == 0) {
			throw new IllegalArgumentException("measures must not be empty");
		}
		return this.backend.recordGroup(userId, 2, List.of(measures))[1];
	}

	/**
	 * An existing measure group changes (the user edits a weighing in the app): same
	 * {@code grpid} and {@code date}, its weight (type 1, unit -3) the new value (a group without
	 * a weight gets one), {@code modified} now on the simulator's clock, so that a
	 * {@code lastupdate} call returns it again; appli 1 subscribers are notified
	 * ({@code startdate} and {@code enddate} both the group's date). Generated groups (ids from
	 * {@code getmeas}) and recorded ones can change.
	 * @param userId the Withings user id (numeric)
	 * @param grpid the measure group's id, as {@code getmeas} answers it
	 * @param weightKg the new weight in kilograms (more than 0, less than 1000; kept to the gram)
	 * @return how many notifications were sent (not counting {@link #dropNotifications dropped} ones)
	 * @throws IllegalArgumentException when the user has no measure group with that id
	 */
	public int changeMeasure(String userId, long grpid, double weightKg) {
		Recorded changed = changeGroup(userId, grpid, weightKg);
		if (changed == null) {
			throw new IllegalArgumentException("User " + userId + " has no measure group " + grpid);
		}
		return changed.notifications();
	}

	/** What a recording did: the row's id ({@code grpid}, {@code id}, {@code signalid}, or 0) and the notifications sent. */
	record Recorded(long id, int notifications) {
	}

	/** {@link #changeMeasure}, or {@code null} when the user has no such group. */
	Recorded changeGroup(String userId, long grpid, double weightKg) {
		requireUserId(userId);
		requireWeight(weightKg);
		Long date = this.backend.changeGroup(userId, grpid, Math.round(weightKg * 1000));
		if (date == null) {
			return null;
		}
		return new Recorded(grpid, this.notifications.notify(userId, 1, period(date, date)));
	}

	/**
	 * The user's tracker syncs a day's activity: the day's row ({@code getactivity}) is created, or
	 * changed when it exists, with that many steps (its distance and calories follow), and
	 * {@code modified} now on the simulator's clock; appli 16 subscribers are notified
	 * ({@code startdate} and {@code enddate} the day's first and last second in the user's time
	 * zone, Europe/Paris).
	 * @param userId the Withings user id (numeric)
	 * @param date the day, in the user's time zone, not after today on the simulator's clock
	 * @param steps the day's steps, not negative
	 * @return how many notifications were sent (not counting {@link #dropNotifications dropped} ones)
	 */
	public int recordActivity(String userId, LocalDate date, int steps) {
		requireUserId(userId);
		requireNonNull(date, "date");
		if (steps < 0) {
			throw new IllegalArgumentException("steps must not be negative");
		}
		if (date.isAfter(LocalDate.ofInstant(this.clock.instant(), SimulatorData.ZONE))) {
			throw new IllegalArgumentException("date must not be after today (" + SimulatorData.ZONE + ")");
		}
		this.backend.recordActivity(userId, date, steps);
		long start = date.atStartOfDay(SimulatorData.ZONE).toEpochSecond();
		long end = date.plusDays(1).atStartOfDay(SimulatorData.ZONE).toEpochSecond() - 1;
		return this.notifications.notify(userId, 16, period(start, end));
	}

	/**
	 * The user's sleep tracker records a night: a sleep summary ({@code v2/sleep getsummary}) from
	 * {@code start} to {@code end}, dated the day it ended (Europe/Paris), created and modified now
	 * on the simulator's clock; appli 44 subscribers are notified ({@code startdate} and
	 * {@code enddate} the night's).
	 * @param userId the Withings user id (numeric)
	 * @param start when the night started
	 * @param end when it ended: after {@code start}, at most 24 hours later, not after now
	 * @return how many notifications were sent (not counting {@link #dropNotifications dropped} ones)
	 */
	public int recordSleep(String userId, Instant start, Instant end) {
		return sleep(userId, start, end).notifications();
	}

	Recorded sleep(String userId, Instant start, Instant end) {
		requireUserId(userId);
		requirePeriod(start, end);
		long id = this.backend.recordSleep(userId, start.getEpochSecond(), end.getEpochSecond());
		return new Recorded(id, this.notifications.notify(userId, 44,
				period(start.getEpochSecond(), end.getEpochSecond())));
	}

	/**
	 * The user records a workout: a row of {@code getworkouts} from {@code start} to {@code end},
	 * dated the day it started (Europe/Paris), modified now on the simulator's clock; appli 16
	 * subscribers are notified ({@code startdate} and {@code enddate} the workout's).
	 * @param userId the Withings user id (numeric)
	 * @param category Withings' workout category, e.g. 1 (walk), 2 (run), 7 (cycling): positive
	 * @param start when the workout started
	 * @param end when it ended: after {@code start}, at most 24 hours later, not after now
	 * @return how many notifications were sent (not counting {@link #dropNotifications dropped} ones)
	 */
	public int recordWorkout(String userId, int category, Instant start, Instant end) {
		return workout(userId, category, start, end).notifications();
	}

	Recorded workout(String userId, int category, Instant start, Instant end) {
		requireUserId(userId);
		if (category < 1) {
			throw new IllegalArgumentException("category must be positive");
		}
		requirePeriod(start, end);
		long id = this.backend.recordWorkout(userId, category, start.getEpochSecond(), end.getEpochSecond());
		return new Recorded(id, this.notifications.notify(userId, 16,
				period(start.getEpochSecond(), end.getEpochSecond())));
	}

	/**
	 * The user records an ECG: a row of {@code v2/heart list} at {@code timestamp} (with a new
	 * {@code ecg.signalid} whose signal {@code v2/heart get} plays), shown from now on; appli 54
	 * subscribers are notified ({@code startdate} and {@code enddate} both the timestamp). Heart
	 * rows have no {@code modified}, as Withings': {@code list} selects them by {@code timestamp}
	 * ({@code startdate}/{@code enddate}).
	 * @param userId the Withings user id (numeric)
	 * @param timestamp when it was recorded, not after now
	 * @return how many notifications were sent (not counting {@link #dropNotifications dropped} ones)
	 */
	public int recordHeartRecording(String userId, Instant timestamp) {
		return heartRecording(userId, timestamp).notifications();
	}

	Recorded heartRecording(String userId, Instant timestamp) {
		requireUserId(userId);
		requireNonNull(timestamp, "timestamp");
		requireNotFuture(timestamp, "timestamp");
		long signalId = this.backend.recordHeartRecording(userId, timestamp.getEpochSecond());
		return new Recorded(signalId, this.notifications.notify(userId, 54,
				period(timestamp.getEpochSecond(), timestamp.getEpochSecond())));
	}

	/**
	 * The next {@code count} notifications about that user are dropped: never delivered, never
	 * logged in {@link #deliveries()}, as when a callback URL broke or either side had an outage.
	 * The data still changes (the recordings and {@link #stepOnScale} still record), and their
	 * methods do not count the dropped ones among the notifications sent. Replaces a count not used
	 * up yet; {@code 0} cancels it; {@link #reset()} forgets it.
	 * @param userId the Withings user id (numeric)
	 * @param count how many of the next notifications to drop, not negative
	 */
	public void dropNotifications(String userId, int count) {
		requireUserId(userId);
		if (count < 0) {
			throw new IllegalArgumentException("count must not be negative");
		}
		this.notifications.drop(userId, count);
	}

	/**
	 * {@return how many notifications were dropped by {@link #dropNotifications(String, int)}
	 * since the start or {@link #reset()}}
	 */
	public int droppedNotifications() {
		return this.counters.notificationsDropped();
	}

	private static Map<String, String> period(long startdate, long enddate) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("startdate", Long.toString(startdate));
		fields.put("enddate", Long.toString(enddate));
		return fields;
	}

	private void requirePeriod(Instant start, Instant end) {
		requireNonNull(start, "start");
		requireNonNull(end, "end");
		if (!end.isAfter(start)) {
			throw new IllegalArgumentException("end must be after start");
		}
		if (Duration.between(start, end).compareTo(Duration.ofDays(1)) > 0) {
			throw new IllegalArgumentException("end must be at most 24 hours after start");
		}
		requireNotFuture(end, "end");
	}

	private void requireNotFuture(Instant instant, String name) {
		if (instant.getEpochSecond() > this.clock.instant().getEpochSecond()) {
			throw new IllegalArgumentException(name + " must not be after now on the simulator's clock");
		}
	}

	private static void requireWeight(double weightKg) {
		if (!(weightKg > 0 && weightKg < 1000)) {
			throw new IllegalArgumentException("weightKg must be more than 0 and less than 1000");
		}
	}

	/**
	 * Rows per page of the paged data actions ({@code getmeas}, {@code getactivity},
	 * {@code getworkouts}, {@code v2/sleep getsummary}, {@code v2/heart list}): a page ends with
	 * {@code more} 1 (or {@code true}) and the next {@code offset}. Large by default (nothing
	 * pages); back to the default on {@link #reset()}.
	 * @param pageSize rows per page, at least 1
	 */
	public void setPageSize(int pageSize) {
		if (pageSize < 1) {
			throw new IllegalArgumentException("pageSize must be at least 1");
		}
		this.backend.setPageSize(pageSize);
	}

	/**
	 * Notify every application subscribed to {@code appli} for that user of new data between two
	 * dates ({@code userid}, {@code appli}, {@code startdate}, {@code enddate}), asynchronously.
	 * Nothing is recorded: use it for categories the simulator has no data for.
	 * @param userId the Withings user id (numeric)
	 * @param appli the notification category, e.g. 4 (blood pressure), 16 (activity), 44 (sleep)
	 * @param startdate the start of the data's period
	 * @param enddate its end
	 * @return how many notifications were sent
	 */
	public int notifyUser(String userId, int appli, Instant startdate, Instant enddate) {
		requireNonNull(startdate, "startdate");
		requireNonNull(enddate, "enddate");
		if (enddate.isBefore(startdate)) {
			throw new IllegalArgumentException("enddate must not be before startdate");
		}
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("startdate", Long.toString(startdate.getEpochSecond()));
		fields.put("enddate", Long.toString(enddate.getEpochSecond()));
		return notifyUser(userId, appli, fields);
	}

	/**
	 * Notify every application subscribed to {@code appli} for that user, with the given fields
	 * after {@code userid} and {@code appli}: e.g. {@code date} and {@code deviceid} for an event
	 * category (50 in bed, 51 out of bed), {@code action=delete} or {@code update} for 46.
	 * @param userId the Withings user id (numeric)
	 * @param appli the notification category
	 * @param fields the other form fields, in order
	 * @return how many notifications were sent
	 */
	public int notifyUser(String userId, int appli, Map<String, String> fields) {
		requireUserId(userId);
		requireNonNull(fields, "fields");
		if (!SimulatedNotifyEndpoint.APPLI_SCOPES.containsKey(appli)) {
			throw new IllegalArgumentException("Unknown appli " + appli + ": expected one of "
					+ new TreeSet<>(SimulatedNotifyEndpoint.APPLI_SCOPES.keySet()));
		}
		if (fields.containsKey("userid") || fields.containsKey("appli")) {
			throw new IllegalArgumentException("userid and appli are set by the simulator");
		}
		return this.notifications.notify(userId, appli, new LinkedHashMap<>(fields));
	}

	/**
	 * The user unlinks the application in their Withings account, as Withings tells it: every
	 * token of that user dies (as {@link #revokeUser(String)}), their subscriptions are removed,
	 * and each application that had subscribed to appli 46 for that user is notified
	 * ({@code userid}, {@code appli=46}, {@code action=unlink}), after the tokens are dead.
	 * @param userId the Withings user id (numeric)
	 * @return how many notifications were sent
	 */
	public int unlink(String userId) {
		requireUserId(userId);
		return unlinkUser(userId).notifications();
	}

	/** What {@link #unlink} did: whether the user was known (tokens or subscriptions), and the notifications. */
	record Unlinked(boolean known, int notifications) {
	}

	Unlinked unlinkUser(String userId) {
		List<SubscriptionTable.Target> targets = this.notifications.targets(userId,
				SimulatedNotifyEndpoint.USER_ACTION_APPLI);
		boolean subscribed = !this.notifications.subscriptions(userId).isEmpty();
		boolean known = this.backend.revokeUser(userId) || subscribed;
		int sent = this.notifications.dispatch(targets, userId, SimulatedNotifyEndpoint.USER_ACTION_APPLI,
				Map.of("action", "unlink"));
		return new Unlinked(known, sent);
	}

	/**
	 * The notification subscriptions of a user, every application's, oldest first.
	 * @param userId the Withings user id
	 * @return the subscriptions
	 */
	public List<SimulatorSubscription> subscriptions(String userId) {
		requireText(userId, "userId");
		return this.notifications.subscriptions(userId);
	}

	/**
	 * Every attempt to deliver a notification since the start (or {@link #reset()}), oldest
	 * first, with its HTTP status, outcome and duration (the newest 10,000 attempts).
	 * @return the delivery log
	 */
	public List<SimulatorDelivery> deliveries() {
		return this.notifications.deliveries();
	}

	/**
	 * Wait until at least {@code count} notifications have been acknowledged by their callback
	 * (counted since the start or {@link #reset()}).
	 * @param count how many
	 * @param timeout how long to wait at most
	 * @return whether they were
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean awaitAcknowledgedNotifications(int count, Duration timeout) throws InterruptedException {
		requireNonNull(timeout, "timeout");
		return this.notifications.awaitAcknowledged(count, timeout);
	}

	/**
	 * Wait until at least {@code count} delivery attempts (first tries and retries, whatever their
	 * outcome) have been made and logged, counted since the start or {@link #reset()}.
	 * @param count how many
	 * @param timeout how long to wait at most
	 * @return whether they were
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean awaitDeliveryAttempts(int count, Duration timeout) throws InterruptedException {
		requireNonNull(timeout, "timeout");
		return this.notifications.awaitAttempts(count, timeout);
	}

	/**
	 * How long a callback has to acknowledge a notification (Withings: two seconds, the default).
	 * @param ackTimeout the timeout
	 */
	public void setNotificationAckTimeout(Duration ackTimeout) {
		requirePositive(ackTimeout, "ackTimeout");
		this.notifications.setAckTimeout(ackTimeout);
	}

	/**
	 * When a notification that was not acknowledged is tried again: {@code triesPerCycle} HTTP
	 * attempts in a row, then the next cycle after each of {@code retryDelays} (on the simulator's
	 * clock: {@link SimulatorClock#advance moving it} brings a retry forward), then it is given
	 * up. Withings' default: 2 tries, then after 10 s, 1 min, 1 h and 4 h (10 attempts; Withings
	 * adds a random 1 to 30 minutes to the last three, the simulator does not).
	 * @param triesPerCycle HTTP attempts per cycle, at least 1
	 * @param retryDelays the delay before each retry cycle (none: no retry cycle)
	 */
	public void setNotificationRetrySchedule(int triesPerCycle, Duration... retryDelays) {
		if (triesPerCycle < 1) {
			throw new IllegalArgumentException("triesPerCycle must be at least 1");
		}
		requireNonNull(retryDelays, "retryDelays");
		for (Duration delay : retryDelays) {
			requireNonNull(delay, "retryDelays");
			if (delay.isNegative()) {
				throw new IllegalArgumentException("retryDelays must not be negative");
			}
		}
		this.notifications.setRetrySchedule(triesPerCycle, List.of(retryDelays));
	}

	/**
	 * Which answers acknowledge a notification: a 2xx (by default; Withings' v3 pages ask for
	 * "200 HTTP OK") or, when {@code true}, any status below 400 (its newer RPM page's success
	 * criterion).
	 * @param below400 whether any status below 400 acknowledges
	 */
	public void setNotificationAckBelow400(boolean below400) {
		this.notifications.setAckBelow400(below400);
	}

	/**
	 * Remove a subscription after that many consecutive failed delivery attempts (Withings' older
	 * page: "After four consecutive failures, the notification subscription is removed"; whether it
	 * still does is unknown). {@code 0}, the default, never removes.
	 * @param consecutiveFailures the number of failures, {@code 0} for never
	 */
	public void setRemoveSubscriptionAfterFailures(int consecutiveFailures) {
		if (consecutiveFailures < 0) {
			throw new IllegalArgumentException("consecutiveFailures must not be negative");
		}
		this.notifications.setRemoveAfterFailures(consecutiveFailures);
	}

	/**
	 * Refuse callback URLs as a production application's (status 293): HTTPS only, no IP address
	 * or {@code localhost}, ports 80 and 443 only. Off by default, since tests and samples listen
	 * on {@code 127.0.0.1}: Withings accepts such URLs in "restricted mode" (at most 10 linked
	 * users, which the simulator does not count). Either way a callback URL must be an absolute
	 * http(s) URL of at most 255 characters that answers {@code HEAD} with a 2xx.
	 * @param strict whether to apply the production rules
	 */
	public void setStrictCallbackUrls(boolean strict) {
		this.notifications.setStrictCallbackUrls(strict);
	}

	/**
	 * Name the refused callback URL in the text of a 293 (off by default): the secret path
	 * segment of a callback URL then comes back in Withings' error text, which an application
	 * must never log.
	 * @param echo whether the text of a refusal names the callback URL
	 */
	public void setEchoCallbackUrls(boolean echo) {
		this.notifications.setEchoCallbackUrls(echo);
	}

	/**
	 * How long the {@code HEAD} probe of a callback URL waits for an answer (two seconds by
	 * default; Withings documents none).
	 * @param probeTimeout the timeout
	 */
	public void setCallbackProbeTimeout(Duration probeTimeout) {
		requirePositive(probeTimeout, "probeTimeout");
		this.notifications.setProbeTimeout(probeTimeout);
	}

	int pendingNotificationAttempts() {
		return this.notifications.pendingAttempts();
	}

	int subscriptionCount() {
		return this.notifications.subscriptionCount();
	}

	/**
	 * Play the consent page without a browser: the consenting user approves and an authorization
	 * code is returned, exactly as the redirect to the application would carry it.
	 * @param clientId the client id
	 * @param redirectUri the redirect URI the code is bound to
	 * @param scope the comma-separated scopes
	 * @return the code
	 * @throws IllegalStateException when the consent page refuses the request
	 */
	public String authorize(String clientId, String redirectUri, String scope) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", clientId);
		query.put("redirect_uri", redirectUri);
		query.put("scope", scope);
		query.put("state", "state");
		SimulatorResponse response = this.backend.authorize(query, false);
		if (response.location == null || !response.location.contains("code=")) {
			throw new IllegalStateException("Consent refused: " + ((response.html != null) ? response.html : response.location));
		}
		return Urls.splitQueryFromUrl(response.location).get("code").firstValue();
	}

	/**
	 * What the simulator thinks of a refresh token it issued.
	 * @param refreshToken the refresh token
	 * @return its state
	 */
	public RefreshTokenState refreshTokenState(String refreshToken) {
		return this.backend.refreshTokenState(refreshToken);
	}

	/**
	 * Make an access token expire now, as a revocation or clock drift would.
	 * @param accessToken the access token
	 * @return whether the token was known
	 */
	public boolean expireAccessToken(String accessToken) {
		return this.backend.expireAccessToken(accessToken);
	}

	/** {@return the underlying WireMock server, for its request journal} */
	public WireMockServer wireMock() {
		return this.server;
	}

	/** {@return whether the simulator is still serving} */
	public boolean isRunning() {
		return this.server.isRunning();
	}

	/** Stop the simulator (also done by {@code POST /__admin/shutdown}). */
	public void stop() {
		this.server.stop();
	}

	/**
	 * Wait until the simulator is stopped, by {@link #stop()} or {@code POST /__admin/shutdown}.
	 * @throws InterruptedException when interrupted while waiting
	 */
	public void awaitStop() throws InterruptedException {
		this.stopped.await();
	}

	/**
	 * Wait at most {@code timeout} until the simulator is stopped.
	 * @param timeout how long to wait
	 * @return whether it stopped
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean awaitStop(Duration timeout) throws InterruptedException {
		requireNonNull(timeout, "timeout");
		return this.stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	Map<SimulatorEndpoint, Integer> pendingFaults() {
		return this.transformer.pendingFaults();
	}

	Map<String, Object> consentState() {
		return this.backend.consentState();
	}

	boolean isConsentPage() {
		return this.backend.isConsentPage();
	}

	@Override
	public void close() {
		stop();
	}

	static void requireNonNull(Object value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
	}

	static void requireUserId(String userId) {
		if (userId == null || userId.isEmpty() || userId.length() > 18 || !userId.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("userId must be a numeric Withings user id");
		}
	}

	static void requirePositive(Duration value, String name) {
		requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
	}

	static void requireText(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

}
