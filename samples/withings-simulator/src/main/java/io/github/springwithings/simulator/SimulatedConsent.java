package io.github.springwithings.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consent page, {@code /oauth2_user/authorize2}: who consents (a new user, a named account or
 * a fixed user id), the optional HTML form with its single-use tickets, and the redirect back to
 * the application with a code. Not thread-safe: guarded by the {@link WithingsBackend}'s lock.
 */
final class SimulatedConsent {

	static final Set<String> KNOWN_SCOPES = Set.of("user.info", "user.metrics", "user.activity", "user.sleepevents");

	static final Duration CONSENT_TICKET_LIFETIME = Duration.ofMinutes(10);

	static final long FIRST_SEQUENTIAL_USER_ID = 36_000_001L;

	private final SimulatorClock clock;

	private final Map<String, String> clients;

	private final SimulatedTokens tokens;

	private final Map<String, ConsentTicket> tickets = new HashMap<>();

	private final SimulatorAccounts accounts = new SimulatorAccounts();

	private final AtomicLong nextUserId = new AtomicLong(FIRST_SEQUENTIAL_USER_ID);

	private String consentingUserId;

	private String consentingAccount;

	private boolean consentPage;

	private boolean consentPageByDefault;

	private boolean denyConsent;

	/**
	 * @param clients the registered clients (id to secret), shared with the backend
	 * @param tokens where codes are issued
	 */
	SimulatedConsent(SimulatorClock clock, Map<String, String> clients, SimulatedTokens tokens) {
		this.clock = clock;
		this.clients = clients;
		this.tokens = tokens;
	}

	/** Back to the defaults: a new user per consent, no pending form; account ids stay. */
	void reset() {
		this.tickets.clear();
		this.consentingUserId = null;
		this.consentingAccount = null;
		this.consentPage = this.consentPageByDefault;
		this.denyConsent = false;
	}

	void setConsentingUserId(String userId) {
		this.consentingUserId = userId;
		this.consentingAccount = null;
	}

	void consentAs(String account) {
		this.consentingAccount = SimulatorAccounts.normalize(account);
		this.consentingUserId = null;
	}

	void consentAsNewUsers() {
		this.consentingAccount = null;
		this.consentingUserId = null;
	}

	/** Thread-safe: {@link SimulatorAccounts} is. */
	String accountUserId(String account) {
		return this.accounts.userId(account);
	}

	void setConsentPage(boolean consentPage) {
		this.consentPage = consentPage;
	}

	void setConsentPageByDefault(boolean consentPage) {
		this.consentPage = consentPage;
		this.consentPageByDefault = consentPage;
	}

	boolean isConsentPage() {
		return this.consentPage;
	}

	void setDenyConsent(boolean denyConsent) {
		this.denyConsent = denyConsent;
	}

	/** Who consents, for the admin API. */
	Map<String, Object> consentState() {
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

	/**
	 * The consent page, {@code GET /oauth2_user/authorize2}.
	 * @param query the query parameters
	 * @param pageAllowed whether the HTML form may be shown (when enabled); {@code false} approves
	 * at once, as a user who always clicks Allow
	 * @return the redirect back to the application, the form, or an error page
	 */
	SimulatorResponse authorize(Map<String, String> query, boolean pageAllowed) {
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
			String ticket = this.tokens.newToken();
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
	SimulatorResponse consent(Map<String, String> form) {
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
		String code = this.tokens.issueCode(clientId, redirectUri, scopes, userId);
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

}
