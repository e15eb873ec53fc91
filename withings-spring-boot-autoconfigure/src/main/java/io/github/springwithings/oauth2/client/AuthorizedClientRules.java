package io.github.springwithings.oauth2.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The rules every {@link WithingsAuthorizedClientService} applies, whatever it stores in.
 */
final class AuthorizedClientRules {

	private static final int PENDING_USER_IDS = 10_000;

	private final Map<String, String> pendingUserIds = Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
				return size() > PENDING_USER_IDS;
			}

		});

	void rememberUserId(String accessTokenValue, String userId) {
		if (accessTokenValue != null && userId != null) {
			this.pendingUserIds.put(hash(accessTokenValue), userId);
		}
	}

	/**
	 * The Withings user id to store with a client saved by Spring: remembered from its code
	 * exchange, else the {@code userid} attribute of an {@code oauth2Login()} principal, else the
	 * one already stored.
	 */
	String userIdFor(OAuth2AuthorizedClient client, Authentication principal, WithingsAuthorizedClient stored) {
		String remembered = this.pendingUserIds.remove(hash(client.getAccessToken().getTokenValue()));
		if (remembered != null) {
			return remembered;
		}
		if (principal instanceof OAuth2AuthenticationToken token
				&& token.getAuthorizedClientRegistrationId().equals(client.getClientRegistration().getRegistrationId())) {
			Object userId = token.getPrincipal().getAttributes().get(WithingsAccessTokenResponseConverter.USER_ID);
			if (userId != null) {
				return userId.toString();
			}
		}
		return (stored != null) ? stored.getUserId() : null;
	}

	/**
	 * Whether a client Spring asks to save must be ignored: it carries the stored tokens already,
	 * or tokens issued before the stored ones (a late save of an older rotation).
	 */
	static boolean isStaleOrSame(OAuth2AuthorizedClient incoming, WithingsAuthorizedClient stored, String userId) {
		if (stored == null) {
			return false;
		}
		OAuth2AccessToken storedToken = stored.getAuthorizedClient().getAccessToken();
		OAuth2AccessToken incomingToken = incoming.getAccessToken();
		if (storedToken.getTokenValue().equals(incomingToken.getTokenValue())) {
			return userId == null || userId.equals(stored.getUserId());
		}
		return storedToken.getIssuedAt() != null && incomingToken.getIssuedAt() != null
				&& incomingToken.getIssuedAt().isBefore(storedToken.getIssuedAt());
	}

	/** The client after a refresh. */
	static WithingsAuthorizedClient rotated(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response,
			Instant now) {
		OAuth2AuthorizedClient previous = current.getAuthorizedClient();
		OAuth2RefreshToken refreshToken = (response.getRefreshToken() != null) ? response.getRefreshToken()
				: previous.getRefreshToken();
		boolean rotatedRefreshToken = refreshToken != previous.getRefreshToken();
		Object userId = response.getAdditionalParameters().get(WithingsAccessTokenResponseConverter.USER_ID);
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(previous.getClientRegistration(),
				previous.getPrincipalName(), response.getAccessToken(), refreshToken);
		return new WithingsAuthorizedClient(client, (userId != null) ? userId.toString() : current.getUserId(),
				rotatedRefreshToken ? issuedAt(refreshToken, now) : current.getRefreshTokenIssuedAt(),
				current.getVersion() + 1);
	}

	static Instant issuedAt(OAuth2RefreshToken refreshToken, Instant now) {
		return (refreshToken != null && refreshToken.getIssuedAt() != null) ? refreshToken.getIssuedAt() : now;
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

}
