package io.github.springwithings.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.WithingsLinkCounts;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.ratelimit.WithingsRateBudget;

import org.springframework.util.Assert;

/**
 * What the {@code withings} endpoint and metrics show, read from the starter's parts: linked
 * users per registration by refresh-token age (one aggregate query per registration, never a
 * token read), refreshes in doubt, the keep-alive's last and next sweep, the rate budget's use
 * and 601s in the last hour, notification subscriptions and callbacks, whether Withings answers. Counts and times only:
 * never a token, a secret, a principal name or a Withings user id.
 *
 * <p>The parts other than the store are optional: what is not set is left out.
 */
public final class WithingsStatistics {

	/** How long Withings keeps a refresh token that is never used. */
	public static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(365);

	/** Refresh tokens this close to the end of their year are "close to the limit". */
	public static final Duration CLOSE_TO_LIMIT = Duration.ofDays(30);

	/** Refresh-token age ranges, youngest first. */
	public enum RefreshTokenAge {

		/** Issued less than 30 days ago. */
		DAYS_0_TO_30("lessThan30Days", Duration.ofDays(30)),

		/** 30 to 180 days (the keep-alive refreshes from 180 days by default). */
		DAYS_30_TO_180("30To180Days", Duration.ofDays(180)),

		/** 180 to 335 days. */
		DAYS_180_TO_335("180To335Days", REFRESH_TOKEN_LIFETIME.minus(CLOSE_TO_LIMIT)),

		/** 335 to 365 days: close to the one-year limit. */
		DAYS_335_TO_365("335To365Days", REFRESH_TOKEN_LIFETIME),

		/** A year or more: Withings has most likely let it die. */
		DAYS_365_OR_MORE("365DaysOrMore", null);

		private final String key;

		private final Duration upTo;

		RefreshTokenAge(String key, Duration upTo) {
			this.key = key;
			this.upTo = upTo;
		}

		/**
		 * The name of the range in the endpoint and in the {@code age} tag of metrics.
		 * @return the name
		 */
		public String key() {
			return this.key;
		}

	}

	private final WithingsAuthorizedClientService store;

	private final List<String> registrationIds;

	private Duration inDoubtDelay = Duration.ofMinutes(1);

	private WithingsKeepAlive keepAlive;

	private WithingsRateBudget rateBudget;

	private WithingsNotificationReceiver notificationReceiver;

	private WithingsSubscribeOnLink subscribeOnLink;

	private WithingsReachability reachability;

	private Clock clock = Clock.systemUTC();

	/**
	 * @param store the store of authorized clients
	 * @param registrationIds the Withings registrations
	 */
	public WithingsStatistics(WithingsAuthorizedClientService store, Collection<String> registrationIds) {
		Assert.notNull(store, "store cannot be null");
		Assert.notNull(registrationIds, "registrationIds cannot be null");
		this.store = store;
		this.registrationIds = List.copyOf(registrationIds);
	}

	/**
	 * The Withings registrations counted.
	 * @return the registration ids
	 */
	public List<String> getRegistrationIds() {
		return this.registrationIds;
	}

	/**
	 * Count the linked users of a registration: one query of the store.
	 * @param registrationId the registration id
	 * @return the counts
	 */
	public Registration registration(String registrationId) {
		Instant now = this.clock.instant();
		List<Instant> bounds = new ArrayList<>();
		for (RefreshTokenAge age : RefreshTokenAge.values()) {
			if (age.upTo != null) {
				bounds.add(now.minus(age.upTo));
			}
		}
		WithingsLinkCounts counts = this.store.countLinks(registrationId, bounds, now.minus(this.inDoubtDelay));
		Map<String, Long> byAge = new LinkedHashMap<>();
		for (RefreshTokenAge age : RefreshTokenAge.values()) {
			byAge.put(age.key, counts.byRefreshTokenAge().get(age.ordinal()));
		}
		byAge.put("unknown", counts.unknownRefreshTokenAge());
		return new Registration(counts.linkedUsers(), byAge,
				counts.byRefreshTokenAge().get(RefreshTokenAge.DAYS_335_TO_365.ordinal()), counts.refreshesInDoubt());
	}

	/**
	 * Count the linked users of every registration.
	 * @return the counts by registration id
	 */
	public Map<String, Registration> registrations() {
		Map<String, Registration> registrations = new LinkedHashMap<>();
		for (String registrationId : this.registrationIds) {
			registrations.put(registrationId, registration(registrationId));
		}
		return registrations;
	}

	/**
	 * Whether Withings answers (a probe is started in the background when the last answer is
	 * stale; never waited for).
	 * @return the last answer, {@code null} without a reachability probe
	 */
	public WithingsReachability.Reachability reachability() {
		return (this.reachability != null) ? this.reachability.check() : null;
	}

	/**
	 * The keep-alive's sweeps (the last start read from its sweep log).
	 * @return the sweeps, {@code null} when the keep-alive is off
	 */
	public KeepAlive keepAlive() {
		if (this.keepAlive == null) {
			return null;
		}
		Instant last = this.keepAlive.getLastSweepStart();
		Duration interval = this.keepAlive.getInterval();
		return new KeepAlive(interval, last, (last != null) ? last.plus(interval) : null);
	}

	/**
	 * The rate budget's use by this instance.
	 * @return the use, {@code null} without a rate budget
	 */
	public RateBudget rateBudget() {
		if (this.rateBudget == null) {
			return null;
		}
		Map<String, Long> lastHour = new LinkedHashMap<>();
		Map<String, Long> sinceStart = new LinkedHashMap<>();
		for (WithingsRateBudget.Outcome outcome : WithingsRateBudget.Outcome.values()) {
			lastHour.put(key(outcome), this.rateBudget.countLastHour(outcome));
			sinceStart.put(key(outcome), this.rateBudget.count(outcome));
		}
		Long available;
		try {
			available = this.rateBudget.getAvailablePermits();
		}
		catch (RuntimeException ex) {
			available = null; // a shared budget whose store cannot be read now
		}
		return new RateBudget(this.rateBudget.getRequestsPerMinute(), this.rateBudget.isShared(), available,
				lastHour.get(key(WithingsRateBudget.Outcome.TOO_MANY_REQUESTS)), lastHour, sinceStart);
	}

	/**
	 * Notification subscriptions and callbacks received by this instance.
	 * @return them, {@code null} when notifications are off
	 */
	public Notifications notifications() {
		if (this.notificationReceiver == null && this.subscribeOnLink == null) {
			return null;
		}
		Map<String, Long> subscriptions = null;
		Integer pending = null;
		if (this.subscribeOnLink != null) {
			subscriptions = counts(WithingsSubscribeOnLink.Outcome.class, this.subscribeOnLink::count);
			pending = this.subscribeOnLink.getPending();
		}
		Map<String, Long> callbacks = null;
		Instant lastCallback = null;
		if (this.notificationReceiver != null) {
			callbacks = counts(WithingsNotificationReceiver.Outcome.class, this.notificationReceiver::count);
			lastCallback = this.notificationReceiver.getLastReceived();
		}
		return new Notifications(subscriptions, pending, callbacks, lastCallback);
	}

	private static <E extends Enum<E>> Map<String, Long> counts(Class<E> type, ToLongFunction<E> count) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (E outcome : type.getEnumConstants()) {
			counts.put(key(outcome), count.applyAsLong(outcome));
		}
		return counts;
	}

	/**
	 * The name of an outcome in the endpoint and in metric tags: {@code TOO_MANY_REQUESTS} is
	 * {@code tooManyRequests}.
	 * @param outcome the outcome
	 * @return the name
	 */
	public static String key(Enum<?> outcome) {
		String[] words = outcome.name().toLowerCase(Locale.ROOT).split("_");
		StringBuilder key = new StringBuilder(words[0]);
		for (int i = 1; i < words.length; i++) {
			key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
		}
		return key.toString();
	}

	/**
	 * The refresh marks older than this are refreshes in doubt (the in-doubt retry delay, 1
	 * minute by default).
	 * @param inDoubtDelay the delay
	 */
	public void setInDoubtDelay(Duration inDoubtDelay) {
		Assert.notNull(inDoubtDelay, "inDoubtDelay cannot be null");
		this.inDoubtDelay = inDoubtDelay;
	}

	/**
	 * Take the in-doubt delay of the follow-up of refreshes in doubt.
	 * @param inDoubtRefreshes the follow-up
	 */
	public void setInDoubtRefreshes(WithingsInDoubtRefreshes inDoubtRefreshes) {
		Assert.notNull(inDoubtRefreshes, "inDoubtRefreshes cannot be null");
		this.inDoubtDelay = inDoubtRefreshes.getDelay();
	}

	/**
	 * Show the keep-alive's sweeps.
	 * @param keepAlive the keep-alive
	 */
	public void setKeepAlive(WithingsKeepAlive keepAlive) {
		Assert.notNull(keepAlive, "keepAlive cannot be null");
		this.keepAlive = keepAlive;
	}

	/**
	 * Show the rate budget's use.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		this.rateBudget = rateBudget;
	}

	/**
	 * Show the notification callbacks received.
	 * @param notificationReceiver the receiver
	 */
	public void setNotificationReceiver(WithingsNotificationReceiver notificationReceiver) {
		Assert.notNull(notificationReceiver, "notificationReceiver cannot be null");
		this.notificationReceiver = notificationReceiver;
	}

	/**
	 * Show the subscriptions made when users link.
	 * @param subscribeOnLink the subscriber
	 */
	public void setSubscribeOnLink(WithingsSubscribeOnLink subscribeOnLink) {
		Assert.notNull(subscribeOnLink, "subscribeOnLink cannot be null");
		this.subscribeOnLink = subscribeOnLink;
	}

	/**
	 * Show whether Withings answers.
	 * @param reachability the probe of Withings
	 */
	public void setReachability(WithingsReachability reachability) {
		Assert.notNull(reachability, "reachability cannot be null");
		this.reachability = reachability;
	}

	/**
	 * Set the clock refresh tokens and refresh marks are aged by.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/** {@return the reachability of Withings, or {@code null}} */
	public WithingsReachability getReachability() {
		return this.reachability;
	}

	/** {@return the keep-alive, or {@code null}} */
	public WithingsKeepAlive getKeepAlive() {
		return this.keepAlive;
	}

	/** {@return the rate budget, or {@code null}} */
	public WithingsRateBudget getRateBudget() {
		return this.rateBudget;
	}

	/** {@return the notification receiver, or {@code null}} */
	public WithingsNotificationReceiver getNotificationReceiver() {
		return this.notificationReceiver;
	}

	/** {@return the subscriber on link, or {@code null}} */
	public WithingsSubscribeOnLink getSubscribeOnLink() {
		return this.subscribeOnLink;
	}

	/**
	 * The linked users of a registration.
	 *
	 * @param linkedUsers the stored clients
	 * @param refreshTokenAge the clients by refresh-token age ({@link RefreshTokenAge#key()}, and
	 * {@code unknown})
	 * @param closeToLimit the clients whose refresh token is 335 to 365 days old
	 * @param refreshesInDoubt the clients whose refresh is in doubt
	 */
	public record Registration(long linkedUsers, Map<String, Long> refreshTokenAge, long closeToLimit,
			long refreshesInDoubt) {
	}

	/**
	 * The keep-alive's sweeps, of the whole cluster.
	 *
	 * @param interval the time between two sweeps
	 * @param lastSweep when the last sweep started, {@code null} when none did
	 * @param nextSweep when the next one is due, {@code null} when none did (due at once)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record KeepAlive(Duration interval, Instant lastSweep, Instant nextSweep) {
	}

	/**
	 * The rate budget's use by this instance.
	 *
	 * @param requestsPerMinute the budget
	 * @param shared whether the instances share it
	 * @param availablePermits permits free now (negative: a debt), {@code null} when a shared
	 * budget cannot be read
	 * @param tooManyRequestsLastHour 601s in the last hour
	 * @param lastHour permits by outcome in the last hour
	 * @param sinceStart permits by outcome since the start
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record RateBudget(int requestsPerMinute, boolean shared, Long availablePermits, long tooManyRequestsLastHour,
			Map<String, Long> lastHour, Map<String, Long> sinceStart) {
	}

	/**
	 * Notification subscriptions and callbacks, in this instance since the start.
	 *
	 * @param subscriptions subscription attempts by outcome, {@code null} without subscribe-on-link
	 * @param pendingSubscriptions attempts waiting to run
	 * @param callbacks callbacks by outcome, {@code null} without a callback
	 * @param lastCallback when the last notification came, {@code null} when none did
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Notifications(Map<String, Long> subscriptions, Integer pendingSubscriptions,
			Map<String, Long> callbacks, Instant lastCallback) {
	}

}
