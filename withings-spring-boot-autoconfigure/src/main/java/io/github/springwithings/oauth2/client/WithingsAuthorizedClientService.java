package io.github.springwithings.oauth2.client;

import java.time.Instant;
import java.util.List;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * An {@link OAuth2AuthorizedClientService} that never loses a Withings refresh token rotation.
 *
 * <p>Besides Spring's contract it keeps the Withings {@code userid}, the refresh token's issue
 * time, a version, the hash of the previous refresh token and a <em>refresh mark</em>: the time a
 * refresh of the current refresh token started without finishing. The refresh path
 * ({@link SingleFlightRefreshTokenResponseClient}) uses them as a lease, never holding a database
 * lock or connection while it calls Withings:
 * <ol>
 * <li>{@link #claimRefresh} durably marks the client (committed on its own, never in the
 * caller's transaction) — only one caller, in any instance, wins the claim;</li>
 * <li>the winner calls Withings;</li>
 * <li>{@link #saveRotation} stores the new pair and clears the mark, only if the client still
 * holds the refresh token that was rotated (committed before the new access token is handed
 * out), or {@link #releaseRefresh} clears the mark when Withings definitely did not rotate.</li>
 * </ol>
 * A mark left behind (timeout, crash, failed commit) is a refresh <em>in doubt</em>:
 * {@link #findRefreshesInDoubt} finds it so that it is attempted again with the same refresh token
 * well inside Withings' 8-hour grace.
 *
 * <p>{@link #saveAuthorizedClient} judges what Spring saves by the refresh-token chain: a fresh
 * consent always wins, a late save of an older rotation is ignored.
 *
 * <p>The starter's stores publish, once the change is committed, a
 * {@link io.github.springwithings.oauth2.client.WithingsUserLinkedEvent} when a consent is
 * stored and a {@link io.github.springwithings.oauth2.client.WithingsUserLostEvent} when
 * {@link #removeAuthorizedClientIfRefreshToken} removes a link; other implementations should too.
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
	 * Find the client whose current or previous refresh token is {@code refreshTokenValue}
	 * (preferring one whose current refresh token it is).
	 * @param registrationId the registration id
	 * @param refreshTokenValue the refresh token
	 * @return the client, or {@code null}
	 */
	WithingsAuthorizedClient loadByRefreshToken(String registrationId, String refreshTokenValue);

	/**
	 * Durably mark that a refresh of {@code client}'s current refresh token starts now, if the
	 * store still holds that refresh token and no other refresh of it started after
	 * {@code staleBefore}. Committed before returning, whatever transaction the caller is in.
	 * @param client the client as loaded
	 * @param now the start (stored with millisecond precision)
	 * @param staleBefore marks older than this are in doubt and may be taken over
	 * @return whether the claim was won
	 */
	boolean claimRefresh(WithingsAuthorizedClient client, Instant now, Instant staleBefore);

	/**
	 * Store a rotation: the new tokens replace the current ones, the current refresh token becomes
	 * the previous one, the version grows, the refresh mark is cleared. Only if the store still
	 * holds the refresh token that was rotated. Committed before returning, whatever transaction
	 * the caller is in.
	 * @param current the client whose refresh token was rotated
	 * @param response the token response of the refresh
	 * @return the stored client, or {@code null} when the store no longer holds that refresh
	 * token (a sign-in replaced it, or it was removed)
	 */
	WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response);

	/**
	 * {@link #saveRotation(WithingsAuthorizedClient, OAuth2AccessTokenResponse)}, only if the
	 * refresh mark is still the one set at {@code claimedAt}: a write of an earlier attempt that the
	 * database applies late (after its caller gave up waiting) can then never overwrite the
	 * rotation of a later claim. Stores whose writes cannot land late may ignore the mark (the
	 * default).
	 * @param current the client whose refresh token was rotated
	 * @param response the token response of the refresh
	 * @param claimedAt the start given to {@link #claimRefresh} by the caller that rotated
	 * @return the stored client, or {@code null} when the store no longer holds that refresh
	 * token or that mark
	 */
	default WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response,
			Instant claimedAt) {
		return saveRotation(current, response);
	}

	/**
	 * Clear the refresh mark set at {@code claimedAt}, when Withings definitely did not rotate.
	 * @param client the client as claimed
	 * @param claimedAt the start given to {@link #claimRefresh}
	 */
	void releaseRefresh(WithingsAuthorizedClient client, Instant claimedAt);

	/**
	 * Clients whose refresh started before {@code startedBefore} and never finished.
	 * @param registrationId the registration id
	 * @param startedBefore the bound
	 * @param size at most this many
	 * @return the clients, oldest marks first
	 */
	List<WithingsAuthorizedClient> findRefreshesInDoubt(String registrationId, Instant startedBefore, int size);

	/**
	 * Remove a client only if its current refresh token is still {@code refreshTokenValue}
	 * (compare before remove).
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @param refreshTokenValue the refresh token that was found dead
	 * @return whether it was removed
	 */
	boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName, String refreshTokenValue);

	/**
	 * Remove a client only if its current refresh token is still {@code refreshTokenValue}
	 * (compare before remove), announcing the loss with {@code reason}. Stores that publish no
	 * link events may keep the default, which ignores the reason.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @param refreshTokenValue the refresh token that was declared dead
	 * @param reason why the link is lost
	 * @return whether it was removed
	 */
	default boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue, WithingsUserLostEvent.Reason reason) {
		return removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue);
	}

	/**
	 * Remember that a code exchange (a fresh consent) issued this access token, with the Withings
	 * user id behind it, so that the next {@link #saveAuthorizedClient} of that token replaces the
	 * stored client unconditionally and stores the user id (Spring's {@link OAuth2AuthorizedClient}
	 * cannot carry it).
	 * @param accessTokenValue the access token
	 * @param userId the Withings user id, {@code null} when the answer had none
	 */
	void rememberUserId(String accessTokenValue, String userId);

	/**
	 * Remember that a refresh of a refresh token this store did not hold issued this access
	 * token, so that Spring's next {@link #saveAuthorizedClient} of it replaces a stored client
	 * only when that answer descends from the stored chain (never a newer rotation or consent of
	 * the same principal). The default remembers nothing.
	 * @param accessTokenValue the access token of the answer
	 * @param refreshTokenValue the refresh token that was refreshed
	 */
	default void rememberUnstoredRefresh(String accessTokenValue, String refreshTokenValue) {
	}

	/**
	 * A page of stored clients of a registration, ordered by principal name.
	 * @param registrationId the registration id
	 * @param afterPrincipalName the last principal name of the previous page, {@code null} for the first
	 * @param size the page size
	 * @return at most {@code size} clients
	 */
	List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size);

	/**
	 * Count the clients of a registration by the issue time of their refresh token, and those
	 * whose refresh is in doubt, reading no token: in the relational stores one aggregate query,
	 * whatever the number of users. The default pages through {@link #findPage}.
	 * @param registrationId the registration id
	 * @param issuedBefore issue-time bounds, newest first: count {@code i} of
	 * {@link WithingsLinkCounts#byRefreshTokenAge()} holds the clients whose refresh token was
	 * issued before bound {@code i - 1} (for {@code i > 0}) and at or after bound {@code i} (for
	 * {@code i} less than the number of bounds)
	 * @param refreshStartedBefore refreshes started before this and never finished are in doubt
	 * @return the counts
	 */
	default WithingsLinkCounts countLinks(String registrationId, List<Instant> issuedBefore,
			Instant refreshStartedBefore) {
		LinkCounter counter = new LinkCounter(issuedBefore, refreshStartedBefore);
		String after = null;
		List<WithingsAuthorizedClient> page;
		do {
			page = findPage(registrationId, after, 500);
			page.forEach(counter::add);
			after = page.isEmpty() ? after : page.get(page.size() - 1).getPrincipalName();
		}
		while (page.size() == 500);
		return counter.counts();
	}

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
