package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.util.Assert;

/**
 * Keeps dormant users linked: Withings refresh tokens live one year, so a user who is never
 * refreshed (no visit, no background sync) would have to consent again. {@link #sweep()} pages
 * through the store (one page in memory at a time), refreshes every client whose refresh token
 * is older than {@link #setMaxRefreshTokenAge the maximum age} through the single-flight refresh
 * client (so it is stored before use and never races a user's own refresh), spaces its calls
 * out, and logs a summary.
 */
public final class WithingsKeepAlive {

	private static final Log logger = LogFactory.getLog(WithingsKeepAlive.class);

	private final WithingsAuthorizedClientService authorizedClientService;

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient;

	private final Collection<String> registrationIds;

	private Duration maxRefreshTokenAge = Duration.ofDays(180);

	private int pageSize = 100;

	private Duration spacing = Duration.ofSeconds(1);

	private SingleFlightRefreshTokenResponseClient.Sleeper sleeper = SingleFlightRefreshTokenResponseClient.Sleeper.THREAD;

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
	 * Refresh every client whose refresh token is too old.
	 * @return what was done
	 */
	public Summary sweep() {
		Instant started = this.clock.instant();
		Instant oldest = started.minus(this.maxRefreshTokenAge);
		int checked = 0;
		int refreshed = 0;
		int failed = 0;
		boolean first = true;
		try {
			for (String registrationId : this.registrationIds) {
				String after = null;
				List<WithingsAuthorizedClient> page;
				do {
					page = this.authorizedClientService.findPage(registrationId, after, this.pageSize);
					for (WithingsAuthorizedClient client : page) {
						checked++;
						if (!isDue(client, oldest)) {
							continue;
						}
						if (!first) {
							this.sleeper.sleep(this.spacing);
						}
						first = false;
						if (refresh(client)) {
							refreshed++;
						}
						else {
							failed++;
						}
					}
					after = page.isEmpty() ? after : page.get(page.size() - 1).getPrincipalName();
				}
				while (page.size() == this.pageSize);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Summary summary = new Summary(checked, refreshed, failed, Duration.between(started, this.clock.instant()));
		logger.info("Withings keep-alive: " + summary.checked() + " clients checked, " + summary.refreshed()
				+ " refreshed, " + summary.failed() + " failed, in " + summary.took().toMillis() + " ms");
		return summary;
	}

	private static boolean isDue(WithingsAuthorizedClient client, Instant oldest) {
		return client.getRefreshTokenValue() != null && client.getRefreshTokenIssuedAt() != null
				&& client.getRefreshTokenIssuedAt().isBefore(oldest);
	}

	private boolean refresh(WithingsAuthorizedClient client) {
		OAuth2AuthorizedClient authorizedClient = client.getAuthorizedClient();
		try {
			this.refreshTokenResponseClient.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
					authorizedClient.getClientRegistration(), authorizedClient.getAccessToken(),
					authorizedClient.getRefreshToken()));
			return true;
		}
		catch (OAuth2AuthorizationException ex) {
			logger.warn("Withings keep-alive could not refresh '" + client.getPrincipalName() + "' (userid "
					+ client.getUserId() + "): " + ex.getError());
			return false;
		}
	}

	/** Refresh clients whose refresh token is older than this (180 days by default). */
	public void setMaxRefreshTokenAge(Duration maxRefreshTokenAge) {
		Assert.notNull(maxRefreshTokenAge, "maxRefreshTokenAge cannot be null");
		this.maxRefreshTokenAge = maxRefreshTokenAge;
	}

	/** How many clients are read at a time (100 by default). */
	public void setPageSize(int pageSize) {
		Assert.isTrue(pageSize > 0, "pageSize must be positive");
		this.pageSize = pageSize;
	}

	/** Pause between two refreshes (1 s by default), to stay far below Withings' rate limit. */
	public void setSpacing(Duration spacing) {
		Assert.notNull(spacing, "spacing cannot be null");
		this.spacing = spacing;
	}

	/** How pauses are made ({@link Thread#sleep} by default). */
	public void setSleeper(SingleFlightRefreshTokenResponseClient.Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

	/** The clock that ages refresh tokens. */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * What a sweep did.
	 *
	 * @param checked clients looked at
	 * @param refreshed clients refreshed
	 * @param failed clients whose refresh failed
	 * @param took how long the sweep took
	 */
	public record Summary(int checked, int refreshed, int failed, Duration took) {
	}

}
