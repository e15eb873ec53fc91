package io.github.springwithings.actuate.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.notification.WithingsNotificationInbox;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The {@code withings} endpoint's counts as Micrometer meters:
 * <ul>
 * <li>{@code withings.reachable}: 1 when Withings answered the last probe, 0 when it did not,
 * NaN when unknown (not asked yet, or the answer is too old); {@code withings.reachability.probes}
 * (counter, tag {@code outcome}: {@code up}, {@code down});</li>
 * <li>{@code withings.users.linked}, {@code withings.refresh.tokens} (tag {@code age}) and
 * {@code withings.refreshes.in.doubt}, tagged {@code registration}: read from the store at most
 * once per {@link #setStoreCache store cache time} (1 minute by default), one aggregate query per
 * registration; NaN while the store cannot be read;</li>
 * <li>{@code withings.keep.alive.last.sweep} and {@code withings.keep.alive.next.sweep}, in
 * seconds since the epoch (from the sweep log, cached as the store's counts);</li>
 * <li>{@code withings.rate.budget.last.hour} (gauges) and {@code withings.rate.budget.permits}
 * (counters since the start), tagged {@code outcome}; {@code withings.rate.budget.available};</li>
 * <li>{@code withings.notifications.subscriptions} and {@code withings.notifications.callbacks}
 * (counters, tag {@code outcome}), {@code withings.notifications.subscriptions.pending} and
 * {@code withings.notifications.last.callback} (seconds since the epoch); with the durable inbox,
 * {@code withings.notifications.inbox.pending} and {@code withings.notifications.inbox.given.up}
 * (read from the table, cached as the store's counts).</li>
 * </ul>
 * Meters of a part that is off (no keep-alive, no notifications) are not registered.
 */
public final class WithingsMetrics implements MeterBinder {

	private static final Log logger = LogFactory.getLog(WithingsMetrics.class);

	private final WithingsStatistics statistics;

	private Duration storeCache = Duration.ofMinutes(1);

	private Clock clock = Clock.systemUTC();

	private volatile StoreReading reading;

	private volatile InboxReading inbox;

	/**
	 * @param statistics where the counts are read
	 */
	public WithingsMetrics(WithingsStatistics statistics) {
		Assert.notNull(statistics, "statistics cannot be null");
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		WithingsReachability reachability = this.statistics.getReachability();
		if (reachability != null) {
			Gauge.builder("withings.reachable", reachability, WithingsMetrics::reachable)
				.description("Whether Withings answered the last probe (1), did not (0), or is unknown (NaN)")
				.strongReference(true)
				.register(registry);
			FunctionCounter.builder("withings.reachability.probes", reachability,
					(r) -> r.getProbes() - r.getFailedProbes())
				.description("Probes of Withings by outcome")
				.tag("outcome", "up")
				.register(registry);
			FunctionCounter.builder("withings.reachability.probes", reachability, WithingsReachability::getFailedProbes)
				.description("Probes of Withings by outcome")
				.tag("outcome", "down")
				.register(registry);
		}
		for (String registrationId : this.statistics.getRegistrationIds()) {
			gauge(registry, "withings.users.linked", "Users linked to Withings", (metrics) -> metrics
				.registration(registrationId, WithingsStatistics.Registration::linkedUsers), "registration",
					registrationId);
			for (WithingsStatistics.RefreshTokenAge age : WithingsStatistics.RefreshTokenAge.values()) {
				gauge(registry, "withings.refresh.tokens", "Linked users by the age of their refresh token",
						(metrics) -> metrics.registration(registrationId,
								(counts) -> counts.refreshTokenAge().get(age.key())),
						"registration", registrationId, "age", age.key());
			}
			gauge(registry, "withings.refreshes.in.doubt", "Refreshes whose outcome is unknown, followed up",
					(metrics) -> metrics.registration(registrationId, WithingsStatistics.Registration::refreshesInDoubt),
					"registration", registrationId);
		}
		if (this.statistics.getKeepAlive() != null) {
			Gauge.builder("withings.keep.alive.last.sweep", this,
					(metrics) -> seconds(metrics.storeReading().lastSweep()))
				.description("When the last keep-alive sweep of the cluster started")
				.baseUnit("seconds")
				.strongReference(true)
				.register(registry);
			Gauge.builder("withings.keep.alive.next.sweep", this,
					(metrics) -> seconds(metrics.storeReading().nextSweep()))
				.description("When the next keep-alive sweep is due")
				.baseUnit("seconds")
				.strongReference(true)
				.register(registry);
		}
		WithingsRateBudget budget = this.statistics.getRateBudget();
		if (budget != null) {
			for (WithingsRateBudget.Outcome outcome : WithingsRateBudget.Outcome.values()) {
				String tag = WithingsStatistics.key(outcome);
				Gauge.builder("withings.rate.budget.last.hour", budget, (b) -> b.countLastHour(outcome))
					.description("Rate-budget permits by outcome in the last hour, in this instance")
					.tag("outcome", tag)
					.strongReference(true)
					.register(registry);
				FunctionCounter.builder("withings.rate.budget.permits", budget, (b) -> b.count(outcome))
					.description("Rate-budget permits by outcome since the start, in this instance")
					.tag("outcome", tag)
					.register(registry);
			}
			Gauge.builder("withings.rate.budget.available", budget, WithingsMetrics::available)
				.description("Rate-budget permits free now (negative: a debt)")
				.strongReference(true)
				.register(registry);
		}
		WithingsSubscribeOnLink subscribeOnLink = this.statistics.getSubscribeOnLink();
		if (subscribeOnLink != null) {
			for (WithingsSubscribeOnLink.Outcome outcome : WithingsSubscribeOnLink.Outcome.values()) {
				FunctionCounter.builder("withings.notifications.subscriptions", subscribeOnLink, (s) -> s.count(outcome))
					.description("Subscriptions of linked users to notifications, by outcome")
					.tag("outcome", WithingsStatistics.key(outcome))
					.register(registry);
			}
			Gauge.builder("withings.notifications.subscriptions.pending", subscribeOnLink,
					WithingsSubscribeOnLink::getPending)
				.description("Subscription attempts waiting to run")
				.strongReference(true)
				.register(registry);
		}
		WithingsNotificationReceiver receiver = this.statistics.getNotificationReceiver();
		if (receiver != null) {
			for (WithingsNotificationReceiver.Outcome outcome : WithingsNotificationReceiver.Outcome.values()) {
				FunctionCounter.builder("withings.notifications.callbacks", receiver, (r) -> r.count(outcome))
					.description("Notification callbacks by outcome")
					.tag("outcome", WithingsStatistics.key(outcome))
					.register(registry);
			}
			Gauge.builder("withings.notifications.last.callback", receiver, (r) -> seconds(r.getLastReceived()))
				.description("When the last notification came")
				.baseUnit("seconds")
				.strongReference(true)
				.register(registry);
			WithingsNotificationInbox inbox = receiver.getInbox();
			if (inbox != null) {
				Gauge.builder("withings.notifications.inbox.pending", this,
						(metrics) -> metrics.inboxReading(inbox).pending())
					.description("Notifications in the durable inbox waiting to be handled, by every instance")
					.strongReference(true)
					.register(registry);
				Gauge.builder("withings.notifications.inbox.given.up", this,
						(metrics) -> metrics.inboxReading(inbox).givenUp())
					.description("Notifications given up and kept in the durable inbox for inspection")
					.strongReference(true)
					.register(registry);
			}
		}
	}

	private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<WithingsMetrics> value,
			String... tags) {
		Gauge.builder(name, this, value).description(description).tags(tags).strongReference(true).register(registry);
	}

	private double registration(String registrationId,
			Function<WithingsStatistics.Registration, Long> value) {
		Map<String, WithingsStatistics.Registration> registrations = storeReading().registrations();
		WithingsStatistics.Registration registration = (registrations != null) ? registrations.get(registrationId) : null;
		Long count = (registration != null) ? value.apply(registration) : null;
		return (count != null) ? count : Double.NaN;
	}

	private static double reachable(WithingsReachability reachability) {
		return switch (reachability.current().status()) {
			case UP -> 1;
			case DOWN -> 0;
			case UNKNOWN -> Double.NaN;
		};
	}

	private static double available(WithingsRateBudget budget) {
		try {
			return budget.getAvailablePermits();
		}
		catch (RuntimeException ex) {
			return Double.NaN;
		}
	}

	private static double seconds(Instant instant) {
		return (instant != null) ? instant.toEpochMilli() / 1000.0 : Double.NaN;
	}

	/** The store's counts and the sweep log's last start, read again when older than the cache time. */
	private StoreReading storeReading() {
		StoreReading current = this.reading;
		Instant now = this.clock.instant();
		if (current != null && now.isBefore(current.at().plus(this.storeCache))) {
			return current;
		}
		synchronized (this) {
			current = this.reading;
			if (current != null && now.isBefore(current.at().plus(this.storeCache))) {
				return current;
			}
			Map<String, WithingsStatistics.Registration> registrations = null;
			try {
				registrations = this.statistics.registrations();
			}
			catch (RuntimeException ex) {
				logger.debug("Withings metrics: the store cannot be read (" + ex.getClass().getSimpleName() + ")");
			}
			Instant lastSweep = null;
			Instant nextSweep = null;
			try {
				WithingsStatistics.KeepAlive keepAlive = this.statistics.keepAlive();
				if (keepAlive != null) {
					lastSweep = keepAlive.lastSweep();
					nextSweep = keepAlive.nextSweep();
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Withings metrics: the sweep log cannot be read (" + ex.getClass().getSimpleName() + ")");
			}
			this.reading = new StoreReading(now, registrations, lastSweep, nextSweep);
			return this.reading;
		}
	}

	/** The inbox's counts, read again when older than the store cache time (NaN while it cannot be read). */
	private InboxReading inboxReading(WithingsNotificationInbox inbox) {
		InboxReading current = this.inbox;
		Instant now = this.clock.instant();
		if (current != null && now.isBefore(current.at().plus(this.storeCache))) {
			return current;
		}
		synchronized (this) {
			current = this.inbox;
			if (current != null && now.isBefore(current.at().plus(this.storeCache))) {
				return current;
			}
			double pending = Double.NaN;
			double givenUp = Double.NaN;
			try {
				pending = inbox.countPending();
				givenUp = inbox.countGivenUp();
			}
			catch (RuntimeException ex) {
				logger.debug("Withings metrics: the notification inbox cannot be read (" + ex.getClass().getSimpleName()
						+ ")");
			}
			this.inbox = new InboxReading(now, pending, givenUp);
			return this.inbox;
		}
	}

	/**
	 * Read the store at most this often (1 minute by default): every gauge of a scrape shares
	 * one reading.
	 * @param storeCache the time
	 */
	public void setStoreCache(Duration storeCache) {
		Assert.isTrue(storeCache != null && !storeCache.isNegative(), "storeCache must not be negative");
		this.storeCache = storeCache;
	}

	/**
	 * Set the clock of the store cache.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	private record InboxReading(Instant at, double pending, double givenUp) {
	}

	private record StoreReading(Instant at, Map<String, WithingsStatistics.Registration> registrations,
			Instant lastSweep, Instant nextSweep) {
	}

}
