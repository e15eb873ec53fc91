package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;
import io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;
import org.springframework.util.ConcurrentReferenceHashMap;

/**
 * The refresh token client that makes Withings' rotating refresh tokens safe. It wraps the client
 * that talks to Withings and, for Withings registrations:
 * <ul>
 * <li><b>single flight</b>: concurrent refreshes of one refresh token wait for each other (in this
 * process with a lock, across instances with the store's row lock); the first refreshes, the
 * others find the client already rotated and get the stored tokens, without calling Withings.
 * Callers arriving later with the old refresh token get the current tokens too;</li>
 * <li><b>persist before use</b>: the rotated pair is stored in the same unit as the refresh,
 * before the new access token is returned to anyone. If storing fails, the caller gets
 * {@code server_error}, nothing is handed out, and the old refresh token stays valid at Withings
 * (its new access token was never used), so the next attempt succeeds;</li>
 * <li><b>compare before remove</b>: a rejected refresh throws {@link RefreshTokenRejectedException},
 * which names the failing refresh token for {@link WithingsAuthorizationFailureHandler};</li>
 * <li><b>recovery</b> (optional, {@link #setRecovery}): a dead refresh token is replaced through
 * {@code recoverauthorizationcode};</li>
 * <li><b>throttling</b>: a 601 answer is retried once after {@code wait_seconds} when that is
 * within {@link #setMaxRateLimitWait the bound}; it never removes anything.</li>
 * </ul>
 * Clients not in the store (another {@code OAuth2AuthorizedClientService}, say) are refreshed
 * under the in-process lock only.
 */
public final class SingleFlightRefreshTokenResponseClient
		implements OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> {

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final Predicate<ClientRegistration> withingsRegistrations;

	private final Map<String, ReentrantLock> locks = new ConcurrentReferenceHashMap<>(64,
			ConcurrentReferenceHashMap.ReferenceType.WEAK);

	private Clock clock = Clock.systemUTC();

	private Duration clockSkew = Duration.ofSeconds(60);

	private Duration maxRateLimitWait = Duration.ofSeconds(10);

	private Sleeper sleeper = Sleeper.THREAD;

	private WithingsAuthorizationRecovery recovery;

	/**
	 * @param delegate the client that calls Withings
	 * @param authorizedClientService the store
	 * @param withingsRegistrations which registrations get this treatment (others go straight to
	 * {@code delegate})
	 */
	public SingleFlightRefreshTokenResponseClient(OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate,
			WithingsAuthorizedClientService authorizedClientService, Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(delegate, "delegate cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.delegate = delegate;
		this.authorizedClientService = authorizedClientService;
		this.withingsRegistrations = withingsRegistrations;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(OAuth2RefreshTokenGrantRequest grantRequest) {
		Assert.notNull(grantRequest, "grantRequest cannot be null");
		ClientRegistration registration = grantRequest.getClientRegistration();
		if (!this.withingsRegistrations.test(registration)) {
			return this.delegate.getTokenResponse(grantRequest);
		}
		String refreshToken = grantRequest.getRefreshToken().getTokenValue();
		ReentrantLock lock = this.locks.computeIfAbsent(
				registration.getRegistrationId() + ":" + AuthorizedClientRules.hash(refreshToken),
				(key) -> new ReentrantLock());
		lock.lock();
		try {
			return this.authorizedClientService.lockByRefreshToken(registration.getRegistrationId(), refreshToken,
					(stored) -> refresh(grantRequest, stored));
		}
		finally {
			lock.unlock();
		}
	}

	private OAuth2AccessTokenResponse refresh(OAuth2RefreshTokenGrantRequest grantRequest,
			WithingsAuthorizedClient stored) {
		if (stored == null) {
			return callWithings(grantRequest);
		}
		OAuth2RefreshTokenGrantRequest request = grantRequest;
		if (!grantRequest.getRefreshToken().getTokenValue().equals(stored.getRefreshTokenValue())) {
			OAuth2AuthorizedClient current = stored.getAuthorizedClient();
			if (!isExpiring(current.getAccessToken())) {
				return responseOf(stored);
			}
			request = new OAuth2RefreshTokenGrantRequest(current.getClientRegistration(), current.getAccessToken(),
					current.getRefreshToken(), grantRequest.getScopes());
		}
		OAuth2AccessTokenResponse response;
		try {
			response = callWithings(request);
		}
		catch (RefreshTokenRejectedException ex) {
			response = recover(stored, ex);
		}
		try {
			this.authorizedClientService.saveRotation(stored, response);
		}
		catch (RuntimeException ex) {
			OAuth2Error error = new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR,
					"Withings rotated the tokens of '" + stored.getPrincipalName()
							+ "' but storing them failed; they were not used, so the stored refresh token stays valid",
					null);
			throw new OAuth2AuthorizationException(error, ex);
		}
		return response;
	}

	private OAuth2AccessTokenResponse recover(WithingsAuthorizedClient stored, RefreshTokenRejectedException rejected) {
		if (this.recovery == null || stored.getUserId() == null
				|| !OAuth2ErrorCodes.INVALID_GRANT.equals(rejected.getError().getErrorCode())) {
			throw rejected;
		}
		try {
			return this.recovery.recover(stored);
		}
		catch (RuntimeException ex) {
			rejected.addSuppressed(ex);
			throw rejected;
		}
	}

	private OAuth2AccessTokenResponse callWithings(OAuth2RefreshTokenGrantRequest request) {
		try {
			try {
				return this.delegate.getTokenResponse(request);
			}
			catch (OAuth2AuthorizationException ex) {
				Duration wait = rateLimitWait(ex);
				if (wait == null) {
					throw ex;
				}
				this.sleeper.sleep(wait);
				return this.delegate.getTokenResponse(request);
			}
		}
		catch (OAuth2AuthorizationException ex) {
			throw new RefreshTokenRejectedException(ex.getError(), request.getRefreshToken().getTokenValue(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
					"Interrupted while waiting for Withings' rate limit", null), ex);
		}
	}

	private Duration rateLimitWait(OAuth2AuthorizationException ex) {
		if (ex.getError() instanceof WithingsOAuth2Error error && error.getStatus() == 601) {
			Duration wait = Duration.ofSeconds((error.getWaitSeconds() != null) ? error.getWaitSeconds() : 10);
			return (wait.compareTo(this.maxRateLimitWait) <= 0) ? wait : null;
		}
		return null;
	}

	private boolean isExpiring(OAuth2AccessToken accessToken) {
		return accessToken.getExpiresAt() == null
				|| !this.clock.instant().isBefore(accessToken.getExpiresAt().minus(this.clockSkew));
	}

	private OAuth2AccessTokenResponse responseOf(WithingsAuthorizedClient stored) {
		OAuth2AuthorizedClient client = stored.getAuthorizedClient();
		OAuth2AccessToken accessToken = client.getAccessToken();
		Instant now = this.clock.instant();
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

	/**
	 * Set the clock that decides whether a stored access token is still good, as Spring's refresh
	 * provider does (with {@link #setClockSkew the same skew}).
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * Set how long before its expiry an access token counts as expired (60 s, as Spring's default).
	 * @param clockSkew the skew
	 */
	public void setClockSkew(Duration clockSkew) {
		Assert.notNull(clockSkew, "clockSkew cannot be null");
		this.clockSkew = clockSkew;
	}

	/**
	 * Set the longest 601 {@code wait_seconds} that is waited for before retrying once (10 s by
	 * default); a longer one fails at once with {@code temporarily_unavailable}.
	 * @param maxRateLimitWait the bound
	 */
	public void setMaxRateLimitWait(Duration maxRateLimitWait) {
		Assert.notNull(maxRateLimitWait, "maxRateLimitWait cannot be null");
		this.maxRateLimitWait = maxRateLimitWait;
	}

	/**
	 * Recover users whose refresh token died (contract partners): instead of failing with
	 * {@code invalid_grant}, get a new code with {@code recoverauthorizationcode}, exchange it,
	 * store the new pair and carry on. When recovery fails the original failure stands (and the
	 * client is removed). Off by default.
	 * @param recovery the recovery, {@code null} to turn it off
	 */
	public void setRecovery(WithingsAuthorizationRecovery recovery) {
		this.recovery = recovery;
	}

	/**
	 * Set how waiting is done ({@link Thread#sleep} by default); tests move a clock instead.
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

	/**
	 * Waits for a while.
	 */
	@FunctionalInterface
	public interface Sleeper {

		/** Waits with {@link Thread#sleep}. */
		Sleeper THREAD = (duration) -> Thread.sleep(duration.toMillis());

		void sleep(Duration duration) throws InterruptedException;

	}

}
