package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;
import io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient.busy;

/**
 * The cluster half of {@link SingleFlightRefreshTokenResponseClient}, for clients the store
 * holds: the claim-and-poll loop on the store's refresh mark ({@link #refresh}), the claimed
 * refresh with its error classification (dead, certainly nothing done, or in doubt), the
 * in-doubt marks this instance remembers, and the refresh tokens it rotated out of the store
 * (never sent again: the principal's stored chain is served instead). Its settings (clock, skew,
 * delays, recovery) are the decorator's, read at each use.
 */
final class ClaimedRefresh {

	/** The decorator's category: its DEBUG lines tell one story whichever collaborator writes them. */
	private static final Log logger = LogFactory.getLog(SingleFlightRefreshTokenResponseClient.class);

	private static final int RETIRED_REFRESH_TOKENS = 10_000;

	private final SingleFlightRefreshTokenResponseClient flight;

	private final WithingsAuthorizedClientService authorizedClientService;

	/**
	 * Refresh marks this instance left in doubt: nobody here is still working on them. Forgotten
	 * once the row's mark moved on, or once older than the in-doubt delay (any instance takes
	 * them over by then).
	 */
	private final Map<String, Instant> ownMarksInDoubt = new ConcurrentHashMap<>();

	/** Refresh tokens rotated out of the store here (lock key) → the client that held them. */
	private final Map<String, String> retiredRefreshTokens = Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
				return size() > RETIRED_REFRESH_TOKENS;
			}

		});

	ClaimedRefresh(SingleFlightRefreshTokenResponseClient flight, WithingsAuthorizedClientService authorizedClientService) {
		this.flight = flight;
		this.authorizedClientService = authorizedClientService;
	}

	/**
	 * Claim the refresh of the stored client that holds this refresh token and make it, or poll
	 * for the result of the caller that holds the claim, until {@code deadline}.
	 */
	OAuth2AccessTokenResponse refresh(OAuth2RefreshTokenGrantRequest grantRequest, String key, Instant deadline) {
		String registrationId = grantRequest.getClientRegistration().getRegistrationId();
		String refreshToken = grantRequest.getRefreshToken().getTokenValue();
		while (true) {
			WithingsAuthorizedClient stored = store(
					() -> this.authorizedClientService.loadByRefreshToken(registrationId, refreshToken));
			if (stored == null) {
				return refreshRetiredOrUnstored(grantRequest, key, deadline);
			}
			forgetOwnMarksMovedOn(stored);
			if (!refreshToken.equals(stored.getRefreshTokenValue()) && isFresh(stored)) {
				if (logger.isDebugEnabled()) {
					logger.debug("Withings tokens of '" + stored.getPrincipalName()
							+ "' already refreshed by another caller; using them");
				}
				return responseOf(stored);
			}
			Instant now = this.flight.clock().instant();
			Instant started = stored.getRefreshStartedAt();
			Instant staleBefore = (started != null && started.equals(this.ownMarksInDoubt.get(clientKey(stored))))
					? started.plusMillis(1) : now.minus(this.flight.getInDoubtRetryDelay());
			if (started == null || started.isBefore(staleBefore)) {
				if (stored.getRefreshTokenValue() == null) {
					throw new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
							"The stored Withings client of '" + stored.getPrincipalName() + "' has no refresh token", null));
				}
				if (store(() -> this.authorizedClientService.claimRefresh(stored, now, staleBefore))) {
					return refreshClaimed(grantRequest, stored, now);
				}
				if (!now.isBefore(deadline)) {
					throw busy("the refresh of this client could not be claimed within " + this.flight.getLockTimeout());
				}
				continue;
			}
			if (!now.isBefore(deadline)) {
				throw busy("a refresh of this client started at " + started + " is still running elsewhere, or its "
						+ "outcome is unknown and it is retried after " + this.flight.getInDoubtRetryDelay());
			}
			try {
				Duration left = Duration.between(now, deadline);
				this.flight.pause((left.compareTo(this.flight.pollInterval()) < 0) ? left : this.flight.pollInterval(),
						() -> busy("a refresh of this client started at " + started
								+ " is still running elsewhere, or its outcome is unknown and it is retried after "
								+ this.flight.getInDoubtRetryDelay()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw busy("interrupted while waiting for another refresh of this client");
			}
		}
	}

	/** Withings is called by this caller only: the refresh of {@code stored} is claimed. */
	private OAuth2AccessTokenResponse refreshClaimed(OAuth2RefreshTokenGrantRequest grantRequest,
			WithingsAuthorizedClient stored, Instant claimedAt) {
		boolean wasInDoubt = stored.getRefreshStartedAt() != null;
		if (logger.isDebugEnabled()) {
			logger.debug("Refreshing the Withings tokens of '" + stored.getPrincipalName() + "' (user " + stored.getUserId()
					+ ")" + (wasInDoubt ? " again, with the same refresh token: the last attempt's outcome is unknown" : ""));
		}
		OAuth2AuthorizedClient current = stored.getAuthorizedClient();
		OAuth2RefreshTokenGrantRequest request = new OAuth2RefreshTokenGrantRequest(current.getClientRegistration(),
				current.getAccessToken(), current.getRefreshToken(), grantRequest.getScopes());
		OAuth2AccessTokenResponse response;
		try {
			response = this.flight.callWithings(request);
		}
		catch (RefreshTokenRejectedException ex) {
			if (!(ex.getError() instanceof WithingsOAuth2Error)) {
				throw inDoubt(ex, stored, claimedAt);
			}
			if (OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
				logger.debug("Withings refused the refresh token of '" + stored.getPrincipalName() + "' ("
						+ ex.getError().getDescription() + ")");
				OAuth2AccessTokenResponse rotatedElsewhere = currentIfRotatedElsewhere(stored);
				if (rotatedElsewhere != null) {
					return rotatedElsewhere;
				}
				response = recover(stored, ex, claimedAt);
			}
			else if (provesNothingWasDone((WithingsOAuth2Error) ex.getError())) {
				logger.debug("Refresh of '" + stored.getPrincipalName() + "' refused (" + ex.getError().getDescription()
						+ "); nothing changed at Withings, the stored tokens stay");
				releaseUnlessInDoubt(stored, claimedAt, wasInDoubt);
				throw ex;
			}
			else {
				throw inDoubt(ex, stored, claimedAt);
			}
		}
		catch (WithingsRateLimitException ex) {
			// the client-side limiter refused before anything was sent
			releaseUnlessInDoubt(stored, claimedAt, wasInDoubt);
			throw new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
					"No Withings request permit within the rate limit's wait: " + ex.getMessage(), null), ex);
		}
		catch (RuntimeException ex) {
			throw inDoubt(ex, stored, claimedAt);
		}
		WithingsAuthorizedClient saved;
		try {
			saved = this.authorizedClientService.saveRotation(stored, response, claimedAt);
		}
		catch (RuntimeException ex) {
			this.ownMarksInDoubt.put(clientKey(stored), claimedAt.truncatedTo(ChronoUnit.MILLIS));
			OAuth2Error error = new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR, "Withings rotated the tokens of '"
					+ stored.getPrincipalName() + "' but storing them failed (" + ex.getClass().getSimpleName()
					+ "); they were not used, so the stored refresh token stays valid and the refresh is retried after "
					+ this.flight.getInDoubtRetryDelay() + " anywhere)", null);
			throw new OAuth2AuthorizationException(error, ex);
		}
		this.ownMarksInDoubt.remove(clientKey(stored));
		if (saved != null && saved.getRefreshTokenValue() != null
				&& !saved.getRefreshTokenValue().equals(stored.getRefreshTokenValue())) {
			this.retiredRefreshTokens.put(stored.getRegistrationId() + ":"
					+ AuthorizedClientRules.hash(stored.getRefreshTokenValue()), clientKey(stored));
		}
		if (saved == null) {
			logger.debug("Refreshed the Withings tokens of '" + stored.getPrincipalName()
					+ "', but its link changed meanwhile (new sign-in or removal): the new tokens are dropped unused");
			return currentAfterConcurrentChange(stored);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Refreshed the Withings tokens of '" + stored.getPrincipalName() + "': stored (version "
					+ saved.getVersion() + "), access token valid until "
					+ saved.getAuthorizedClient().getAccessToken().getExpiresAt());
		}
		return response;
	}

	/**
	 * The store no longer holds the refresh token just rotated: a sign-in replaced the client, or
	 * it was removed. The new pair is dropped unused (its chain is abandoned).
	 */
	private OAuth2AccessTokenResponse currentAfterConcurrentChange(WithingsAuthorizedClient stored) {
		WithingsAuthorizedClient now = store(() -> this.authorizedClientService
			.loadWithingsAuthorizedClient(stored.getRegistrationId(), stored.getPrincipalName()));
		if (now != null && isFresh(now)) {
			return responseOf(now);
		}
		if (now == null) {
			throw new RefreshTokenRejectedException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The Withings link of '" + stored.getPrincipalName() + "' was removed while it was refreshed", null),
					stored.getRefreshTokenValue(), null);
		}
		throw busy("the Withings link of '" + stored.getPrincipalName() + "' changed while it was refreshed");
	}

	/**
	 * Answers after which Withings certainly did not rotate: throttled (601), refused
	 * credentials, a request refused as such (2554, "invalid params"). Others (522 timeout,
	 * unmapped statuses) may hide a rotation: in doubt.
	 */
	private static boolean provesNothingWasDone(WithingsOAuth2Error error) {
		return error.provesNothingWasDone();
	}

	/** After a rejection: another caller may have rotated it meanwhile (a lease that ran over). */
	private OAuth2AccessTokenResponse currentIfRotatedElsewhere(WithingsAuthorizedClient stored) {
		WithingsAuthorizedClient now = store(() -> this.authorizedClientService
			.loadWithingsAuthorizedClient(stored.getRegistrationId(), stored.getPrincipalName()));
		boolean rotated = now != null && now.getRefreshTokenValue() != null
				&& !now.getRefreshTokenValue().equals(stored.getRefreshTokenValue());
		return (rotated && isFresh(now)) ? responseOf(now) : null;
	}

	private OAuth2AccessTokenResponse recover(WithingsAuthorizedClient stored, RefreshTokenRejectedException rejected,
			Instant claimedAt) {
		if (this.flight.recovery() == null || stored.getUserId() == null) {
			release(stored, claimedAt);
			throw rejected;
		}
		try {
			return this.flight.recovery().recover(stored);
		}
		catch (RuntimeException ex) {
			release(stored, claimedAt);
			rejected.addSuppressed(ex);
			throw rejected;
		}
	}

	private RuntimeException inDoubt(RuntimeException ex, WithingsAuthorizedClient stored, Instant claimedAt) {
		this.ownMarksInDoubt.put(clientKey(stored), claimedAt.truncatedTo(ChronoUnit.MILLIS));
		String description = (ex instanceof OAuth2AuthorizationException authorization)
				? authorization.getError().getDescription() : ex.getClass().getSimpleName();
		logger.warn("Withings refresh of '" + stored.getPrincipalName() + "' has an unknown outcome (" + description
				+ "): retried with the same refresh token (at once here, after " + this.flight.getInDoubtRetryDelay() + " anywhere)");
		if (ex instanceof RefreshTokenRejectedException rejected) {
			OAuth2Error error = new OAuth2Error(inDoubtErrorCode(rejected.getError()), description
					+ "; the outcome is unknown, the refresh is retried with the same refresh token (at once here, after "
					+ this.flight.getInDoubtRetryDelay() + " anywhere)", null);
			return new RefreshTokenRejectedException(error, rejected.getRefreshTokenValue(), rejected);
		}
		return ex;
	}

	/**
	 * The code of an error in doubt: only a {@link WithingsOAuth2Error} may say that a token is
	 * dead, so an {@code invalid_grant} or {@code invalid_token} of anything else (an HTTP 400
	 * with an OAuth2 error body from a proxy or gateway) becomes {@code server_error}, and the
	 * link it would remove is kept, with its mark.
	 */
	private static String inDoubtErrorCode(OAuth2Error error) {
		String code = error.getErrorCode();
		boolean saysDead = OAuth2ErrorCodes.INVALID_GRANT.equals(code) || OAuth2ErrorCodes.INVALID_TOKEN.equals(code);
		return (saysDead && !(error instanceof WithingsOAuth2Error)) ? OAuth2ErrorCodes.SERVER_ERROR : code;
	}

	/**
	 * This attempt certainly changed nothing at Withings: clear the mark, unless an earlier
	 * attempt left it in doubt (it stays so, and this instance may take it over at once).
	 */
	private void releaseUnlessInDoubt(WithingsAuthorizedClient stored, Instant claimedAt, boolean wasInDoubt) {
		if (wasInDoubt) {
			this.ownMarksInDoubt.put(clientKey(stored), claimedAt.truncatedTo(ChronoUnit.MILLIS));
		}
		else {
			release(stored, claimedAt);
		}
	}

	private void release(WithingsAuthorizedClient stored, Instant claimedAt) {
		this.ownMarksInDoubt.remove(clientKey(stored));
		try {
			this.authorizedClientService.releaseRefresh(stored, claimedAt);
		}
		catch (RuntimeException ex) {
			logger.debug("Refresh mark of '" + stored.getPrincipalName() + "' not released; it expires by itself", ex);
		}
	}

	/**
	 * The store does not hold this refresh token. When this instance rotated it out of the store,
	 * the chain moved on (two rotations, or a re-consent): the principal's stored tokens are
	 * served (refreshed when due), and Withings never sees the old token again (no fork).
	 */
	private OAuth2AccessTokenResponse refreshRetiredOrUnstored(OAuth2RefreshTokenGrantRequest grantRequest, String key,
			Instant deadline) {
		String retiredFrom = this.retiredRefreshTokens.get(key);
		if (retiredFrom == null) {
			OAuth2AccessTokenResponse response = this.flight.refreshUnstored(grantRequest, key);
			// Spring saves this answer next: it must not replace a stored chain it does not descend from
			this.authorizedClientService.rememberUnstoredRefresh(response.getAccessToken().getTokenValue(),
					grantRequest.getRefreshToken().getTokenValue());
			return response;
		}
		String registrationId = grantRequest.getClientRegistration().getRegistrationId();
		String principalName = retiredFrom.substring(registrationId.length() + 1);
		WithingsAuthorizedClient current = store(
				() -> this.authorizedClientService.loadWithingsAuthorizedClient(registrationId, principalName));
		if (current == null || current.getRefreshTokenValue() == null) {
			throw new RefreshTokenRejectedException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The refresh token of '" + principalName + "' was rotated out of the store, whose link was removed since",
					null), grantRequest.getRefreshToken().getTokenValue(), null);
		}
		logger.debug("A refresh token of '" + principalName + "' that was rotated out of the store was offered; "
				+ "using the stored chain instead");
		if (isFresh(current)) {
			return responseOf(current);
		}
		OAuth2AuthorizedClient client = current.getAuthorizedClient();
		return this.flight.singleFlight(new OAuth2RefreshTokenGrantRequest(client.getClientRegistration(),
				client.getAccessToken(), client.getRefreshToken(), grantRequest.getScopes()), deadline);
	}

	/**
	 * Forget what this instance knows of marks it left in doubt when the row's mark moved on
	 * (another instance followed the chain, or a newer claim), and any older than the in-doubt
	 * delay (every instance may take those over by now).
	 */
	private void forgetOwnMarksMovedOn(WithingsAuthorizedClient stored) {
		if (this.ownMarksInDoubt.isEmpty()) {
			return;
		}
		String client = clientKey(stored);
		Instant own = this.ownMarksInDoubt.get(client);
		if (own != null && !own.equals(stored.getRefreshStartedAt())) {
			this.ownMarksInDoubt.remove(client, own);
		}
		Instant staleBefore = this.flight.clock().instant().minus(this.flight.getInDoubtRetryDelay());
		this.ownMarksInDoubt.values().removeIf((mark) -> mark.isBefore(staleBefore));
	}

	/** {@return how many refresh marks this instance left in doubt and still remembers} */
	int ownMarksInDoubtRemembered() {
		return this.ownMarksInDoubt.size();
	}

	/** A store call; its failures become OAuth2 errors that remove nothing. */
	private <T> T store(Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			throw new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR,
					"The Withings authorized-client store is unavailable (" + ex.getClass().getSimpleName()
							+ "); nothing was changed",
					null), ex);
		}
	}

	private static String clientKey(WithingsAuthorizedClient client) {
		return client.getRegistrationId() + ":" + client.getPrincipalName();
	}

	private boolean isFresh(WithingsAuthorizedClient stored) {
		OAuth2AccessToken accessToken = stored.getAuthorizedClient().getAccessToken();
		return accessToken.getExpiresAt() != null
				&& this.flight.clock().instant().isBefore(accessToken.getExpiresAt().minus(this.flight.clockSkew()));
	}

	private OAuth2AccessTokenResponse responseOf(WithingsAuthorizedClient stored) {
		OAuth2AuthorizedClient client = stored.getAuthorizedClient();
		OAuth2AccessToken accessToken = client.getAccessToken();
		Instant now = this.flight.clock().instant();
		OAuth2AccessTokenResponse.Builder builder = OAuth2AccessTokenResponse.withToken(accessToken.getTokenValue())
			.tokenType(accessToken.getTokenType())
			.scopes(accessToken.getScopes())
			.expiresIn(Math.max(1, Duration.between(now, accessToken.getExpiresAt()).toSeconds()));
		if (client.getRefreshToken() != null) {
			builder.refreshToken(client.getRefreshToken().getTokenValue());
		}
		if (stored.getUserId() != null) {
			builder.additionalParameters(Map.of(WithingsAccessTokenResponseConverter.USER_ID, stored.getUserId()));
		}
		return builder.build();
	}

}
