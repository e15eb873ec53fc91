package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * The token endpoint, {@code /v2/oauth2} ({@code requesttoken} with a code or a refresh token,
 * {@code revoke}, {@code recoverauthorizationcode}), and its nonce, {@code /v2/signature
 * getnonce}: the client's secret or a single-use nonce with a valid HMAC signature, then the
 * action. Not thread-safe: guarded by the {@link WithingsBackend}'s lock.
 */
final class SimulatedTokenEndpoint {

	static final Duration NONCE_LIFETIME = Duration.ofMinutes(30);

	static final String INVALID_CLIENT = "Invalid Params: invalid client id/secret";

	static final String INVALID_CODE = "Invalid Params: invalid code";

	static final String INVALID_REFRESH_TOKEN = "Invalid Params: invalid refresh_token";

	private final SimulatorClock clock;

	private final SimulatorCounters counters;

	private final Map<String, String> clients;

	private final SimulatedTokens tokens;

	private final SimulatedRateLimit rateLimit;

	private final SimulatorNotifications notifications;

	private final Map<String, Instant> nonces = new HashMap<>();

	private boolean userIdAsString;

	private boolean recoveryAllowed = true;

	/**
	 * @param clients the registered clients (id to secret), shared with the backend
	 */
	SimulatedTokenEndpoint(SimulatorClock clock, SimulatorCounters counters, Map<String, String> clients,
			SimulatedTokens tokens, SimulatedRateLimit rateLimit, SimulatorNotifications notifications) {
		this.clock = clock;
		this.counters = counters;
		this.clients = clients;
		this.tokens = tokens;
		this.rateLimit = rateLimit;
		this.notifications = notifications;
	}

	/** Forget the nonces; the protocol switches return to their defaults. */
	void reset() {
		this.nonces.clear();
		this.userIdAsString = false;
		this.recoveryAllowed = true;
	}

	void setUserIdAsString(boolean userIdAsString) {
		this.userIdAsString = userIdAsString;
	}

	void setRecoveryAllowed(boolean recoveryAllowed) {
		this.recoveryAllowed = recoveryAllowed;
	}

	// --- /v2/signature ------------------------------------------------------------------------

	SimulatorResponse signature(Map<String, String> form) {
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
		String nonce = this.tokens.newToken();
		this.nonces.put(nonce, this.clock.instant());
		this.counters.nonceRequests.incrementAndGet();
		return SimulatorResponse.envelope(0, Map.of("nonce", nonce), null);
	}

	// --- /v2/oauth2 ---------------------------------------------------------------------------

	SimulatorResponse oauth2(Map<String, String> form) {
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
		SimulatorResponse sameArguments = this.rateLimit.sameArguments(form);
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
		if (!this.tokens.revoke(clientId, userId)) {
			return reject(503, "Invalid Params: invalid userid");
		}
		// Withings: on revoke "both tokens die, notification subscriptions are removed"
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
		List<String> scopes = this.tokens.scopes(clientId, userId);
		if (scopes == null) {
			return reject(503, "Invalid Params: invalid userid");
		}
		String code = this.tokens.issueCode(clientId, null, scopes, userId);
		this.counters.recoveries.incrementAndGet();
		return SimulatorResponse.envelope(0, Map.of("user", Map.of("code", code)), null);
	}

	private SimulatorResponse exchangeCode(String clientId, Map<String, String> form) {
		SimulatedTokens.Code code = this.tokens.code(form.get("code"));
		Instant now = this.clock.instant();
		if (code == null || code.used || !code.clientId.equals(clientId)
				|| (code.redirectUri != null && !code.redirectUri.equals(form.get("redirect_uri")))
				|| code.issuedAt.plus(SimulatedTokens.CODE_LIFETIME).isBefore(now)) {
			return reject(503, INVALID_CODE);
		}
		code.used = true;
		return issue(clientId, code.userId, code.scopes, null);
	}

	private SimulatorResponse refresh(String clientId, String value) {
		SimulatedTokens.RefreshToken token = (value != null) ? this.tokens.refreshToken(value) : null;
		if (token == null || !token.clientId.equals(clientId)) {
			return reject(503, INVALID_REFRESH_TOKEN);
		}
		if (this.tokens.state(token) == RefreshTokenState.DEAD) {
			this.counters.deadChainUses.incrementAndGet();
			return reject(503, INVALID_REFRESH_TOKEN);
		}
		return issue(clientId, token.userId, token.scopes, token);
	}

	private SimulatorResponse issue(String clientId, String userId, List<String> scopes,
			SimulatedTokens.RefreshToken predecessor) {
		SimulatedTokens.Issued issued = this.tokens.issue(clientId, userId, scopes, predecessor);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("userid", this.userIdAsString ? userId : Long.valueOf(userId));
		body.put("access_token", issued.access().value);
		body.put("refresh_token", issued.refresh().value);
		body.put("expires_in", SimulatedTokens.ACCESS_TOKEN_LIFETIME.toSeconds());
		body.put("scope", String.join(",", scopes));
		body.put("csrf_token", this.tokens.newToken());
		body.put("token_type", "Bearer");
		return SimulatorResponse.envelope(0, body, null);
	}

	private SimulatorResponse reject(int status, String error) {
		this.counters.rejectedTokenRequests.incrementAndGet();
		return SimulatorResponse.envelope(status, Map.of(), error);
	}

	static String hmac(String secret, String... values) {
		return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(String.join(",", values));
	}

}
