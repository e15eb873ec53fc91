package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.support.Sleeper;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
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
 * <li><b>single flight</b>: concurrent refreshes of one client collapse into one call to Withings.
 * In this process callers wait on a lock; across instances the store's refresh mark
 * ({@link WithingsAuthorizedClientService#claimRefresh}) lets one caller win and the others poll
 * for its result. Callers arriving later with the old refresh token get the current tokens;</li>
 * <li><b>persist before use</b>: the rotated pair is committed by the store (never in the
 * caller's transaction) before the new access token is returned to anyone. If storing fails, the
 * caller gets {@code server_error} and nothing is handed out;</li>
 * <li><b>no unseen rotation</b>: the attempt is recorded durably before Withings is called. When
 * its outcome is unknown (timeout, HTTP 5xx, connection reset, unreadable answer, failed commit,
 * crash), the mark stays and the next attempt uses the same refresh token, which Withings keeps
 * valid for 8 hours while the new access token is unused: at once in this instance (which knows
 * the attempt is over), and after the {@link #setInDoubtRetryDelay in-doubt delay} in any
 * instance ({@link WithingsInDoubtRefreshes}, or the next caller), also after a crash;</li>
 * <li><b>compare before remove</b>: a rejected refresh throws {@link RefreshTokenRejectedException},
 * which names the failing refresh token for {@link WithingsAuthorizationFailureHandler};</li>
 * <li><b>bounded waits</b>: no caller waits longer than the {@link #setLockTimeout lock timeout}
 * for another refresh; it then fails with {@code temporarily_unavailable}, removing nothing. No
 * database connection or lock is held while Withings is called;</li>
 * <li><b>recovery</b> (optional, {@link #setRecovery}): a dead refresh token is replaced through
 * {@code recoverauthorizationcode};</li>
 * <li><b>throttling</b>: a 601 answer is retried once after {@code wait_seconds} when that is
 * within {@link #setMaxRateLimitWait the bound}, and the second the rate budget adds to its pause
 * ({@link WithingsRateBudget#WAIT_SECONDS_ROUNDING}), so that the retry comes once the pause has
 * ended; it never removes anything.</li>
 * </ul>
 * Clients the store does not hold (an HTTP-session client of an anonymous user, say) are
 * refreshed under the in-process lock, and the answer is kept for a minute so that a second
 * caller with the same refresh token gets it instead of reusing a rotated token. A refresh token
 * this instance saw rotated out of the store (a snapshot kept from before two rotations or a
 * re-consent) is never sent again: the caller gets the principal's stored tokens (refreshed when
 * due), so the chain never forks. The store is told of every other unstored answer, so that
 * Spring's save of it never replaces a stored chain it does not descend from.
 *
 * <p>This class is the Spring-facing decorator: it routes, holds the in-process lock per refresh
 * token and the settings, and makes the call to Withings (with its one 601 retry). The cluster
 * claim-and-poll loop and the claimed refresh live in {@code ClaimedRefresh}, the answers for
 * unstored clients in {@code UnstoredRefreshes}. Use it in your own manager through
 * {@link WithingsRefreshTokenOAuth2AuthorizedClientProvider}.
 */
public final class SingleFlightRefreshTokenResponseClient
		implements OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> {

	/**
	 * How long before its expiry an access token counts as expired (Spring's refresh providers'
	 * default, and the Withings refresh providers').
	 */
	static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

	/** Set while {@link #getTokenResponseWithoutWaiting} runs on this thread. */
	private static final ThreadLocal<Boolean> WITHOUT_WAITING = new ThreadLocal<>();

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate;

	private final Predicate<ClientRegistration> withingsRegistrations;

	/** The refreshes of clients the store holds; {@code null} without a store. */
	private final ClaimedRefresh claimed;

	private final UnstoredRefreshes unstored = new UnstoredRefreshes();

	private final Map<String, ReentrantLock> locks = new ConcurrentReferenceHashMap<>(64,
			ConcurrentReferenceHashMap.ReferenceType.WEAK);

	private Clock clock = Clock.systemUTC();

	private Duration clockSkew = DEFAULT_CLOCK_SKEW;

	private Duration maxRateLimitWait = Duration.ofSeconds(10);

	private Duration lockTimeout = Duration.ofSeconds(10);

	private Duration inDoubtRetryDelay = Duration.ofMinutes(1);

	private Duration pollInterval = Duration.ofMillis(100);

	private Sleeper sleeper = Sleeper.THREAD;

	private WithingsAuthorizationRecovery recovery;

	/**
	 * A single-flight client for applications whose store is not a
	 * {@link WithingsAuthorizedClientService}: concurrent refreshes of one refresh token in this
	 * process collapse into one call, a second caller with the same refresh token gets the same
	 * answer, and rejections name the failing refresh token (so that
	 * {@link WithingsAuthorizationFailureHandler} compares before it removes). Nothing is
	 * persisted before use or coordinated across instances: that needs the starter's store.
	 * @param delegate the client that calls Withings
	 * @param withingsRegistrations which registrations get this treatment
	 */
	public SingleFlightRefreshTokenResponseClient(OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate,
			Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(delegate, "delegate cannot be null");
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.delegate = delegate;
		this.claimed = null;
		this.withingsRegistrations = withingsRegistrations;
	}

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
		this.claimed = new ClaimedRefresh(this, authorizedClientService);
		this.withingsRegistrations = withingsRegistrations;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(OAuth2RefreshTokenGrantRequest grantRequest) {
		Assert.notNull(grantRequest, "grantRequest cannot be null");
		ClientRegistration registration = grantRequest.getClientRegistration();
		if (!this.withingsRegistrations.test(registration)) {
			return this.delegate.getTokenResponse(grantRequest);
		}
		// one deadline for the lock and the polling: no caller waits longer than the lock timeout
		return singleFlight(grantRequest, this.clock.instant().plus(this.lockTimeout));
	}

	/** Under the in-process lock of this refresh token, waiting at most until {@code deadline}. */
	OAuth2AccessTokenResponse singleFlight(OAuth2RefreshTokenGrantRequest grantRequest, Instant deadline) {
		ClientRegistration registration = grantRequest.getClientRegistration();
		String refreshToken = grantRequest.getRefreshToken().getTokenValue();
		String key = registration.getRegistrationId() + ":" + AuthorizedClientRules.hash(refreshToken);
		ReentrantLock lock = this.locks.computeIfAbsent(key, (k) -> new ReentrantLock());
		try {
			if (!tryLock(lock, deadline)) {
				throw busy("another refresh of this client has been running for more than " + this.lockTimeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw busy("interrupted while waiting for another refresh of this client");
		}
		try {
			return (this.claimed != null) ? this.claimed.refresh(grantRequest, key, deadline)
					: refreshUnstored(grantRequest, key);
		}
		finally {
			lock.unlock();
		}
	}

	/** A refresh of a client the store does not hold: its answer is kept for a minute. */
	OAuth2AccessTokenResponse refreshUnstored(OAuth2RefreshTokenGrantRequest grantRequest, String key) {
		return this.unstored.refresh(key, this.clock.instant(), () -> callWithings(grantRequest));
	}

	/** {@return how many refresh marks this instance left in doubt and still remembers} */
	int ownMarksInDoubtRemembered() {
		return (this.claimed != null) ? this.claimed.ownMarksInDoubtRemembered() : 0;
	}

	/**
	 * Call Withings, waiting once for a 601 within {@link #setMaxRateLimitWait the bound}; a
	 * rejection names the refresh token it rejected.
	 */
	OAuth2AccessTokenResponse callWithings(OAuth2RefreshTokenGrantRequest request) {
		try {
			try {
				return this.delegate.getTokenResponse(request);
			}
			catch (OAuth2AuthorizationException ex) {
				Duration wait = rateLimitWait(ex);
				if (wait == null || WITHOUT_WAITING.get() != null) {
					throw ex; // without waiting: the claim is released and the caller comes back after the wait
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

	/**
	 * Like {@link #getTokenResponse}, but this thread never waits (for callers that wait without
	 * a thread, e.g. with {@code Mono.delay}): where it would wait (the in-process lock held by
	 * another caller, a refresh running elsewhere, a 601 within {@link #setMaxRateLimitWait the
	 * bound}) it throws {@link WouldWaitException} instead, holding no lock and no claim; the
	 * caller calls again after {@link WouldWaitException#getWait()}, or throws
	 * {@link WouldWaitException#getInstead()} when it waited long enough (for a 601: once).
	 * @param grantRequest the refresh
	 * @return the token response
	 * @throws WouldWaitException when it would wait
	 */
	public OAuth2AccessTokenResponse getTokenResponseWithoutWaiting(OAuth2RefreshTokenGrantRequest grantRequest) {
		WITHOUT_WAITING.set(Boolean.TRUE);
		try {
			return getTokenResponse(grantRequest);
		}
		catch (OAuth2AuthorizationException ex) {
			Duration wait = rateLimitWait(ex);
			if (wait != null) {
				throw new WouldWaitException(wait, ex);
			}
			throw ex;
		}
		finally {
			WITHOUT_WAITING.remove();
		}
	}

	/** {@return how long a caller waits for another refresh of the same client} */
	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	/** Waits at most until {@code deadline} (one lock-timeout shared with the polling), or not at all without waiting. */
	private boolean tryLock(ReentrantLock lock, Instant deadline) throws InterruptedException {
		if (WITHOUT_WAITING.get() == null) {
			return lock.tryLock(Math.max(0, Duration.between(this.clock.instant(), deadline).toMillis()),
					TimeUnit.MILLISECONDS);
		}
		if (lock.tryLock()) {
			return true;
		}
		throw new WouldWaitException(this.pollInterval,
				busy("another refresh of this client has been running for more than " + this.lockTimeout));
	}

	/** Waits for {@code wait}, or throws {@link WouldWaitException} without waiting. */
	void pause(Duration wait, Supplier<RuntimeException> instead) throws InterruptedException {
		if (WITHOUT_WAITING.get() != null) {
			throw new WouldWaitException(wait, instead.get());
		}
		this.sleeper.sleep(wait);
	}

	private Duration rateLimitWait(OAuth2AuthorizationException ex) {
		if (ex.getError() instanceof WithingsOAuth2Error error && error.getStatus() == 601) {
			Duration wait = Duration.ofSeconds((error.getWaitSeconds() != null) ? error.getWaitSeconds() : 10);
			// the rate budget pauses that much longer: the retry comes when its pause has ended
			return (wait.compareTo(this.maxRateLimitWait) <= 0) ? wait.plus(WithingsRateBudget.WAIT_SECONDS_ROUNDING)
					: null;
		}
		return null;
	}

	/** A refresh not attempted: {@code temporarily_unavailable}, which removes nothing. */
	static OAuth2AuthorizationException busy(String description) {
		return new OAuth2AuthorizationException(
				new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, "Withings refresh not attempted: " + description,
						null));
	}

	/**
	 * Set the clock that decides whether a stored access token is still good, as Spring's refresh
	 * provider does (with {@link #setClockSkew the same skew}), and dates refresh marks.
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
	 * Set the longest time a caller waits for another refresh of the same client (10 s by
	 * default), in this instance and in others together; beyond it the caller fails with
	 * {@code temporarily_unavailable} and nothing is removed.
	 * @param lockTimeout the bound
	 */
	public void setLockTimeout(Duration lockTimeout) {
		Assert.notNull(lockTimeout, "lockTimeout cannot be null");
		this.lockTimeout = lockTimeout;
	}

	/**
	 * Set how old an unfinished refresh must be before it counts as in doubt and is attempted
	 * again with the same refresh token (1 minute by default). It must stay far below Withings'
	 * 8-hour grace. A delay shorter than the longest refresh (timeouts of two Withings calls and a
	 * 601 wait) is safe, since a late rotation's compare-and-set on its claim fails and its tokens
	 * are never used, but may then send one more refresh with the same refresh token.
	 * @param inDoubtRetryDelay the delay
	 */
	public void setInDoubtRetryDelay(Duration inDoubtRetryDelay) {
		Assert.notNull(inDoubtRetryDelay, "inDoubtRetryDelay cannot be null");
		Assert.isTrue(inDoubtRetryDelay.compareTo(Duration.ofHours(4)) < 0,
				"inDoubtRetryDelay must stay far below Withings' 8-hour grace");
		this.inDoubtRetryDelay = inDoubtRetryDelay;
	}

	/** {@return the delay after which an unfinished refresh is in doubt} */
	public Duration getInDoubtRetryDelay() {
		return this.inDoubtRetryDelay;
	}

	/**
	 * Set how often a caller looks again for the result of a refresh running in another instance
	 * (100 ms by default).
	 * @param pollInterval the interval
	 */
	public void setPollInterval(Duration pollInterval) {
		Assert.notNull(pollInterval, "pollInterval cannot be null");
		this.pollInterval = pollInterval;
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

	/** {@return the clock that dates refresh marks and decides whether a stored token is fresh} */
	Clock clock() {
		return this.clock;
	}

	/** {@return how long before its expiry an access token counts as expired} */
	Duration clockSkew() {
		return this.clockSkew;
	}

	/** {@return how often a caller looks again for a refresh running in another instance} */
	Duration pollInterval() {
		return this.pollInterval;
	}

	/** {@return the recovery of dead refresh tokens, or {@code null}} */
	WithingsAuthorizationRecovery recovery() {
		return this.recovery;
	}

	/**
	 * Thrown by {@link #getTokenResponseWithoutWaiting} where {@link #getTokenResponse} would
	 * wait: nothing is held, call again after {@link #getWait()}.
	 */
	public static final class WouldWaitException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/** How long to wait before calling again. */
		private final Duration wait;

		/** The failure to report when the caller stops waiting. */
		private final RuntimeException instead;

		WouldWaitException(Duration wait, RuntimeException instead) {
			super("Would wait " + wait, null, false, false);
			this.wait = wait;
			this.instead = instead;
		}

		/** {@return how long to wait before calling again} */
		public Duration getWait() {
			return this.wait;
		}

		/** {@return the failure to report when the caller stops waiting} */
		public RuntimeException getInstead() {
			return this.instead;
		}

	}

}
