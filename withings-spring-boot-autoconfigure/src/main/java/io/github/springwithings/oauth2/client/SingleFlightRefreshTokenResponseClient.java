package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;
import io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

import io.github.springwithings.support.Sleeper;
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
 */
public final class SingleFlightRefreshTokenResponseClient
		implements OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> {

	private static final Log logger = LogFactory.getLog(SingleFlightRefreshTokenResponseClient.class);

	private static final Duration UNSTORED_ANSWER_LIFETIME = Duration.ofMinutes(1);

	private static final int UNSTORED_ANSWERS = 1_000;

	private static final int RETIRED_REFRESH_TOKENS = 10_000;

	/** Set while {@link #getTokenResponseWithoutWaiting} runs on this thread. */
	private static final ThreadLocal<Boolean> WITHOUT_WAITING = new ThreadLocal<>();

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final Predicate<ClientRegistration> withingsRegistrations;

	private final Map<String, ReentrantLock> locks = new ConcurrentReferenceHashMap<>(64,
			ConcurrentReferenceHashMap.ReferenceType.WEAK);

	private final Map<String, UnstoredAnswer> unstoredAnswers = Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, UnstoredAnswer> eldest) {
				return size() > UNSTORED_ANSWERS;
			}

		});

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

	private Clock clock = Clock.systemUTC();

	private Duration clockSkew = Duration.ofSeconds(60);

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
		this.authorizedClientService = null;
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
		// one deadline for the lock and the polling: no caller waits longer than the lock timeout
		return singleFlight(grantRequest, this.clock.instant().plus(this.lockTimeout));
	}

	private OAuth2AccessTokenResponse singleFlight(OAuth2RefreshTokenGrantRequest grantRequest, Instant deadline) {
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
			return refresh(grantRequest, key, deadline);
		}
		finally {
			lock.unlock();
		}
	}

	private OAuth2AccessTokenResponse refresh(OAuth2RefreshTokenGrantRequest grantRequest, String key,
			Instant deadline) {
		if (this.authorizedClientService == null) {
			return refreshUnstored(grantRequest, key);
		}
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
			Instant now = this.clock.instant();
			Instant started = stored.getRefreshStartedAt();
			Instant staleBefore = (started != null && started.equals(this.ownMarksInDoubt.get(clientKey(stored))))
					? started.plusMillis(1) : now.minus(this.inDoubtRetryDelay);
			if (started == null || started.isBefore(staleBefore)) {
				if (stored.getRefreshTokenValue() == null) {
					throw new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
							"The stored Withings client of '" + stored.getPrincipalName() + "' has no refresh token", null));
				}
				if (store(() -> this.authorizedClientService.claimRefresh(stored, now, staleBefore))) {
					return refreshClaimed(grantRequest, stored, now);
				}
				if (!now.isBefore(deadline)) {
					throw busy("the refresh of this client could not be claimed within " + this.lockTimeout);
				}
				continue;
			}
			if (!now.isBefore(deadline)) {
				throw busy("a refresh of this client started at " + started + " is still running elsewhere, or its "
						+ "outcome is unknown and it is retried after " + this.inDoubtRetryDelay);
			}
			try {
				Duration left = Duration.between(now, deadline);
				pause((left.compareTo(this.pollInterval) < 0) ? left : this.pollInterval,
						() -> busy("a refresh of this client started at " + started
								+ " is still running elsewhere, or its outcome is unknown and it is retried after "
								+ this.inDoubtRetryDelay));
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
			response = callWithings(request);
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
					+ this.inDoubtRetryDelay + " anywhere)", null);
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
		if (this.recovery == null || stored.getUserId() == null) {
			release(stored, claimedAt);
			throw rejected;
		}
		try {
			return this.recovery.recover(stored);
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
				+ "): retried with the same refresh token (at once here, after " + this.inDoubtRetryDelay + " anywhere)");
		if (ex instanceof RefreshTokenRejectedException rejected) {
			OAuth2Error error = new OAuth2Error(inDoubtErrorCode(rejected.getError()), description
					+ "; the outcome is unknown, the refresh is retried with the same refresh token (at once here, after "
					+ this.inDoubtRetryDelay + " anywhere)", null);
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
			OAuth2AccessTokenResponse response = refreshUnstored(grantRequest, key);
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
		return singleFlight(new OAuth2RefreshTokenGrantRequest(client.getClientRegistration(), client.getAccessToken(),
				client.getRefreshToken(), grantRequest.getScopes()), deadline);
	}

	private OAuth2AccessTokenResponse refreshUnstored(OAuth2RefreshTokenGrantRequest grantRequest, String key) {
		Instant now = this.clock.instant();
		UnstoredAnswer answer = this.unstoredAnswers.get(key);
		if (answer != null && now.isBefore(answer.until())) {
			return answer.response();
		}
		OAuth2AccessTokenResponse response = callWithings(grantRequest);
		this.unstoredAnswers.put(key, new UnstoredAnswer(response, now.plus(UNSTORED_ANSWER_LIFETIME)));
		return response;
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
		Instant staleBefore = this.clock.instant().minus(this.inDoubtRetryDelay);
		this.ownMarksInDoubt.values().removeIf((mark) -> mark.isBefore(staleBefore));
	}

	/** {@return how many refresh marks this instance left in doubt and still remembers} */
	int ownMarksInDoubtRemembered() {
		return this.ownMarksInDoubt.size();
	}

	private OAuth2AccessTokenResponse callWithings(OAuth2RefreshTokenGrantRequest request) {
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

	private void pause(Duration wait, Supplier<RuntimeException> instead) throws InterruptedException {
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

	private static OAuth2AuthorizationException busy(String description) {
		return new OAuth2AuthorizationException(
				new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, "Withings refresh not attempted: " + description,
						null));
	}

	private boolean isFresh(WithingsAuthorizedClient stored) {
		OAuth2AccessToken accessToken = stored.getAuthorizedClient().getAccessToken();
		return accessToken.getExpiresAt() != null
				&& this.clock.instant().isBefore(accessToken.getExpiresAt().minus(this.clockSkew));
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

	private record UnstoredAnswer(OAuth2AccessTokenResponse response, Instant until) {
	}

}
