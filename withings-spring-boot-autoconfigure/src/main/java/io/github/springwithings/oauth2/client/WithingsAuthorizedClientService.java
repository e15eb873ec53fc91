package io.github.springwithings.oauth2.client;

import java.util.List;
import java.util.function.Function;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * An {@link OAuth2AuthorizedClientService} that never loses a Withings refresh token rotation.
 *
 * <p>Besides Spring's contract it keeps the Withings {@code userid}, the refresh token's issue
 * time and a version, and it gives the refresh path an exclusive lock on a client found by its
 * current <em>or previous</em> refresh token, so that concurrent refreshes (threads or
 * application instances) collapse into one call to Withings whose result is stored before
 * anyone uses it.
 *
 * <p>{@link #saveAuthorizedClient} keeps the newest tokens: a client whose access token was
 * issued before the stored one is ignored (a late save of an older rotation never overwrites a
 * newer one).
 */
public interface WithingsAuthorizedClientService extends OAuth2AuthorizedClientService {

	/**
	 * Load a client with its Withings data.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @return the client, or {@code null}
	 */
	WithingsAuthorizedClient loadWithingsAuthorizedClient(String registrationId, String principalName);

	/**
	 * Find the client of a Withings user (e.g. for a notification).
	 * @param registrationId the registration id
	 * @param userId the Withings user id
	 * @return the client, or {@code null}
	 */
	WithingsAuthorizedClient loadByUserId(String registrationId, String userId);

	/**
	 * Run {@code work} holding an exclusive lock on the client whose current or previous refresh
	 * token is {@code refreshTokenValue}. Other callers for the same client (in this process or,
	 * for shared stores, in others) wait until {@code work} returns. {@link #saveRotation} called
	 * from {@code work} is part of the same unit: if it or {@code work} fails, nothing is stored.
	 * @param registrationId the registration id
	 * @param refreshTokenValue the refresh token being refreshed
	 * @param work gets the stored client ({@code null} when none holds that refresh token)
	 * @param <T> what {@code work} returns
	 * @return what {@code work} returned
	 */
	<T> T lockByRefreshToken(String registrationId, String refreshTokenValue, Function<WithingsAuthorizedClient, T> work);

	/**
	 * Store a rotation: the new tokens replace the current ones, the current refresh token becomes
	 * the previous one, the version grows. Call it only from {@link #lockByRefreshToken} work.
	 * @param current the client as locked
	 * @param response the token response of the refresh
	 * @return the stored client
	 */
	WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response);

	/**
	 * Remove a client only if its current refresh token is still {@code refreshTokenValue}
	 * (compare before remove).
	 * @return whether it was removed
	 */
	boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName, String refreshTokenValue);

	/**
	 * Remember the Withings user id behind an access token from a code exchange, so that the next
	 * {@link #saveAuthorizedClient} of that token stores it (Spring's {@link OAuth2AuthorizedClient}
	 * cannot carry it).
	 * @param accessTokenValue the access token
	 * @param userId the Withings user id
	 */
	void rememberUserId(String accessTokenValue, String userId);

	/**
	 * A page of stored clients of a registration, ordered by principal name.
	 * @param registrationId the registration id
	 * @param afterPrincipalName the last principal name of the previous page, {@code null} for the first
	 * @param size the page size
	 * @return at most {@code size} clients
	 */
	List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size);

	/**
	 * Spring's {@link OAuth2AuthorizedClient} of a stored one.
	 * @param client the stored client, may be {@code null}
	 * @param <T> the client type
	 * @return the client or {@code null}
	 */
	@SuppressWarnings("unchecked")
	static <T extends OAuth2AuthorizedClient> T unwrap(WithingsAuthorizedClient client) {
		return (client != null) ? (T) client.getAuthorizedClient() : null;
	}

}
