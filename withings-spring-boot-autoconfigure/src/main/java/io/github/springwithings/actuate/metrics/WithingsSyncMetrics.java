package io.github.springwithings.actuate.metrics;

import java.time.Instant;
import java.util.function.ToDoubleFunction;

import io.github.springwithings.sync.WithingsSyncStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * The data sync's counts as Micrometer meters:
 * <ul>
 * <li>{@code withings.sync.fetches} (counter, tag {@code trigger}: {@code notification},
 * {@code backstop});</li>
 * <li>{@code withings.sync.records}: records published;</li>
 * <li>{@code withings.sync.missed}: missed notifications, backstop fetches that found changes no
 * notification announced (a broken callback URL shows here within one backstop period), and
 * {@code withings.sync.missed.records}; {@code withings.sync.missed.last}, in seconds since the
 * epoch (NaN when never);</li>
 * <li>{@code withings.sync.deferred} (601, or no permit in time), {@code withings.sync.failed}
 * (retried with backoff) and {@code withings.sync.unlinked} (users no longer synced).</li>
 * </ul>
 */
public final class WithingsSyncMetrics implements MeterBinder {

	private final WithingsSyncStatistics statistics;

	/**
	 * @param statistics the sync's counts
	 */
	public WithingsSyncMetrics(WithingsSyncStatistics statistics) {
		Assert.notNull(statistics, "statistics cannot be null");
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("withings.sync.fetches", this.statistics, WithingsSyncStatistics::getAnnouncedFetches)
			.tag("trigger", "notification")
			.description("Fetches of the data sync a notification asked for")
			.register(registry);
		FunctionCounter.builder("withings.sync.fetches", this.statistics, WithingsSyncStatistics::getBackstopFetches)
			.tag("trigger", "backstop")
			.description("Fetches of the data sync's backstop schedule")
			.register(registry);
		counter(registry, "withings.sync.records", WithingsSyncStatistics::getRecords,
				"Records published in WithingsDataSyncedEvent");
		counter(registry, "withings.sync.missed", WithingsSyncStatistics::getMissedNotifications,
				"Backstop fetches that found changes no notification announced");
		counter(registry, "withings.sync.missed.records", WithingsSyncStatistics::getMissedRecords,
				"Records found by the backstop that no notification announced");
		counter(registry, "withings.sync.deferred", WithingsSyncStatistics::getDeferred,
				"Fetches deferred by the rate limit");
		counter(registry, "withings.sync.failed", WithingsSyncStatistics::getFailed,
				"Fetches that failed and are retried with backoff");
		counter(registry, "withings.sync.unlinked", WithingsSyncStatistics::getUnlinked,
				"Users no longer synced: unlinked, or their link died");
		Gauge.builder("withings.sync.missed.last", this.statistics, WithingsSyncMetrics::lastMissed)
			.baseUnit("seconds")
			.description("When a missed notification was last noticed, in seconds since the epoch")
			.register(registry);
	}

	private void counter(MeterRegistry registry, String name, ToDoubleFunction<WithingsSyncStatistics> count,
			String description) {
		FunctionCounter.builder(name, this.statistics, count).description(description).register(registry);
	}

	private static double lastMissed(WithingsSyncStatistics statistics) {
		Instant last = statistics.getLastMissedAt();
		return (last != null) ? last.getEpochSecond() : Double.NaN;
	}

}
