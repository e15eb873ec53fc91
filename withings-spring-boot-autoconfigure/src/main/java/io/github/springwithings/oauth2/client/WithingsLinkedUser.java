package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * A user linked to Withings, as an application lists it: who, which Withings account, what was
 * granted and how old the refresh token is. Never a token.
 *
 * @param registrationId the client registration id
 * @param principalName the principal name (the Withings user id for users who signed in with Withings)
 * @param userId the Withings user id, {@code null} when Withings did not say
 * @param scopes the granted scopes
 * @param refreshTokenIssuedAt when the current refresh token was issued, {@code null} when unknown
 */
public record WithingsLinkedUser(String registrationId, String principalName, String userId, Set<String> scopes,
		Instant refreshTokenIssuedAt) {

	/**
	 * Creates a linked user (with a copy of the scopes, none when {@code null}).
	 * @param registrationId the client registration id
	 * @param principalName the principal name (the Withings user id for users who signed in with Withings)
	 * @param userId the Withings user id, {@code null} when Withings did not say
	 * @param scopes the granted scopes
	 * @param refreshTokenIssuedAt when the current refresh token was issued, {@code null} when unknown
	 */
	public WithingsLinkedUser {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.hasText(principalName, "principalName cannot be empty");
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
	}

	/**
	 * The linked user of a stored client.
	 * @param client the stored client
	 * @return the linked user
	 */
	public static WithingsLinkedUser of(WithingsAuthorizedClient client) {
		Assert.notNull(client, "client cannot be null");
		return new WithingsLinkedUser(client.getRegistrationId(), client.getPrincipalName(), client.getUserId(),
				client.getAuthorizedClient().getAccessToken().getScopes(), client.getRefreshTokenIssuedAt());
	}

	/**
	 * Age of the current refresh token (Withings refresh tokens live a year; each refresh issues a
	 * new one).
	 * @param now the current time
	 * @return the age, {@code null} when the issue time is unknown
	 */
	public Duration refreshTokenAge(Instant now) {
		Assert.notNull(now, "now cannot be null");
		return (this.refreshTokenIssuedAt != null) ? Duration.between(this.refreshTokenIssuedAt, now) : null;
	}

}
