package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.github.springwithings.support.Sleeper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * Follows refreshes whose outcome is unknown. When a refresh times out, the connection is reset,
 * Withings answers HTTP 5xx or garbage, the commit fails, or the application dies while Withings
 * may already have rotated the tokens, the store keeps the refresh mark. {@link #retry()} finds
 * marks older than the in-doubt delay and refreshes those clients again, with the same refresh
 * token, through the single-flight refresh client: Withings keeps that token valid for 8 hours
 * while the new access token is unused, so the chain is followed. It goes on, run after run,
 * until a refresh succeeds or Withings says the token is dead (the client is then removed, compare
 * before remove). Run by every instance, at start-up and then every in-doubt delay.
 */
public final class WithingsInDoubtRefreshes {

	private static final Log logger = LogFactory.getLog(WithingsInDoubtRefreshes.class);

	private final WithingsAuthorizedClientService authorizedClientService;

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient;

	private final Collection<String> registrationIds;

	private final Duration delay;

	private int batchSize = 100;

	private Duration spacing = Duration.ofSeconds(4);

	private Sleeper sleeper = Sleeper.THREAD;

	private Clock clock = Clock.systemUTC();

	/**
	 * @param authorizedClientService the store
	 * @param refreshTokenResponseClient the refresh client (the single-flight one)
	 * @param registrationIds the Withings registrations
	 * @param delay how old a refresh mark must be to be in doubt (the single-flight client's
	 * in-doubt retry delay)
	 */
	public WithingsInDoubtRefreshes(WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			Collection<String> registrationIds, Duration delay) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notNull(refreshTokenResponseClient, "refreshTokenResponseClient cannot be null");
		Assert.notNull(registrationIds, "registrationIds cannot be null");
		Assert.notNull(delay, "delay cannot be null");
		this.authorizedClientService = authorizedClientService;
		this.refreshTokenResponseClient = refreshTokenResponseClient;
		this.registrationIds = List.copyOf(registrationIds);
		this.delay = delay;
	}

	/**
	 * Refresh again every client (at most a batch per registration) whose refresh is in doubt.
	 * @return what was done
	 */
	public Summary retry() {
		return retry(() -> true);
	}

	/**
	 * Refresh again every client (at most a batch per registration) whose refresh is in doubt,
	 * spaced out like the keep-alive so that a backlog never eats the rate budget.
	 * @param carryOn asked between two clients; the run stops early when it says {@code false}
	 * @return what was done
	 */
	public Summary retry(BooleanSupplier carryOn) {
		int refreshed = 0;
		int removed = 0;
		int failed = 0;
		for (String registrationId : this.registrationIds) {
			List<WithingsAuthorizedClient> inDoubt;
			try {
				inDoubt = this.authorizedClientService.findRefreshesInDoubt(registrationId,
						this.clock.instant().minus(this.delay), this.batchSize);
			}
			catch (RuntimeException ex) {
				logger.warn("Withings refreshes in doubt of '" + registrationId + "' cannot be read now ("
						+ ex.getClass().getSimpleName() + "); looked for again later");
				failed++;
				continue;
			}
			for (WithingsAuthorizedClient client : inDoubt) {
				if (!carryOn.getAsBoolean()) {
					break;
				}
				if (!stillInDoubt(client)) {
					continue; // followed meanwhile, by this instance or another
				}
				if (refreshed + removed + failed > 0 && !pause()) {
					break;
				}
				switch (retry(client)) {
					case REFRESHED -> refreshed++;
					case REMOVED -> removed++;
					default -> failed++;
				}
			}
		}
		Summary summary = new Summary(refreshed, removed, failed);
		if (refreshed + removed + failed > 0) {
			logger.info("Withings refreshes in doubt: " + refreshed + " followed, " + removed + " found dead, " + failed
					+ " still in doubt");
		}
		return summary;
	}

	private boolean stillInDoubt(WithingsAuthorizedClient client) {
		try {
			WithingsAuthorizedClient now = this.authorizedClientService
				.loadWithingsAuthorizedClient(client.getRegistrationId(), client.getPrincipalName());
			return now != null && now.getRefreshStartedAt() != null
					&& now.getRefreshStartedAt().isBefore(this.clock.instant().minus(this.delay));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private boolean pause() {
		try {
			this.sleeper.sleep(this.spacing);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private Outcome retry(WithingsAuthorizedClient client) {
		try {
			this.refreshTokenResponseClient.getTokenResponse(client.refreshGrantRequest());
			return Outcome.REFRESHED;
		}
		catch (RefreshTokenRejectedException ex) {
			if (OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
				boolean removed;
				try {
					removed = this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
							client.getRegistrationId(), client.getPrincipalName(), ex.getRefreshTokenValue());
				}
				catch (RuntimeException removal) {
					// this client only: the run goes on (its link goes at its next refresh)
					logger.warn("Withings refresh in doubt of '" + client.getPrincipalName()
							+ "': the refresh token is dead, but the link could not be removed ("
							+ removal.getClass().getSimpleName() + ")");
					return Outcome.FAILED;
				}
				logger.warn("Withings refresh in doubt of '" + client.getPrincipalName() + "': the refresh token is dead ("
						+ ex.getError().getDescription() + ")" + (removed ? "; the link is removed" : "; a newer link is kept"));
				return Outcome.REMOVED;
			}
			return failed(client, ex);
		}
		catch (RuntimeException ex) {
			return failed(client, ex);
		}
	}

	private static Outcome failed(WithingsAuthorizedClient client, RuntimeException ex) {
		String reason = (ex instanceof OAuth2AuthorizationException authorization) ? authorization.getError().toString()
				: ex.getClass().getSimpleName();
		logger.warn("Withings refresh in doubt of '" + client.getPrincipalName() + "' still unresolved: " + reason);
		return Outcome.FAILED;
	}

	/**
	 * How old a refresh mark must be to be in doubt.
	 * @return the delay
	 */
	public Duration getDelay() {
		return this.delay;
	}

	/**
	 * The registrations whose refreshes are followed.
	 * @return the registration ids
	 */
	public Collection<String> getRegistrationIds() {
		return this.registrationIds;
	}

	/**
	 * At most this many clients per registration and run (100 by default).
	 * @param batchSize the most clients per registration and run
	 */
	public void setBatchSize(int batchSize) {
		Assert.isTrue(batchSize > 0, "batchSize must be positive");
		this.batchSize = batchSize;
	}

	/**
	 * Pause between two refreshes (4 s by default, as the keep-alive's).
	 * @param spacing the pause between two refreshes
	 */
	public void setSpacing(Duration spacing) {
		Assert.notNull(spacing, "spacing cannot be null");
		this.spacing = spacing;
	}

	/**
	 * How pauses are made ({@link Thread#sleep} by default).
	 * @param sleeper what makes the pauses
	 */
	public void setSleeper(Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

	/**
	 * The clock that ages refresh marks.
	 * @param clock the clock to use
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	private enum Outcome {

		REFRESHED, REMOVED, FAILED

	}

	/**
	 * What a run did.
	 *
	 * @param refreshed clients refreshed: the chain is followed
	 * @param removed clients whose refresh token Withings said is dead
	 * @param failed clients still in doubt (tried again next run)
	 */
	public record Summary(int refreshed, int removed, int failed) {
	}

}
