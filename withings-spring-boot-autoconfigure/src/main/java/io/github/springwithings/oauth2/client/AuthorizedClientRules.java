package io.github.springwithings.oauth2.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The rules every {@link WithingsAuthorizedClientService} applies, whatever it stores in.
 *
 * <p>What Spring asks to save is judged by the refresh-token chain, never by wall-clock times:
 * <ul>
 * <li>a client fresh from a code exchange (sign-in, re-link, scope change, another Withings
 * account) always replaces the stored one: a fresh consent starts a new chain;</li>
 * <li>a client carrying the stored access token changes nothing (Spring's save after a refresh
 * the store already persisted), except a Withings user id learnt since;</li>
 * <li>a client whose refresh token is the stored <em>previous</em> one is a late save of an older
 * rotation and is ignored;</li>
 * <li>a client whose access token came from a rotation of a client removed since (disconnected,
 * or dead) is not stored again, nor one from a rotation the store moved past since (a late save
 * of an older rotation);</li>
 * <li>a client refreshed from a refresh token the store did not hold replaces the stored one
 * only when that refresh token is the stored one (it descends from the stored chain): a snapshot
 * from before two rotations or a re-consent never overwrites the newer chain;</li>
 * <li>anything else replaces the stored client, as Spring's own services do (a consent this
 * store was not told of, say).</li>
 * </ul>
 * A refresh mark is never cleared by these saves: only by the rotation that set it, its release,
 * or the in-doubt follow-up. The stored Withings user id is carried over only to a client of the
 * same chain (the same access or refresh token, a known rotation, or a descendant): a client of
 * another chain gets the user id of its code exchange, of an {@code oauth2Login()} principal, or
 * none, never that of another account.
 */
final class AuthorizedClientRules {

	private static final int REMEMBERED = 10_000;

	private static final String NO_USER_ID = "";

	private final Map<String, String> consents = boundedMap();

	private final Map<String, Boolean> rotations = boundedMap();

	/** Access tokens from refreshes of refresh tokens the store did not hold → that refresh token. */
	private final Map<String, String> unstoredRefreshes = boundedMap();

	private static <V> Map<String, V> boundedMap() {
		return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
				return size() > REMEMBERED;
			}

		});
	}

	/** A code exchange issued this access token (with this Withings user id, maybe unknown). */
	void rememberConsent(String accessTokenValue, String userId) {
		if (accessTokenValue != null) {
			this.consents.put(hash(accessTokenValue), (userId != null) ? userId : NO_USER_ID);
		}
	}

	/** A client was stored as {@link #decide decided}: a consent is applied once. */
	void saved(OAuth2AuthorizedClient client) {
		this.consents.remove(hash(client.getAccessToken().getTokenValue()));
	}

	/** A refresh of a stored client issued this access token. */
	void rememberRotation(String accessTokenValue) {
		if (accessTokenValue != null) {
			this.rotations.put(hash(accessTokenValue), Boolean.TRUE);
		}
	}

	/** A refresh of {@code refreshTokenValue}, which the store did not hold, issued this access token. */
	void rememberUnstoredRefresh(String accessTokenValue, String refreshTokenValue) {
		if (accessTokenValue != null && refreshTokenValue != null) {
			this.unstoredRefreshes.put(hash(accessTokenValue), hash(refreshTokenValue));
		}
	}

	/**
	 * What to do with a client Spring asks to save.
	 * @param incoming the client to save
	 * @param principal the principal
	 * @param stored the stored client, may be {@code null}
	 * @return the decision
	 */
	Save decide(OAuth2AuthorizedClient incoming, Authentication principal, WithingsAuthorizedClient stored) {
		String accessTokenHash = hash(incoming.getAccessToken().getTokenValue());
		String consentUserId = this.consents.get(accessTokenHash);
		if (consentUserId != null) {
			return new Save(true, userIdFor(incoming, principal, consentUserId.isEmpty() ? null : consentUserId, null),
					true);
		}
		if (stored == null) {
			return new Save(!this.rotations.containsKey(accessTokenHash), userIdFor(incoming, principal, null, null),
					false);
		}
		String incomingRefreshToken = refreshTokenValue(incoming.getRefreshToken());
		boolean sameAccessToken = stored.getAuthorizedClient()
			.getAccessToken()
			.getTokenValue()
			.equals(incoming.getAccessToken().getTokenValue());
		boolean sameRefreshToken = incomingRefreshToken != null
				&& incomingRefreshToken.equals(stored.getRefreshTokenValue());
		boolean knownRotation = this.rotations.containsKey(accessTokenHash);
		String unstoredParent = this.unstoredRefreshes.get(accessTokenHash);
		boolean descends = unstoredParent != null && unstoredParent.equals(hash(stored.getRefreshTokenValue()));
		boolean sameChain = sameAccessToken || sameRefreshToken || knownRotation || descends;
		String userId = userIdFor(incoming, principal, null, sameChain ? stored.getUserId() : null);
		if (sameAccessToken) {
			return new Save(userId != null && !userId.equals(stored.getUserId()), userId, false);
		}
		if (incomingRefreshToken != null && hash(incomingRefreshToken).equals(stored.getPreviousRefreshTokenHash())) {
			return new Save(false, userId, false);
		}
		if (knownRotation || (unstoredParent != null && !descends)) {
			// an older rotation the store moved past, or a refresh of a refresh token from before it
			return new Save(false, userId, false);
		}
		return new Save(true, userId, false);
	}

	/**
	 * The Withings user id to store: from the code exchange, else the {@code userid} attribute of
	 * an {@code oauth2Login()} principal, else {@code carried} (the stored one, for a client of the
	 * same chain only).
	 */
	private static String userIdFor(OAuth2AuthorizedClient client, Authentication principal, String fromConsent,
			String carried) {
		if (fromConsent != null) {
			return fromConsent;
		}
		if (principal instanceof OAuth2AuthenticationToken token
				&& token.getAuthorizedClientRegistrationId().equals(client.getClientRegistration().getRegistrationId())) {
			Object userId = token.getPrincipal().getAttributes().get(WithingsAccessTokenResponseConverter.USER_ID);
			if (userId != null) {
				return userId.toString();
			}
		}
		return carried;
	}

	/**
	 * The client after a refresh. The refresh token counts as new only when its value changed
	 * (Spring re-wraps the old one when an answer has none).
	 */
	static WithingsAuthorizedClient rotated(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response,
			Instant now) {
		OAuth2AuthorizedClient previous = current.getAuthorizedClient();
		OAuth2RefreshToken refreshToken = (response.getRefreshToken() != null) ? response.getRefreshToken()
				: previous.getRefreshToken();
		boolean rotatedRefreshToken = !Objects.equals(refreshTokenValue(refreshToken),
				refreshTokenValue(previous.getRefreshToken()));
		Object userId = response.getAdditionalParameters().get(WithingsAccessTokenResponseConverter.USER_ID);
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(previous.getClientRegistration(),
				previous.getPrincipalName(), response.getAccessToken(), refreshToken);
		return new WithingsAuthorizedClient(client, (userId != null) ? userId.toString() : current.getUserId(),
				rotatedRefreshToken ? issuedAt(refreshToken, now) : current.getRefreshTokenIssuedAt(),
				current.getVersion() + 1, null,
				rotatedRefreshToken ? hash(current.getRefreshTokenValue()) : current.getPreviousRefreshTokenHash());
	}

	static Instant issuedAt(OAuth2RefreshToken refreshToken, Instant now) {
		return (refreshToken != null && refreshToken.getIssuedAt() != null) ? refreshToken.getIssuedAt() : now;
	}

	static String refreshTokenValue(OAuth2RefreshToken refreshToken) {
		return (refreshToken != null) ? refreshToken.getTokenValue() : null;
	}

	/** Lower-case hex SHA-256: token values are found by their hash, never stored in clear for lookups. */
	static String hash(String value) {
		if (value == null) {
			return null;
		}
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * A save decision.
	 *
	 * @param store whether to store the incoming client
	 * @param userId the Withings user id to store with it
	 * @param consent whether it comes from a fresh consent (a new chain)
	 */
	record Save(boolean store, String userId, boolean consent) {
	}

}
