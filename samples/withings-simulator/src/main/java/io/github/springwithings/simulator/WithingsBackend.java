package io.github.springwithings.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * The simulator's state and rules: what real Withings checks, as described in the project's
 * protocol notes. Every public entry point is synchronized: the simulator is a test fixture, and
 * serial semantics make its rules exact.
 */
final class WithingsBackend {

	static final Set<String> KNOWN_SCOPES = Set.of("user.info", "user.metrics", "user.activity", "user.sleepevents");

	static final Duration CODE_LIFETIME = Duration.ofSeconds(30);

	static final Duration NONCE_LIFETIME = Duration.ofMinutes(30);

	static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(3);

	static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(365);

	static final Duration ROTATION_GRACE = Duration.ofHours(8);

	static final Duration SAME_ARGUMENTS_WINDOW = Duration.ofSeconds(10);

	static final Duration CONSENT_TICKET_LIFETIME = Duration.ofMinutes(10);

	static final long FIRST_SEQUENTIAL_USER_ID = 36_000_001L;

	/** Above every generated group id (user id × 1000 + day). */
	static final long FIRST_RECORDED_GROUP_ID = 1_000_000_000_000L;

	static final String INVALID_CLIENT = "Invalid Params: invalid client id/secret";

	static final String INVALID_CODE = "Invalid Params: invalid code";

	static final String INVALID_REFRESH_TOKEN = "Invalid Params: invalid refresh_token";

	static final String INVALID_TOKEN = "XRequestID: Not provided invalid_token: The access token provided is invalid";

	private final SecureRandom random = new SecureRandom();

	private final SimulatorClock clock;

	private final SimulatorCounters counters;

	private final SimulatorNotifications notifications;

	private final Map<String, String> clients = new HashMap<>();

	private final Map<String, Instant> nonces = new HashMap<>();

	private final Map<String, Code> codes = new HashMap<>();

	private final Map<String, AccessToken> accessTokens = new HashMap<>();

	private final Map<String, RefreshToken> refreshTokens = new HashMap<>();

	private final Map<String, Instant> recentArguments = new HashMap<>();

	private final Map<String, ConsentTicket> tickets = new HashMap<>();

	private final SimulatorAccounts accounts = new SimulatorAccounts();

	private final AtomicLong nextUserId = new AtomicLong(FIRST_SEQUENTIAL_USER_ID);

	/** Measure groups recorded by {@link #recordWeight}, per user, on top of the generated ones. */
	private final Map<String, List<Map<String, Object>>> recordedGroups = new HashMap<>();

	private long nextRecordedGroupId = FIRST_RECORDED_GROUP_ID;

	private int pageSize = SimulatorData.DEFAULT_PAGE_SIZE;

	private String consentingUserId;

	private String consentingAccount;

	private boolean consentPage;

	private boolean consentPageByDefault;

	private boolean userIdAsString;

	private boolean denyConsent;

	private boolean recoveryAllowed = true;

	private int rateLimit;

	private Duration rateLimitWindow = Duration.ofMinutes(1);

	private final java.util.ArrayDeque<Instant> recentRequests = new java.util.ArrayDeque<>();

	WithingsBackend(SimulatorClock clock, SimulatorCounters counters, SimulatorNotifications notifications) {
		this.clock = clock;
		this.counters = counters;
		this.notifications = notifications;
	}

	synchronized void registerClient(String clientId, String clientSecret) {
		this.clients.put(clientId, clientSecret);
	}

	synchronized void setConsentingUserId(String userId) {
		this.consentingUserId = userId;
		this.consentingAccount = null;
	}

	synchronized void consentAs(String account) {
		this.consentingAccount = SimulatorAccounts.normalize(account);
		this.consentingUserId = null;
	}

	synchronized void consentAsNewUsers() {
		this.consentingAccount = null;
		this.consentingUserId = null;
	}

	String accountUserId(String account) {
		return this.accounts.userId(account);
	}

	synchronized void setConsentPage(boolean consentPage) {
		this.consentPage = consentPage;
	}

	/** The consent page setting, now and after {@link #reset()}. */
	synchronized void setConsentPageByDefault(boolean consentPage) {
		this.consentPage = consentPage;
		this.consentPageByDefault = consentPage;
	}

	synchronized boolean isConsentPage() {
		return this.consentPage;
	}

	/**
	 * Back to a freshly started simulator: every code, nonce, token and pending consent is
	 * forgotten, the consent choices, the consent page and protocol switches return to their
	 * defaults. Registered clients and the account ids stay; anonymous ids keep counting.
	 */
	synchronized void reset() {
		this.nonces.clear();
		this.codes.clear();
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.recentArguments.clear();
		this.recentRequests.clear();
		this.tickets.clear();
		this.recordedGroups.clear();
		this.pageSize = SimulatorData.DEFAULT_PAGE_SIZE;
		this.consentingUserId = null;
		this.consentingAccount = null;
		this.consentPage = this.consentPageByDefault;
		this.denyConsent = false;
		this.userIdAsString = false;
		this.recoveryAllowed = true;
		this.rateLimit = 0;
		this.rateLimitWindow = Duration.ofMinutes(1);
	}

	/** Who consents, for the admin API. */
	synchronized Map<String, Object> consentState() {
		Map<String, Object> state = new LinkedHashMap<>();
		if (this.consentingAccount != null) {
			state.put("mode", "account");
			state.put("account", this.consentingAccount);
			state.put("userId", this.accounts.userId(this.consentingAccount));
		}
		else if (this.consentingUserId != null) {
			state.put("mode", "user-id");
			state.put("userId", this.consentingUserId);
		}
		else {
			state.put("mode", "new-user");
			state.put("nextUserId", String.valueOf(this.nextUserId.get()));
		}
		state.put("deny", this.denyConsent);
		state.put("page", this.consentPage);
		state.put("accounts", this.accounts.snapshot());
		return state;
	}

	synchronized void setUserIdAsString(boolean userIdAsString) {
		this.userIdAsString = userIdAsString;
	}

	synchronized void setRateLimit(int requests, Duration window) {
		this.rateLimit = requests;
		this.rateLimitWindow = window;
		this.recentRequests.clear();
	}

	/**
	 * Withings' application-wide rate limit (120 requests per minute), when enabled: a sliding
	 * window over every API, token and nonce request.
	 * @return a 601 answer, or {@code null} when the request may go on
	 */
	synchronized SimulatorResponse rateLimit() {
		if (this.rateLimit <= 0) {
			return null;
		}
		Instant now = this.clock.instant();
		while (!this.recentRequests.isEmpty()
				&& !this.recentRequests.peekFirst().plus(this.rateLimitWindow).isAfter(now)) {
			this.recentRequests.pollFirst();
		}
		if (this.recentRequests.size() >= this.rateLimit) {
			this.counters.tooManyRequests.incrementAndGet();
			long wait = Math.max(1, Duration.between(now, this.recentRequests.peekFirst().plus(this.rateLimitWindow))
				.toSeconds());
			return SimulatorResponse.envelope(601, Map.of("wait_seconds", wait), "Too many requests");
		}
		this.recentRequests.addLast(now);
		return null;
	}

	synchronized void setRecoveryAllowed(boolean recoveryAllowed) {
		this.recoveryAllowed = recoveryAllowed;
	}

	synchronized void setDenyConsent(boolean denyConsent) {
		this.denyConsent = denyConsent;
	}

	// --- consent page -------------------------------------------------------------------------

	/**
	 * The consent page, {@code GET /oauth2_user/authorize2}.
	 * @param query the query parameters
	 * @param pageAllowed whether the HTML form may be shown (when enabled); {@code false} approves
	 * at once, as a user who always clicks Allow
	 * @return the redirect back to the application, the form, or an error page
	 */
	synchronized SimulatorResponse authorize(Map<String, String> query, boolean pageAllowed) {
		String clientId = query.get("client_id");
		String redirectUri = query.get("redirect_uri");
		String state = query.get("state");
		String scope = query.get("scope");
		if (!"code".equals(query.get("response_type"))) {
			return SimulatorResponse.page(400, "response_type must be code");
		}
		if (clientId == null || !this.clients.containsKey(clientId)) {
			return SimulatorResponse.page(400, "Unknown client_id");
		}
		if (redirectUri == null || redirectUri.isBlank()) {
			return SimulatorResponse.page(400, "redirect_uri is required");
		}
		if (state == null || state.isBlank()) {
			return SimulatorResponse.page(400, "state is required");
		}
		if (query.containsKey("code_challenge")) {
			return SimulatorResponse.page(400, "PKCE is not supported");
		}
		List<String> scopes = parseScopes(scope);
		if (scopes == null) {
			return SimulatorResponse.page(400, "Invalid scope: expected a comma-separated list of "
					+ String.join(",", new TreeSet<>(KNOWN_SCOPES)));
		}
		String loginHint = query.get("login_hint");
		if (loginHint != null && !loginHint.isBlank()) {
			try {
				loginHint = SimulatorAccounts.normalize(loginHint);
			}
			catch (IllegalArgumentException ex) {
				return SimulatorResponse.page(400, "Invalid login_hint: " + ConsentPage.escape(ex.getMessage()));
			}
		}
		else {
			loginHint = null;
		}
		if (this.denyConsent) {
			return denied(redirectUri, state);
		}
		if (pageAllowed && this.consentPage) {
			Instant now = this.clock.instant();
			this.tickets.values().removeIf((ticket) -> ticket.issuedAt.plus(CONSENT_TICKET_LIFETIME).isBefore(now));
			String ticket = newToken();
			this.tickets.put(ticket, new ConsentTicket(clientId, redirectUri, scopes, state, now));
			String account = (loginHint != null) ? loginHint : this.consentingAccount;
			return SimulatorResponse.html(200,
					ConsentPage.render(ticket, clientId, scopes, redirectUri, account, defaultUserDescription()));
		}
		return approve(clientId, redirectUri, scopes, state, consentingUser(loginHint));
	}

	/**
	 * The consent form's answer, {@code POST /oauth2_user/authorize2}: a single-use ticket issued
	 * by {@link #authorize} (10 minutes), the account and the decision.
	 * @param form the form fields
	 * @return the redirect back to the application, or an error page
	 */
	synchronized SimulatorResponse consent(Map<String, String> form) {
		String decision = form.get(ConsentPage.DECISION);
		if (!"allow".equals(decision) && !"deny".equals(decision)) {
			return SimulatorResponse.page(400, "decision must be allow or deny");
		}
		String account = form.get(ConsentPage.ACCOUNT);
		if (account != null && !account.isBlank()) {
			try {
				account = SimulatorAccounts.normalize(account);
			}
			catch (IllegalArgumentException ex) {
				return SimulatorResponse.page(400, "Invalid account: " + ConsentPage.escape(ex.getMessage()));
			}
		}
		else {
			account = null;
		}
		String ticketValue = form.get(ConsentPage.TICKET);
		ConsentTicket ticket = (ticketValue != null) ? this.tickets.remove(ticketValue) : null;
		if (ticket == null || ticket.issuedAt.plus(CONSENT_TICKET_LIFETIME).isBefore(this.clock.instant())) {
			return SimulatorResponse.page(400,
					"This consent page has expired or was already answered: start again from the application");
		}
		if (!this.clients.containsKey(ticket.clientId)) {
			return SimulatorResponse.page(400, "Unknown client_id");
		}
		if ("deny".equals(decision)) {
			return denied(ticket.redirectUri, ticket.state);
		}
		return approve(ticket.clientId, ticket.redirectUri, ticket.scopes, ticket.state, consentingUser(account));
	}

	private String consentingUser(String account) {
		if (account != null) {
			return this.accounts.userId(account);
		}
		if (this.consentingAccount != null) {
			return this.accounts.userId(this.consentingAccount);
		}
		if (this.consentingUserId != null) {
			return this.consentingUserId;
		}
		return String.valueOf(this.nextUserId.getAndIncrement());
	}

	private String defaultUserDescription() {
		if (this.consentingUserId != null) {
			return "user " + this.consentingUserId;
		}
		return "a new user";
	}

	private SimulatorResponse approve(String clientId, String redirectUri, List<String> scopes, String state,
			String userId) {
		String code = newToken();
		this.codes.put(code, new Code(clientId, redirectUri, scopes, userId, this.clock.instant()));
		return SimulatorResponse
			.redirect(redirectUri + separator(redirectUri) + "code=" + encode(code) + "&state=" + encode(state));
	}

	private static SimulatorResponse denied(String redirectUri, String state) {
		return SimulatorResponse
			.redirect(redirectUri + separator(redirectUri) + "error=access_denied&state=" + encode(state));
	}

	private static String separator(String redirectUri) {
		return redirectUri.contains("?") ? "&" : "?";
	}

	private static List<String> parseScopes(String scope) {
		if (scope == null || scope.isBlank()) {
			return null;
		}
		List<String> scopes = Arrays.asList(scope.split(","));
		return KNOWN_SCOPES.containsAll(scopes) ? scopes : null;
	}

	// --- /v2/signature ------------------------------------------------------------------------

	synchronized SimulatorResponse signature(Map<String, String> form) {
		if (!"getnonce".equals(form.get("action"))) {
			return reject(2554, "Not implemented");
		}
		String clientId = form.get("client_id");
		String secret = (clientId != null) ? this.clients.get(clientId) : null;
		String timestamp = form.get("timestamp");
		if (secret == null || timestamp == null || form.get("signature") == null) {
			return reject(503, INVALID_CLIENT);
		}
		if (!hmac(secret, "getnonce", clientId, timestamp).equals(form.get("signature"))) {
			return reject(503, "Invalid Params: invalid signature");
		}
		String nonce = newToken();
		this.nonces.put(nonce, this.clock.instant());
		this.counters.nonceRequests.incrementAndGet();
		return SimulatorResponse.envelope(0, Map.of("nonce", nonce), null);
	}

	// --- /v2/oauth2 ---------------------------------------------------------------------------

	synchronized SimulatorResponse oauth2(Map<String, String> form) {
		String action = form.get("action");
		if (action == null || action.isEmpty()) {
			// Withings answers its envelope to a request without an action, with no credentials
			// checked: what a health check can call without a user's token or the app's secret
			this.counters.actionlessRequests.incrementAndGet();
			return SimulatorResponse.envelope(503, Map.of(), "Invalid Params: invalid action");
		}
		if ("requesttoken".equals(action)) {
			if ("refresh_token".equals(form.get("grant_type"))) {
				this.counters.refreshTokenGrants.incrementAndGet();
			}
			else if ("authorization_code".equals(form.get("grant_type"))) {
				this.counters.authorizationCodeGrants.incrementAndGet();
			}
		}
		SimulatorResponse sameArguments = sameArguments(form);
		if (sameArguments != null) {
			return sameArguments;
		}
		String clientId = form.get("client_id");
		String authenticationError = authenticate(action, form);
		if (authenticationError != null) {
			return reject(503, authenticationError);
		}
		if ("revoke".equals(action)) {
			return revoke(clientId, form);
		}
		if ("recoverauthorizationcode".equals(action)) {
			return recover(clientId, form);
		}
		if (!"requesttoken".equals(action)) {
			return reject(2554, "Not implemented");
		}
		String grantType = form.get("grant_type");
		if ("authorization_code".equals(grantType)) {
			return exchangeCode(clientId, form);
		}
		if ("refresh_token".equals(grantType)) {
			return refresh(clientId, form.get("refresh_token"));
		}
		return reject(503, "Invalid Params: invalid grant_type");
	}

	private SimulatorResponse sameArguments(Map<String, String> form) {
		String key = new TreeMap<>(form).toString();
		Instant now = this.clock.instant();
		this.recentArguments.values().removeIf((seen) -> seen.plus(SAME_ARGUMENTS_WINDOW).isBefore(now));
		Instant seen = this.recentArguments.get(key);
		if (seen != null) {
			this.counters.tooManyRequests.incrementAndGet();
			long wait = Math.max(1, Duration.between(now, seen.plus(SAME_ARGUMENTS_WINDOW)).toSeconds());
			this.counters.rejectedTokenRequests.incrementAndGet();
			return SimulatorResponse.envelope(601, Map.of("wait_seconds", wait), "Same arguments in less than 10 seconds");
		}
		this.recentArguments.put(key, now);
		return null;
	}

	private String authenticate(String action, Map<String, String> form) {
		String clientId = form.get("client_id");
		String secret = (clientId != null) ? this.clients.get(clientId) : null;
		if (secret == null) {
			return INVALID_CLIENT;
		}
		boolean signed = form.containsKey("signature") || form.containsKey("nonce");
		boolean withSecret = form.containsKey("client_secret");
		if (signed == withSecret) {
			return INVALID_CLIENT;
		}
		if (withSecret) {
			return secret.equals(form.get("client_secret")) ? null : INVALID_CLIENT;
		}
		String nonce = form.get("nonce");
		String signature = form.get("signature");
		if (nonce == null || signature == null || action == null) {
			return "Invalid Params: invalid signature";
		}
		Instant issued = this.nonces.remove(nonce);
		if (issued == null || issued.plus(NONCE_LIFETIME).isBefore(this.clock.instant())) {
			return "Invalid Params: invalid nonce";
		}
		if (!hmac(secret, action, clientId, nonce).equals(signature)) {
			return "Invalid Params: invalid signature";
		}
		return null;
	}

	private SimulatorResponse revoke(String clientId, Map<String, String> form) {
		if (!form.containsKey("signature")) {
			return reject(503, "Invalid Params: revoke must be signed");
		}
		String userId = form.get("userid");
		boolean known = false;
		for (RefreshToken token : this.refreshTokens.values()) {
			if (token.clientId.equals(clientId) && token.userId.equals(userId) && !token.revoked) {
				token.revoked = true;
				known = true;
			}
		}
		for (AccessToken token : this.accessTokens.values()) {
			if (token.clientId.equals(clientId) && token.userId.equals(userId)) {
				token.expiresAt = this.clock.instant().minusSeconds(1);
			}
		}
		if (!known) {
			return reject(503, "Invalid Params: invalid userid");
		}
		// withings-protocol §4: "both tokens die, notification subscriptions are removed"
		this.notifications.removeSubscriptions(clientId, userId);
		this.counters.revocations.incrementAndGet();
		return SimulatorResponse.envelope(0, Map.of(), null);
	}

	private SimulatorResponse recover(String clientId, Map<String, String> form) {
		if (!form.containsKey("signature")) {
			return reject(503, "Invalid Params: recoverauthorizationcode must be signed");
		}
		if (!this.recoveryAllowed) {
			return reject(2555, "Unauthorized: recoverauthorizationcode is for partners with a contract");
		}
		String userId = form.get("userid");
		List<String> scopes = null;
		for (RefreshToken token : this.refreshTokens.values()) {
			if (token.clientId.equals(clientId) && token.userId.equals(userId)) {
				scopes = token.scopes;
			}
		}
		if (scopes == null) {
			return reject(503, "Invalid Params: invalid userid");
		}
		String code = newToken();
		this.codes.put(code, new Code(clientId, null, scopes, userId, this.clock.instant()));
		this.counters.recoveries.incrementAndGet();
		return SimulatorResponse.envelope(0, Map.of("user", Map.of("code", code)), null);
	}

	private SimulatorResponse exchangeCode(String clientId, Map<String, String> form) {
		Code code = this.codes.get(form.get("code"));
		Instant now = this.clock.instant();
		if (code == null || code.used || !code.clientId.equals(clientId)
				|| (code.redirectUri != null && !code.redirectUri.equals(form.get("redirect_uri")))
				|| code.issuedAt.plus(CODE_LIFETIME).isBefore(now)) {
			return reject(503, INVALID_CODE);
		}
		code.used = true;
		return issue(clientId, code.userId, code.scopes, null);
	}

	private SimulatorResponse refresh(String clientId, String value) {
		RefreshToken token = (value != null) ? this.refreshTokens.get(value) : null;
		if (token == null || !token.clientId.equals(clientId)) {
			return reject(503, INVALID_REFRESH_TOKEN);
		}
		if (state(token) == RefreshTokenState.DEAD) {
			this.counters.deadChainUses.incrementAndGet();
			return reject(503, INVALID_REFRESH_TOKEN);
		}
		return issue(clientId, token.userId, token.scopes, token);
	}

	private SimulatorResponse issue(String clientId, String userId, List<String> scopes, RefreshToken predecessor) {
		Instant now = this.clock.instant();
		AccessToken access = new AccessToken(newToken(), clientId, userId, scopes, now.plus(ACCESS_TOKEN_LIFETIME));
		RefreshToken refresh = new RefreshToken(newToken(), clientId, userId, scopes, now);
		this.accessTokens.put(access.value, access);
		this.refreshTokens.put(refresh.value, refresh);
		if (predecessor != null) {
			predecessor.rotatedAt = now;
			predecessor.successorAccess = access;
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("userid", this.userIdAsString ? userId : Long.valueOf(userId));
		body.put("access_token", access.value);
		body.put("refresh_token", refresh.value);
		body.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
		body.put("scope", String.join(",", scopes));
		body.put("csrf_token", newToken());
		body.put("token_type", "Bearer");
		return SimulatorResponse.envelope(0, body, null);
	}

	synchronized RefreshTokenState refreshTokenState(String value) {
		RefreshToken token = this.refreshTokens.get(value);
		return (token != null) ? state(token) : RefreshTokenState.UNKNOWN;
	}

	private RefreshTokenState state(RefreshToken token) {
		Instant now = this.clock.instant();
		if (token.revoked || token.issuedAt.plus(REFRESH_TOKEN_LIFETIME).isBefore(now)) {
			return RefreshTokenState.DEAD;
		}
		if (token.rotatedAt == null) {
			return RefreshTokenState.ACTIVE;
		}
		if (token.successorAccess.used || token.rotatedAt.plus(ROTATION_GRACE).isBefore(now)) {
			return RefreshTokenState.DEAD;
		}
		return RefreshTokenState.GRACE;
	}

	/**
	 * The user removes the application in Withings: every token of that user, for every client,
	 * dies, and codes not yet exchanged are void.
	 * @param userId the Withings user id
	 * @return whether the simulator had issued anything to that user
	 */
	synchronized boolean revokeUser(String userId) {
		boolean known = false;
		Instant expired = this.clock.instant().minusSeconds(1);
		for (RefreshToken token : this.refreshTokens.values()) {
			if (token.userId.equals(userId)) {
				token.revoked = true;
				known = true;
			}
		}
		for (AccessToken token : this.accessTokens.values()) {
			if (token.userId.equals(userId)) {
				if (token.expiresAt.isAfter(expired)) {
					token.expiresAt = expired;
				}
				known = true;
			}
		}
		for (Code code : this.codes.values()) {
			if (code.userId.equals(userId)) {
				code.used = true;
				known = true;
			}
		}
		// nothing is linked any more: no application is notified about this user again
		this.notifications.removeSubscriptions(null, userId);
		return known;
	}

	synchronized boolean expireAccessToken(String value) {
		AccessToken token = this.accessTokens.get(value);
		if (token == null) {
			return false;
		}
		token.expiresAt = this.clock.instant().minusSeconds(1);
		return true;
	}

	// --- data API -----------------------------------------------------------------------------

	/**
	 * The data actions ({@code /measure getmeas}, {@code /v2/measure getactivity} and
	 * {@code getworkouts}, {@code /v2/sleep getsummary} and {@code get}, {@code /v2/heart list} and {@code get},
	 * {@code /v2/user getdevice}): a live access token (401), an action played here (2554), the
	 * action's scope (214), valid parameters (503), then one page of the user's data.
	 */
	synchronized SimulatorResponse data(SimulatorEndpoint endpoint, String authorization, Map<String, String> form) {
		this.counters.dataRequests.incrementAndGet();
		AccessToken token = accessToken(authorization);
		if (token == null) {
			this.counters.unauthorizedDataRequests.incrementAndGet();
			return SimulatorResponse.envelope(401, Map.of(), INVALID_TOKEN);
		}
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
		Instant now = this.clock.instant();
		return switch (endpoint) {
			case MEASURE -> measures(action, userId, form);
			case MEASURE_V2 -> SimulatorData.page(action, "getactivity".equals(form.get("action"))
					? SimulatorData.activities(userId, now, SimulatorData.DayWindow.of(form))
					: SimulatorData.workouts(userId, now, SimulatorData.DayWindow.of(form)), form, this.pageSize,
					Map.of());
			case SLEEP -> "get".equals(form.get("action")) ? SimulatorData.sleepSeries(userId, form)
					: SimulatorData.page(action, SimulatorData.sleepSummaries(userId, now, SimulatorData.DayWindow.of(form)),
							form, this.pageSize, Map.of());
			case HEART -> "get".equals(form.get("action")) ? SimulatorData.heartSignal(userId, form)
					: SimulatorData.page(action, SimulatorData.heartRecordings(userId, now, form), form, this.pageSize,
							Map.of());
			case USER -> Map.of("devices", SimulatorData.devices(userId, now));
			default -> throw new IllegalStateException("Unexpected endpoint " + endpoint);
		};
	}

	/** Rows per page of the paged data actions ({@code more}/{@code offset}). */
	synchronized void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

	/**
	 * {@code POST /notify}: the access token is checked here, under the lock; the subscription
	 * work (which may probe a callback URL for seconds) runs outside it.
	 */
	SimulatorResponse notify(String authorization, Map<String, String> form) {
		SimulatorNotifications.Caller caller;
		synchronized (this) {
			this.counters.dataRequests.incrementAndGet();
			AccessToken token = accessToken(authorization);
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
		long date = this.clock.instant().getEpochSecond();
		long groupId = this.nextRecordedGroupId++;
		Map<String, Object> group = measureGroup(groupId, date, measures);
		group.put("category", category);
		this.recordedGroups.computeIfAbsent(userId, (key) -> new ArrayList<>()).add(group);
		return new long[] { date, groupId };
	}

	private AccessToken accessToken(String authorization) {
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return null;
		}
		AccessToken token = this.accessTokens.get(authorization.substring("Bearer ".length()).trim());
		if (token == null || !token.expiresAt.isAfter(this.clock.instant())) {
			return null;
		}
		return token;
	}

	private Map<String, Object> measures(SimulatorData.Action action, String userId, Map<String, String> form) {
		// one weighing a day, the newest an hour ago: any 30-day window holds exactly 30 of them
		Instant today = this.clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
		boolean range = form.containsKey("startdate") || form.containsKey("enddate");
		Long lastUpdate = SimulatorData.optionalLong(form, "lastupdate");
		if (range && lastUpdate != null) {
			throw new SimulatorData.InvalidParams("startdate/enddate and lastupdate are exclusive");
		}
		long start = range ? SimulatorData.optionalLongOr(form, "startdate", Long.MIN_VALUE) : Long.MIN_VALUE;
		long end = range ? SimulatorData.optionalLongOr(form, "enddate", Long.MAX_VALUE) : Long.MAX_VALUE;
		Set<Integer> types = measureTypes(form);
		Integer category = category(form);
		long seed = SimulatorData.seed(userId);
		List<Map<String, Object>> groups = new ArrayList<>();
		for (int day = 0; day < 60; day++) {
			long date = today.minus(Duration.ofDays(day)).getEpochSecond();
			long grams = 70_000 + (seed % 10) * 1_000 + ((day * 7919L + seed) % 1_500) - day * 20L;
			groups.add(weightGroup(seed * 1000 + day, date, grams));
		}
		groups.addAll(this.recordedGroups.getOrDefault(userId, List.of()));
		List<Map<String, Object>> selected = new ArrayList<>();
		for (Map<String, Object> group : groups) {
			long date = (Long) group.get("date");
			boolean inWindow = ((lastUpdate != null) ? (Long) group.get("modified") > lastUpdate
					: date >= start && date <= end) && (category == null || category.equals(group.get("category")));
			Map<String, Object> typed = inWindow ? withTypes(group, types) : null;
			if (typed != null) {
				selected.add(typed);
			}
		}
		// newest first, as the generated ones
		selected.sort(Comparator.comparing((Map<String, Object> group) -> (Long) group.get("date")).reversed());
		Map<String, Object> head = new LinkedHashMap<>();
		head.put("updatetime", this.clock.instant().getEpochSecond());
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

	private static Map<String, Object> weightGroup(long groupId, long date, long grams) {
		return measureGroup(groupId, date, List.of(new SimulatorMeasure(1, grams, -3)));
	}

	private static Map<String, Object> measureGroup(long groupId, long date, List<SimulatorMeasure> values) {
		List<Map<String, Object>> measures = new ArrayList<>();
		for (SimulatorMeasure value : values) {
			measures.add(Map.of("value", value.value(), "type", value.type(), "unit", value.unit(), "algo", 0, "fm",
					1));
		}
		Map<String, Object> group = new LinkedHashMap<>();
		group.put("grpid", groupId);
		group.put("attrib", 0);
		group.put("date", date);
		group.put("created", date);
		group.put("modified", date);
		group.put("category", 1);
		group.put("deviceid", "a1b2c3d4");
		group.put("hash_deviceid", "a1b2c3d4");
		group.put("measures", measures);
		group.put("modelid", 5);
		group.put("model", "Body Smart");
		group.put("comment", null);
		return group;
	}

	// --- helpers ------------------------------------------------------------------------------

	private SimulatorResponse reject(int status, String error) {
		this.counters.rejectedTokenRequests.incrementAndGet();
		return SimulatorResponse.envelope(status, Map.of(), error);
	}

	private String newToken() {
		byte[] bytes = new byte[20];
		this.random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	static String hmac(String secret, String... values) {
		return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(String.join(",", values));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static final class ConsentTicket {

		final String clientId;

		final String redirectUri;

		final List<String> scopes;

		final String state;

		final Instant issuedAt;

		ConsentTicket(String clientId, String redirectUri, List<String> scopes, String state, Instant issuedAt) {
			this.clientId = clientId;
			this.redirectUri = redirectUri;
			this.scopes = scopes;
			this.state = state;
			this.issuedAt = issuedAt;
		}

	}

	private static final class Code {

		final String clientId;

		final String redirectUri;

		final List<String> scopes;

		final String userId;

		final Instant issuedAt;

		boolean used;

		Code(String clientId, String redirectUri, List<String> scopes, String userId, Instant issuedAt) {
			this.clientId = clientId;
			this.redirectUri = redirectUri;
			this.scopes = scopes;
			this.userId = userId;
			this.issuedAt = issuedAt;
		}

	}

	private static final class AccessToken {

		final String value;

		final String clientId;

		final String userId;

		final List<String> scopes;

		Instant expiresAt;

		boolean used;

		AccessToken(String value, String clientId, String userId, List<String> scopes, Instant expiresAt) {
			this.value = value;
			this.clientId = clientId;
			this.userId = userId;
			this.scopes = scopes;
			this.expiresAt = expiresAt;
		}

	}

	private static final class RefreshToken {

		final String value;

		final String clientId;

		final String userId;

		final List<String> scopes;

		final Instant issuedAt;

		Instant rotatedAt;

		AccessToken successorAccess;

		boolean revoked;

		RefreshToken(String value, String clientId, String userId, List<String> scopes, Instant issuedAt) {
			this.value = value;
			this.clientId = clientId;
			this.userId = userId;
			this.scopes = scopes;
			this.issuedAt = issuedAt;
		}

	}

}
