package io.github.springwithings.actuate.health;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.sync.WithingsSyncStatistics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * The {@code withings} health contributor: DOWN when the application's own store cannot be read;
 * otherwise UP, with Withings' state in the details ({@code withings}: UP, DOWN or UNKNOWN,
 * {@code withingsError}, {@code withingsCheckedAt}). A Withings outage or slowness never makes the
 * contributor, and so {@code /actuator/health}, DOWN unless {@link #setStrict strict}: a
 * third-party outage must not take every instance out of a load balancer. Users are never looked
 * at: one user's dead link never makes the application unhealthy.
 *
 * <p><b>Withings</b> is read from a {@link WithingsReachability}: {@link #health()} never waits
 * for Withings, never holds a lock across an HTTP call; concurrent calls all get the last answer
 * at once, and a stale one starts a single probe in the background.
 *
 * <p><b>The store</b> is checked at each call with one aggregate query of the relational stores
 * ({@link WithingsAuthorizedClientService#countLinks}), whatever the table holds: no token is
 * read or decrypted, so rows written with another encryption key cost nothing.
 *
 * <p>Details are statuses and the type of a failure only: never a token, a secret, a URL's query
 * or a user.
 */
public final class WithingsHealthIndicator implements HealthIndicator {

	private static final Log logger = LogFactory.getLog(WithingsHealthIndicator.class);

	private final WithingsReachability reachability;

	private final List<String> registrationIds;

	private final WithingsAuthorizedClientService store;

	private volatile boolean strict;

	private Clock clock = Clock.systemUTC();

	private volatile WithingsSyncStatistics syncStatistics;

	/**
	 * @param restClient the client Withings is called with; it must read JSON into a {@code Map}
	 * and write form bodies, and should not take a rate-budget permit itself (this indicator
	 * takes one that is free now, see {@link #setRateBudget})
	 * @param clientRegistrationRepository where the registrations' token URIs are found
	 * @param registrationIds the Withings registrations
	 * @param store the store of authorized clients
	 */
	public WithingsHealthIndicator(RestClient restClient, ClientRegistrationRepository clientRegistrationRepository,
			Collection<String> registrationIds, WithingsAuthorizedClientService store) {
		this(new WithingsReachability(restClient, clientRegistrationRepository, registrationIds), registrationIds,
				store);
	}

	/**
	 * @param reachability what is known of Withings
	 * @param registrationIds the Withings registrations
	 * @param store the store of authorized clients
	 */
	public WithingsHealthIndicator(WithingsReachability reachability, Collection<String> registrationIds,
			WithingsAuthorizedClientService store) {
		Assert.notNull(reachability, "reachability cannot be null");
		Assert.notEmpty(registrationIds, "registrationIds cannot be empty");
		Assert.notNull(store, "store cannot be null");
		this.reachability = reachability;
		this.registrationIds = List.copyOf(registrationIds);
		this.store = store;
	}

	@Override
	public Health health() {
		WithingsReachability.Reachability withings = this.reachability.check();
		String storeFailure = storeFailure();
		boolean down = storeFailure != null || (this.strict && withings.status() == WithingsReachability.State.DOWN);
		Health.Builder health = down ? Health.down() : Health.up();
		health.withDetail("withings", withings.status().name());
		if (withings.error() != null) {
			health.withDetail("withingsError", withings.error());
		}
		if (withings.checkedAt() != null) {
			health.withDetail("withingsCheckedAt", withings.checkedAt().toString());
		}
		if (withings.lastStatus() != null) {
			health.withDetail("withingsLastStatus", withings.lastStatus().name());
		}
		health.withDetail("store", (storeFailure == null) ? Status.UP.getCode() : Status.DOWN.getCode());
		if (storeFailure != null) {
			health.withDetail("storeError", storeFailure);
		}
		WithingsSyncStatistics sync = this.syncStatistics;
		if (sync != null) {
			// never DOWN: a callback URL that broke is an operator's task, not a reason to take instances out
			health.withDetail("syncMissedNotifications", sync.getMissedNotifications());
			if (sync.getLastMissedAt() != null) {
				health.withDetail("syncLastMissedAt", sync.getLastMissedAt().toString());
			}
		}
		return health.build();
	}

	/** One aggregate query, never a row read: bounded whatever the table holds. */
	private String storeFailure() {
		try {
			this.store.countLinks(this.registrationIds.get(0), List.of(), this.clock.instant());
			return null;
		}
		catch (RuntimeException ex) {
			logger.debug("Withings health: the store cannot be read (" + ex.getClass().getSimpleName() + ")");
			return ex.getClass().getSimpleName();
		}
	}

	/**
	 * What is known of Withings, as this contributor reads it.
	 * @return the reachability
	 */
	public WithingsReachability getReachability() {
		return this.reachability;
	}

	/**
	 * Whether a Withings outage makes this contributor DOWN.
	 * @return {@code true} when strict
	 */
	public boolean isStrict() {
		return this.strict;
	}

	/**
	 * Make a Withings outage DOWN (and {@code /actuator/health} 503) when {@code true}; by
	 * default ({@code false}) it shows in the details only, and only the store makes this
	 * contributor DOWN. An UNKNOWN Withings is never DOWN.
	 * @param strict whether Withings DOWN makes this contributor DOWN
	 */
	public void setStrict(boolean strict) {
		this.strict = strict;
	}

	/**
	 * Take a permit of this budget for each request to Withings, only one free now (counted as
	 * background); none by default.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		this.reachability.setRateBudget(rateBudget);
	}

	/**
	 * Keep Withings' answer this long (1 minute by default); {@link Duration#ZERO} asks at every
	 * probe (one at a time).
	 * @param cache the time
	 */
	public void setCache(Duration cache) {
		this.reachability.setCache(cache);
	}

	/**
	 * Read a Withings answer older than this as UNKNOWN (5 minutes by default).
	 * @param maxAge the age
	 */
	public void setMaxAge(Duration maxAge) {
		this.reachability.setMaxAge(maxAge);
	}

	/**
	 * Run Withings probes on this executor (a thread of their own by default).
	 * @param executor the executor
	 */
	public void setExecutor(Executor executor) {
		this.reachability.setExecutor(executor);
	}

	/**
	 * Show the data sync's lost notifications in the details: {@code syncMissedNotifications}
	 * (backstop fetches that found changes no notification announced) and
	 * {@code syncLastMissedAt}. They never make this contributor DOWN.
	 * @param syncStatistics the sync's counts
	 */
	public void setSyncStatistics(WithingsSyncStatistics syncStatistics) {
		Assert.notNull(syncStatistics, "syncStatistics cannot be null");
		this.syncStatistics = syncStatistics;
	}

	/**
	 * Set the clock of the cache.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
		this.reachability.setClock(clock);
	}

}
