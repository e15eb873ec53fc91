package io.github.springwithings.oauth2.client;

import java.time.Instant;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.util.Assert;

/**
 * A stored authorized client with what Withings needs besides Spring's {@link OAuth2AuthorizedClient}:
 * the Withings {@code userid} (it identifies the user in notifications, {@code revoke} and
 * {@code recoverauthorizationcode}), when the current refresh token was issued, and a version
 * that grows with every rotation.
 */
public final class WithingsAuthorizedClient {

	private final OAuth2AuthorizedClient authorizedClient;

	private final String userId;

	private final Instant refreshTokenIssuedAt;

	private final long version;

	private final Instant refreshStartedAt;

	private final String previousRefreshTokenHash;

	/**
	 * @param authorizedClient Spring's view of the client
	 * @param userId the Withings user id, {@code null} when not known yet
	 * @param refreshTokenIssuedAt when the refresh token was issued, may be {@code null}
	 * @param version the version, {@code 0} for a client never rotated
	 */
	public WithingsAuthorizedClient(OAuth2AuthorizedClient authorizedClient, String userId,
			Instant refreshTokenIssuedAt, long version) {
		this(authorizedClient, userId, refreshTokenIssuedAt, version, null, null);
	}

	/**
	 * A client as a store holds it.
	 * @param refreshStartedAt when a refresh of the current refresh token started without being
	 * finished (in progress, or in doubt), {@code null} when none
	 * @param previousRefreshTokenHash the hash of the refresh token the current one replaced
	 */
	WithingsAuthorizedClient(OAuth2AuthorizedClient authorizedClient, String userId, Instant refreshTokenIssuedAt,
			long version, Instant refreshStartedAt, String previousRefreshTokenHash) {
		Assert.notNull(authorizedClient, "authorizedClient cannot be null");
		this.authorizedClient = authorizedClient;
		this.userId = userId;
		this.refreshTokenIssuedAt = refreshTokenIssuedAt;
		this.version = version;
		this.refreshStartedAt = refreshStartedAt;
		this.previousRefreshTokenHash = previousRefreshTokenHash;
	}

	/** {@return Spring Security's authorized client} */
	public OAuth2AuthorizedClient getAuthorizedClient() {
		return this.authorizedClient;
	}

	/** {@return the client registration id} */
	public String getRegistrationId() {
		return this.authorizedClient.getClientRegistration().getRegistrationId();
	}

	/** {@return the principal name} */
	public String getPrincipalName() {
		return this.authorizedClient.getPrincipalName();
	}

	/** {@return the Withings user id, or {@code null} when not known yet} */
	public String getUserId() {
		return this.userId;
	}

	/** {@return when the current refresh token was issued, or {@code null}} */
	public Instant getRefreshTokenIssuedAt() {
		return this.refreshTokenIssuedAt;
	}

	/** {@return the version, {@code 0} for a client never rotated} */
	public long getVersion() {
		return this.version;
	}

	/**
	 * When a refresh of the current refresh token was started and not finished: a refresh in
	 * progress somewhere, or, once older than the in-doubt delay, one whose outcome is unknown
	 * (timeout, crash) and that must be attempted again with the same refresh token.
	 * @return the start, or {@code null}
	 */
	public Instant getRefreshStartedAt() {
		return this.refreshStartedAt;
	}

	/** The SHA-256 hash of the refresh token the current one replaced, or {@code null}. */
	String getPreviousRefreshTokenHash() {
		return this.previousRefreshTokenHash;
	}

	/** {@return the grant request that refreshes this client with its current tokens} */
	public OAuth2RefreshTokenGrantRequest refreshGrantRequest() {
		return new OAuth2RefreshTokenGrantRequest(this.authorizedClient.getClientRegistration(),
				this.authorizedClient.getAccessToken(), this.authorizedClient.getRefreshToken());
	}

	/** {@return the current refresh token's value, or {@code null}} */
	public String getRefreshTokenValue() {
		return (this.authorizedClient.getRefreshToken() != null)
				? this.authorizedClient.getRefreshToken().getTokenValue() : null;
	}

	@Override
	public String toString() {
		return "WithingsAuthorizedClient[registrationId=" + getRegistrationId() + ", principalName="
				+ getPrincipalName() + ", userId=" + this.userId + ", version=" + this.version + "]";
	}

}
