package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's state and rules: what real Withings checks, as described in the project's
 * protocol notes. It holds the registered clients and routes each request to its part: the
 * consent page ({@link SimulatedConsent}), the token endpoint and its nonce
 * ({@link SimulatedTokenEndpoint}), the tokens issued ({@link SimulatedTokens}), the 601 answers
 * ({@link SimulatedRateLimit}) and the data API ({@link SimulatedDataApi}). Every entry point is
 * synchronized, and the parts are guarded by this lock: the simulator is a test fixture, and
 * serial semantics make its rules exact.
 */
final class WithingsBackend {

	static final String INVALID_TOKEN = "XRequestID: Not provided invalid_token: The access token provided is invalid";

	private final SimulatorCounters counters;

	private final SimulatorNotifications notifications;

	private final Map<String, String> clients = new HashMap<>();

	private final SimulatedTokens tokens;

	private final SimulatedRateLimit rateLimit;

	private final SimulatedConsent consent;

	private final SimulatedTokenEndpoint tokenEndpoint;

	private final SimulatedDataApi dataApi;

	WithingsBackend(SimulatorClock clock, SimulatorCounters counters, SimulatorNotifications notifications) {
		this.counters = counters;
		this.notifications = notifications;
		this.tokens = new SimulatedTokens(clock);
		this.rateLimit = new SimulatedRateLimit(clock, counters);
		this.consent = new SimulatedConsent(clock, this.clients, this.tokens);
		this.tokenEndpoint = new SimulatedTokenEndpoint(clock, counters, this.clients, this.tokens, this.rateLimit,
				notifications);
		this.dataApi = new SimulatedDataApi(clock);
	}

	synchronized void registerClient(String clientId, String clientSecret) {
		this.clients.put(clientId, clientSecret);
	}

	synchronized void setConsentingUserId(String userId) {
		this.consent.setConsentingUserId(userId);
	}

	synchronized void consentAs(String account) {
		this.consent.consentAs(account);
	}

	synchronized void consentAsNewUsers() {
		this.consent.consentAsNewUsers();
	}

	String accountUserId(String account) {
		return this.consent.accountUserId(account);
	}

	synchronized void setConsentPage(boolean consentPage) {
		this.consent.setConsentPage(consentPage);
	}

	/** The consent page setting, now and after {@link #reset()}. */
	synchronized void setConsentPageByDefault(boolean consentPage) {
		this.consent.setConsentPageByDefault(consentPage);
	}

	synchronized boolean isConsentPage() {
		return this.consent.isConsentPage();
	}

	/**
	 * Back to a freshly started simulator: every code, nonce, token and pending consent is
	 * forgotten, the consent choices, the consent page and protocol switches return to their
	 * defaults. Registered clients and the account ids stay; anonymous ids keep counting.
	 */
	synchronized void reset() {
		this.tokens.clear();
		this.tokenEndpoint.reset();
		this.rateLimit.reset();
		this.consent.reset();
		this.dataApi.reset();
	}

	/** Who consents, for the admin API. */
	synchronized Map<String, Object> consentState() {
		return this.consent.consentState();
	}

	synchronized void setUserIdAsString(boolean userIdAsString) {
		this.tokenEndpoint.setUserIdAsString(userIdAsString);
	}

	synchronized void setRateLimit(int requests, Duration window) {
		this.rateLimit.setRateLimit(requests, window);
	}

	/**
	 * Withings' application-wide rate limit (120 requests per minute), when enabled: a sliding
	 * window over every API, token and nonce request.
	 * @return a 601 answer, or {@code null} when the request may go on
	 */
	synchronized SimulatorResponse rateLimit() {
		return this.rateLimit.rateLimit();
	}

	synchronized void setRecoveryAllowed(boolean recoveryAllowed) {
		this.tokenEndpoint.setRecoveryAllowed(recoveryAllowed);
	}

	synchronized void setDenyConsent(boolean denyConsent) {
		this.consent.setDenyConsent(denyConsent);
	}

	/**
	 * The consent page, {@code GET /oauth2_user/authorize2}.
	 * @param query the query parameters
	 * @param pageAllowed whether the HTML form may be shown (when enabled); {@code false} approves
	 * at once, as a user who always clicks Allow
	 * @return the redirect back to the application, the form, or an error page
	 */
	synchronized SimulatorResponse authorize(Map<String, String> query, boolean pageAllowed) {
		return this.consent.authorize(query, pageAllowed);
	}

	/**
	 * The consent form's answer, {@code POST /oauth2_user/authorize2}.
	 * @param form the form fields
	 * @return the redirect back to the application, or an error page
	 */
	synchronized SimulatorResponse consent(Map<String, String> form) {
		return this.consent.consent(form);
	}

	/** {@code /v2/signature getnonce}. */
	synchronized SimulatorResponse signature(Map<String, String> form) {
		return this.tokenEndpoint.signature(form);
	}

	/** {@code /v2/oauth2}: {@code requesttoken}, {@code revoke}, {@code recoverauthorizationcode}. */
	synchronized SimulatorResponse oauth2(Map<String, String> form) {
		return this.tokenEndpoint.oauth2(form);
	}

	synchronized RefreshTokenState refreshTokenState(String value) {
		return this.tokens.refreshTokenState(value);
	}

	/**
	 * The user removes the application in Withings: every token of that user, for every client,
	 * dies, and codes not yet exchanged are void.
	 * @param userId the Withings user id
	 * @return whether the simulator had issued anything to that user
	 */
	synchronized boolean revokeUser(String userId) {
		boolean known = this.tokens.revokeUser(userId);
		// nothing is linked any more: no application is notified about this user again
		this.notifications.removeSubscriptions(null, userId);
		return known;
	}

	synchronized boolean expireAccessToken(String value) {
		return this.tokens.expireAccessToken(value);
	}

	/**
	 * The data actions ({@code /measure getmeas}, {@code /v2/measure getactivity} and
	 * {@code getworkouts}, {@code /v2/sleep getsummary} and {@code get}, {@code /v2/heart list} and {@code get},
	 * {@code /v2/user getdevice}): a live access token (401), then {@link SimulatedDataApi#data}.
	 */
	synchronized SimulatorResponse data(SimulatorEndpoint endpoint, String authorization, Map<String, String> form) {
		this.counters.dataRequests.incrementAndGet();
		SimulatedTokens.AccessToken token = this.tokens.accessToken(authorization);
		if (token == null) {
			this.counters.unauthorizedDataRequests.incrementAndGet();
			return SimulatorResponse.envelope(401, Map.of(), INVALID_TOKEN);
		}
		return this.dataApi.data(endpoint, token, form);
	}

	/** Rows per page of the paged data actions ({@code more}/{@code offset}). */
	synchronized void setPageSize(int pageSize) {
		this.dataApi.setPageSize(pageSize);
	}

	/**
	 * {@code POST /notify}: the access token is checked here, under the lock; the subscription
	 * work (which may probe a callback URL for seconds) runs outside it.
	 */
	SimulatorResponse notify(String authorization, Map<String, String> form) {
		SimulatorNotifications.Caller caller;
		synchronized (this) {
			this.counters.dataRequests.incrementAndGet();
			SimulatedTokens.AccessToken token = this.tokens.accessToken(authorization);
			if (token == null) {
				this.counters.unauthorizedDataRequests.incrementAndGet();
				this.counters.notifyRequests.incrementAndGet();
				return SimulatorResponse.envelope(401, Map.of(), INVALID_TOKEN);
			}
			token.used = true;
			caller = new SimulatorNotifications.Caller(token.clientId, token.userId, token.scopes);
		}
		return this.notifications.handle(caller, form);
	}

	/**
	 * The user steps on the scale: a weight measure group, dated now, that {@code getmeas} shows
	 * from now on.
	 * @param userId the Withings user id
	 * @param grams the weight in grams (the value of a {@code unit} -3 measure)
	 * @return the group's date, in Unix seconds
	 */
	synchronized long recordWeight(String userId, long grams) {
		return recordGroup(userId, List.of(new SimulatorMeasure(1, grams, -3)))[0];
	}

	/**
	 * A measure group dated now (created and modified now), that {@code getmeas} shows from now on.
	 * @return the group's date (Unix seconds) and its id
	 */
	synchronized long[] recordGroup(String userId, List<SimulatorMeasure> measures) {
		return recordGroup(userId, 1, measures);
	}

	/**
	 * A measure group of a category (1 a real measure, 2 a user objective) dated now.
	 * @return the group's date (Unix seconds) and its id
	 */
	synchronized long[] recordGroup(String userId, int category, List<SimulatorMeasure> measures) {
		return this.dataApi.recordGroup(userId, category, measures);
	}

	/**
	 * An existing measure group changed now: same id and date, a new weight, modified now.
	 * @return the group's date (Unix seconds), or {@code null} when the user has no such group
	 */
	synchronized Long changeGroup(String userId, long groupId, long grams) {
		return this.dataApi.changeGroup(userId, groupId, grams);
	}

	/** The day's activity created or changed now. */
	synchronized void recordActivity(String userId, LocalDate date, long steps) {
		this.dataApi.recordActivity(userId, date, steps);
	}

	/** A night recorded now: returns its id. */
	synchronized long recordSleep(String userId, long start, long end) {
		return this.dataApi.recordSleep(userId, start, end);
	}

	/** A workout recorded now: returns its id. */
	synchronized long recordWorkout(String userId, int category, long start, long end) {
		return this.dataApi.recordWorkout(userId, category, start, end);
	}

	/** An ECG recording recorded now: returns its signal id. */
	synchronized long recordHeartRecording(String userId, long timestamp) {
		return this.dataApi.recordHeartRecording(userId, timestamp);
	}

}
