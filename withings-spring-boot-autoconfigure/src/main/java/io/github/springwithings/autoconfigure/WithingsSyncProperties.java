package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import io.github.springwithings.sync.WithingsDataKind;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The data sync: {@code withings.sync.*}.
 */
@ConfigurationProperties("withings.sync")
public class WithingsSyncProperties {

	/**
	 * Whether to sync linked users' data: a durable cursor per user and data kind, fetched on
	 * notifications and on the backstop schedule, published as WithingsDataSyncedEvent.
	 */
	private boolean enabled = false;

	/**
	 * Data kinds to sync, each for the users whose scopes allow it (all by default).
	 */
	private Set<WithingsDataKind> kinds = EnumSet.allOf(WithingsDataKind.class);

	/**
	 * Users with no notification for this long are fetched anyway: the backstop for lost
	 * notifications, and the longest an operator waits to see them counted.
	 */
	private Duration backstopPeriod = Duration.ofHours(6);

	/**
	 * Share of withings.rate-limit.requests-per-minute the sync may use (each page of a fetch is
	 * a request).
	 */
	private double budgetShare = 0.5;

	/**
	 * How far back the first fetch of a newly synced user goes.
	 */
	private Duration initialLookBack = Duration.ofDays(7);

	/**
	 * How long an instance holds a cursor it fetches; another may take it over after. A fetch
	 * and its listeners should end well within it.
	 */
	private Duration lease = Duration.ofMinutes(5);

	/**
	 * Wait after a failed fetch (an error, an incomplete answer, a listener that threw), doubled
	 * with each failure after it.
	 */
	private Duration retryDelay = Duration.ofMinutes(1);

	/**
	 * Longest wait between two failed fetches of a cursor.
	 */
	private Duration maxRetryDelay = Duration.ofHours(1);

	/**
	 * How often the worker looks for due cursors when no notification woke it (cursors made due
	 * by another instance, claims that ran out).
	 */
	private Duration pollInterval = Duration.ofSeconds(30);

	/**
	 * Records the backstop finds are counted as missed notifications only when changed at least
	 * this long before the fetch: a notification on its way is not a missed one.
	 */
	private Duration missedGrace = Duration.ofMinutes(10);

	/** {@return the {@code withings.sync.enabled} property} */
	public boolean isEnabled() {
		return this.enabled;
	}

	/** @param enabled the {@code withings.sync.enabled} property */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/** {@return the {@code withings.sync.kinds} property} */
	public Set<WithingsDataKind> getKinds() {
		return this.kinds;
	}

	/** @param kinds the {@code withings.sync.kinds} property */
	public void setKinds(Set<WithingsDataKind> kinds) {
		this.kinds = kinds;
	}

	/** {@return the {@code withings.sync.backstop-period} property} */
	public Duration getBackstopPeriod() {
		return this.backstopPeriod;
	}

	/** @param backstopPeriod the {@code withings.sync.backstop-period} property */
	public void setBackstopPeriod(Duration backstopPeriod) {
		this.backstopPeriod = backstopPeriod;
	}

	/** {@return the {@code withings.sync.budget-share} property} */
	public double getBudgetShare() {
		return this.budgetShare;
	}

	/** @param budgetShare the {@code withings.sync.budget-share} property */
	public void setBudgetShare(double budgetShare) {
		this.budgetShare = budgetShare;
	}

	/** {@return the {@code withings.sync.initial-look-back} property} */
	public Duration getInitialLookBack() {
		return this.initialLookBack;
	}

	/** @param initialLookBack the {@code withings.sync.initial-look-back} property */
	public void setInitialLookBack(Duration initialLookBack) {
		this.initialLookBack = initialLookBack;
	}

	/** {@return the {@code withings.sync.lease} property} */
	public Duration getLease() {
		return this.lease;
	}

	/** @param lease the {@code withings.sync.lease} property */
	public void setLease(Duration lease) {
		this.lease = lease;
	}

	/** {@return the {@code withings.sync.retry-delay} property} */
	public Duration getRetryDelay() {
		return this.retryDelay;
	}

	/** @param retryDelay the {@code withings.sync.retry-delay} property */
	public void setRetryDelay(Duration retryDelay) {
		this.retryDelay = retryDelay;
	}

	/** {@return the {@code withings.sync.max-retry-delay} property} */
	public Duration getMaxRetryDelay() {
		return this.maxRetryDelay;
	}

	/** @param maxRetryDelay the {@code withings.sync.max-retry-delay} property */
	public void setMaxRetryDelay(Duration maxRetryDelay) {
		this.maxRetryDelay = maxRetryDelay;
	}

	/** {@return the {@code withings.sync.poll-interval} property} */
	public Duration getPollInterval() {
		return this.pollInterval;
	}

	/** @param pollInterval the {@code withings.sync.poll-interval} property */
	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	/** {@return the {@code withings.sync.missed-grace} property} */
	public Duration getMissedGrace() {
		return this.missedGrace;
	}

	/** @param missedGrace the {@code withings.sync.missed-grace} property */
	public void setMissedGrace(Duration missedGrace) {
		this.missedGrace = missedGrace;
	}
}
