package io.github.springwithings.oauth2.client.keepalive;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.github.springwithings.oauth2.client.RefreshTokenRejectedException;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.support.Sleeper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * Keeps dormant users linked: Withings refresh tokens live one year, so a user who is never
 * refreshed (no visit, no background sync) would have to consent again. {@link #sweep()} pages
 * through the store (one page in memory at a time), refreshes every client whose refresh token
 * is older than {@link #setMaxRefreshTokenAge the maximum age} through the single-flight refresh
 * client (so it is stored before use and never races a user's own refresh), spaces its calls
 * out, and logs a summary. One client that fails, or one page that cannot be read, never stops
 * the sweep.
 *
 * <p>{@link #sweepIfDue} runs a sweep only when the {@link WithingsSweepLog} says the last one
 * (by any instance, before any restart) started at least an {@link #setInterval interval} ago:
 * schedule it often and the cluster sweeps once per interval, whatever its restarts. A sweep that
 * stops early (a shutdown) gives its start back ({@link WithingsSweepLog#stoppedEarly}), so the
 * next check, here or on another instance, resumes it rather than an interval later. A store
 * failure while removing a dead link fails that client only.
 */
public final class WithingsKeepAlive {

	/** The name of the keep-alive sweep in the {@link WithingsSweepLog}. */
	public static final String SWEEP_NAME = "withings-keep-alive";

	private static final Log logger = LogFactory.getLog(WithingsKeepAlive.class);

	private final WithingsAuthorizedClientService authorizedClientService;

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient;

	private final Collection<String> registrationIds;

	private WithingsSweepLog sweepLog = new InMemoryWithingsSweepLog();

	private Duration interval = Duration.ofDays(1);

	private Duration maxRefreshTokenAge = Duration.ofDays(180);

	private int pageSize = 100;

	private Duration spacing = Duration.ofSeconds(4);

	private Sleeper sleeper = Sleeper.THREAD;

	private Clock clock = Clock.systemUTC();

	/**
	 * @param authorizedClientService the store
	 * @param refreshTokenResponseClient the refresh client (the single-flight one)
	 * @param registrationIds the Withings registrations to sweep
	 */
	public WithingsKeepAlive(WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			Collection<String> registrationIds) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notNull(refreshTokenResponseClient, "refreshTokenResponseClient cannot be null");
		Assert.notNull(registrationIds, "registrationIds cannot be null");
		this.authorizedClientService = authorizedClientService;
		this.refreshTokenResponseClient = refreshTokenResponseClient;
		this.registrationIds = List.copyOf(registrationIds);
	}

	/**
	 * Sweep if no sweep started within the interval (in this instance or another, before or after
	 * a restart).
	 * @param carryOn asked between two clients; a sweep stops early when it says {@code false}
	 * @return what was done, or {@code null} when no sweep was due
	 */
	public Summary sweepIfDue(BooleanSupplier carryOn) {
		Instant start = this.clock.instant();
		if (!this.sweepLog.tryStart(SWEEP_NAME, start, this.interval)) {
			return null;
		}
		Counts counts = new Counts();
		Summary summary = sweep(carryOn, counts);
		if (counts.stoppedEarly) {
			// a shutdown stopped it: due again at the next check (here or elsewhere), not an interval later
			try {
				this.sweepLog.stoppedEarly(SWEEP_NAME, start, this.interval);
				logger.info("Withings keep-alive stopped early; it resumes at the next check");
			}
			catch (RuntimeException ex) {
				logger.warn("Withings keep-alive stopped early and could not say so in the sweep log ("
						+ ex.getClass().getSimpleName() + "); it resumes an interval later");
			}
		}
		return summary;
	}

	/**
	 * Refresh every client whose refresh token is too old.
	 * @return what was done
	 */
	public Summary sweep() {
		return sweep(() -> true);
	}

	/**
	 * Refresh every client whose refresh token is too old.
	 * @param carryOn asked between two clients; the sweep stops early when it says {@code false}
	 * @return what was done
	 */
	public Summary sweep(BooleanSupplier carryOn) {
		return sweep(carryOn, new Counts());
	}

	private Summary sweep(BooleanSupplier carryOn, Counts counts) {
		Instant started = this.clock.instant();
		Instant oldest = started.minus(this.maxRefreshTokenAge);
		try {
			for (String registrationId : this.registrationIds) {
				sweep(registrationId, oldest, counts, carryOn);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			counts.stoppedEarly = true;
		}
		Summary summary = new Summary(counts.checked, counts.refreshed, counts.failed,
				Duration.between(started, this.clock.instant()));
		logger.info("Withings keep-alive: " + summary.checked() + " clients checked, " + summary.refreshed()
				+ " refreshed, " + summary.failed() + " failed, in " + summary.took().toMillis() + " ms");
		return summary;
	}

	private void sweep(String registrationId, Instant oldest, Counts counts, BooleanSupplier carryOn)
			throws InterruptedException {
		String after = null;
		List<WithingsAuthorizedClient> page;
		do {
			try {
				page = this.authorizedClientService.findPage(registrationId, after, this.pageSize);
			}
			catch (RuntimeException ex) {
				logger.warn("Withings keep-alive could not read clients of '" + registrationId + "' after '" + after
						+ "' (" + ex.getClass().getSimpleName() + "); the rest waits for the next sweep");
				counts.failed++;
				return;
			}
			for (WithingsAuthorizedClient client : page) {
				if (!carryOn.getAsBoolean()) {
					counts.stoppedEarly = true;
					return;
				}
				counts.checked++;
				if (!isDue(client, oldest)) {
					continue;
				}
				if (counts.refreshed + counts.failed > 0) {
					this.sleeper.sleep(this.spacing);
				}
				if (refresh(client)) {
					counts.refreshed++;
				}
				else {
					counts.failed++;
				}
			}
			after = page.isEmpty() ? after : page.get(page.size() - 1).getPrincipalName();
		}
		while (page.size() == this.pageSize);
	}

	private static boolean isDue(WithingsAuthorizedClient client, Instant oldest) {
		return client.getRefreshTokenValue() != null && client.getRefreshTokenIssuedAt() != null
				&& client.getRefreshTokenIssuedAt().isBefore(oldest);
	}

	private boolean refresh(WithingsAuthorizedClient client) {
		try {
			if (this.authorizedClientService.loadByRefreshToken(client.getRegistrationId(),
					client.getRefreshTokenValue()) == null) {
				return true; // removed or re-linked since the page was read: nothing to keep alive
			}
			this.refreshTokenResponseClient.getTokenResponse(client.refreshGrantRequest());
			return true;
		}
		catch (RefreshTokenRejectedException ex) {
			if (OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
				// a dormant user revoked the app, or the chain broke: the link is dead (compare before remove)
				boolean removed;
				try {
					removed = this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
							client.getRegistrationId(), client.getPrincipalName(), client.getRefreshTokenValue());
				}
				catch (RuntimeException removal) {
					// this client only: the sweep goes on (its link goes at its next refresh)
					logger.warn("Withings keep-alive: the refresh token of '" + client.getPrincipalName() + "' (userid "
							+ client.getUserId() + ") is dead, but the link could not be removed ("
							+ removal.getClass().getSimpleName() + ")");
					return false;
				}
				logger.warn("Withings keep-alive: the refresh token of '" + client.getPrincipalName() + "' (userid "
						+ client.getUserId() + ") is dead (" + ex.getError().getDescription() + ")"
						+ (removed ? "; the link is removed" : "; a newer link is kept"));
				return false;
			}
			logger.warn("Withings keep-alive could not refresh '" + client.getPrincipalName() + "' (userid "
					+ client.getUserId() + "): " + ex.getError());
			return false;
		}
		catch (OAuth2AuthorizationException ex) {
			logger.warn("Withings keep-alive could not refresh '" + client.getPrincipalName() + "' (userid "
					+ client.getUserId() + "): " + ex.getError());
			return false;
		}
		catch (RuntimeException ex) {
			logger.warn("Withings keep-alive could not refresh '" + client.getPrincipalName() + "' (userid "
					+ client.getUserId() + "): " + ex.getClass().getSimpleName());
			return false;
		}
	}

	/**
	 * When the last sweep started, in this instance or another (as the {@link WithingsSweepLog}
	 * tells).
	 * @return the start, or {@code null} when none ever started
	 */
	public Instant getLastSweepStart() {
		return this.sweepLog.lastStart(SWEEP_NAME);
	}

	/**
	 * Time between two sweeps of the cluster.
	 * @return the interval
	 */
	public Duration getInterval() {
		return this.interval;
	}

	/**
	 * Where the last sweep's start is kept (in memory by default; the JDBC store's table with it).
	 * @param sweepLog where the last sweep's start is kept
	 */
	public void setSweepLog(WithingsSweepLog sweepLog) {
		Assert.notNull(sweepLog, "sweepLog cannot be null");
		this.sweepLog = sweepLog;
	}

	/**
	 * Time between two sweeps of the cluster (1 day by default).
	 * @param interval the time between two sweeps
	 */
	public void setInterval(Duration interval) {
		Assert.notNull(interval, "interval cannot be null");
		this.interval = interval;
	}

	/**
	 * Refresh clients whose refresh token is older than this (180 days by default).
	 * @param maxRefreshTokenAge the age from which a refresh token is refreshed
	 */
	public void setMaxRefreshTokenAge(Duration maxRefreshTokenAge) {
		Assert.notNull(maxRefreshTokenAge, "maxRefreshTokenAge cannot be null");
		this.maxRefreshTokenAge = maxRefreshTokenAge;
	}

	/**
	 * How many clients are read at a time (100 by default).
	 * @param pageSize how many clients are read at a time
	 */
	public void setPageSize(int pageSize) {
		Assert.isTrue(pageSize > 0, "pageSize must be positive");
		this.pageSize = pageSize;
	}

	/**
	 * Pause between two refreshes (4 s by default: in {@code signature} mode a refresh is two
	 * requests, so 30 requests a minute, a quarter of Withings' 120).
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
	 * The clock that ages refresh tokens and dates sweeps.
	 * @param clock the clock to use
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	private static final class Counts {

		int checked;

		int refreshed;

		int failed;

		boolean stoppedEarly;

	}

	/**
	 * What a sweep did.
	 *
	 * @param checked clients looked at
	 * @param refreshed clients refreshed
	 * @param failed clients whose refresh failed, and pages that could not be read
	 */
	public record Summary(int checked, int refreshed, int failed, Duration took) {
	}

}
