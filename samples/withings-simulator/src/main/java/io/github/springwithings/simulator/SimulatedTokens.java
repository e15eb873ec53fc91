package io.github.springwithings.simulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What the simulator issued: authorization codes, access tokens and refresh tokens, and Withings'
 * rotation rule (the old refresh token dies 8 hours after rotation or as soon as the new access
 * token is used). Not thread-safe: guarded by the {@link WithingsBackend}'s lock.
 */
final class SimulatedTokens {

	static final Duration CODE_LIFETIME = Duration.ofSeconds(30);

	static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(3);

	static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(365);

	static final Duration ROTATION_GRACE = Duration.ofHours(8);

	private final SecureRandom random = new SecureRandom();

	private final SimulatorClock clock;

	private final Map<String, Code> codes = new HashMap<>();

	private final Map<String, AccessToken> accessTokens = new HashMap<>();

	private final Map<String, RefreshToken> refreshTokens = new HashMap<>();

	SimulatedTokens(SimulatorClock clock) {
		this.clock = clock;
	}

	/** Forget every code and token. */
	void clear() {
		this.codes.clear();
		this.accessTokens.clear();
		this.refreshTokens.clear();
	}

	/** {@return a new random value (codes, tokens, nonces, consent tickets)} */
	String newToken() {
		byte[] bytes = new byte[20];
		this.random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	/**
	 * A new authorization code, issued now.
	 * @param redirectUri the redirect URI it is bound to, {@code null} for a recovered code
	 * @return the code's value
	 */
	String issueCode(String clientId, String redirectUri, List<String> scopes, String userId) {
		String code = newToken();
		this.codes.put(code, new Code(clientId, redirectUri, scopes, userId, this.clock.instant()));
		return code;
	}

	Code code(String value) {
		return this.codes.get(value);
	}

	/**
	 * The live access token of an {@code Authorization: Bearer} header.
	 * @return the token, or {@code null} when unknown or expired
	 */
	AccessToken accessToken(String authorization) {
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return null;
		}
		AccessToken token = this.accessTokens.get(authorization.substring("Bearer ".length()).trim());
		if (token == null || !token.expiresAt.isAfter(this.clock.instant())) {
			return null;
		}
		return token;
	}

	RefreshToken refreshToken(String value) {
		return this.refreshTokens.get(value);
	}

	/**
	 * A new access and refresh token; the predecessor, if any, is rotated now.
	 * @return the new pair
	 */
	Issued issue(String clientId, String userId, List<String> scopes, RefreshToken predecessor) {
		Instant now = this.clock.instant();
		AccessToken access = new AccessToken(newToken(), clientId, userId, scopes, now.plus(ACCESS_TOKEN_LIFETIME));
		RefreshToken refresh = new RefreshToken(newToken(), clientId, userId, scopes, now);
		this.accessTokens.put(access.value, access);
		this.refreshTokens.put(refresh.value, refresh);
		if (predecessor != null) {
			predecessor.rotatedAt = now;
			predecessor.successorAccess = access;
		}
		return new Issued(access, refresh);
	}

	RefreshTokenState refreshTokenState(String value) {
		RefreshToken token = this.refreshTokens.get(value);
		return (token != null) ? state(token) : RefreshTokenState.UNKNOWN;
	}

	RefreshTokenState state(RefreshToken token) {
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
	 * {@code action=revoke}: the application's refresh tokens for that user are revoked and its
	 * access tokens expire.
	 * @return whether the application held a live refresh token of that user
	 */
	boolean revoke(String clientId, String userId) {
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
		return known;
	}

	/** {@return the scopes of the application's refresh tokens for that user, or {@code null} when none} */
	List<String> scopes(String clientId, String userId) {
		List<String> scopes = null;
		for (RefreshToken token : this.refreshTokens.values()) {
			if (token.clientId.equals(clientId) && token.userId.equals(userId)) {
				scopes = token.scopes;
			}
		}
		return scopes;
	}

	/**
	 * The user removes the application in Withings: every token of that user, for every client,
	 * dies, and codes not yet exchanged are void.
	 * @return whether anything had been issued to that user
	 */
	boolean revokeUser(String userId) {
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
		return known;
	}

	boolean expireAccessToken(String value) {
		AccessToken token = this.accessTokens.get(value);
		if (token == null) {
			return false;
		}
		token.expiresAt = this.clock.instant().minusSeconds(1);
		return true;
	}

	/** A new access token and its refresh token. */
	record Issued(AccessToken access, RefreshToken refresh) {
	}

	static final class Code {

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

	static final class AccessToken {

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

	static final class RefreshToken {

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
