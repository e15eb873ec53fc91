package io.github.springwithings.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Periodic refresh of dormant users, so that their one-year refresh tokens never expire.
 */
@ConfigurationProperties("withings.keep-alive")
public class WithingsKeepAliveProperties {

	/**
	 * Whether to refresh, on a schedule, every client whose refresh token is older than the
	 * maximum age.
	 */
	private boolean enabled;

	/**
	 * Refresh tokens older than this are refreshed.
	 */
	private Duration maxRefreshTokenAge = Duration.ofDays(180);

	/**
	 * Time between two sweeps of the whole cluster. The last sweep's start is stored (with
	 * the JDBC store, in the database), so restarts do not delay it.
	 */
	private Duration interval = Duration.ofDays(1);

	/**
	 * Time between two refreshes of a sweep. When unset, derived from the rate limit so that
	 * a sweep uses at most the budget share.
	 */
	private Duration spacing;

	/**
	 * Share of withings.rate-limit.requests-per-minute a sweep may use (a refresh is 2
	 * requests in signature mode, 1 with client-secret).
	 */
	private double budgetShare = 0.25;

	/**
	 * Number of stored clients read at a time.
	 */
	private int pageSize = 100;

	/** {@return the {@code withings.keep-alive.enabled} property} */
	public boolean isEnabled() {
		return this.enabled;
	}

	/** @param enabled the {@code withings.keep-alive.enabled} property */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/** {@return the {@code withings.keep-alive.max-refresh-token-age} property} */
	public Duration getMaxRefreshTokenAge() {
		return this.maxRefreshTokenAge;
	}

	/** @param maxRefreshTokenAge the {@code withings.keep-alive.max-refresh-token-age} property */
	public void setMaxRefreshTokenAge(Duration maxRefreshTokenAge) {
		this.maxRefreshTokenAge = maxRefreshTokenAge;
	}

	/** {@return the {@code withings.keep-alive.interval} property} */
	public Duration getInterval() {
		return this.interval;
	}

	/** @param interval the {@code withings.keep-alive.interval} property */
	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	/** {@return the {@code withings.keep-alive.spacing} property} */
	public Duration getSpacing() {
		return this.spacing;
	}

	/** @param spacing the {@code withings.keep-alive.spacing} property */
	public void setSpacing(Duration spacing) {
		this.spacing = spacing;
	}

	/** {@return the {@code withings.keep-alive.budget-share} property} */
	public double getBudgetShare() {
		return this.budgetShare;
	}

	/** @param budgetShare the {@code withings.keep-alive.budget-share} property */
	public void setBudgetShare(double budgetShare) {
		this.budgetShare = budgetShare;
	}

	/** {@return the {@code withings.keep-alive.page-size} property} */
	public int getPageSize() {
		return this.pageSize;
	}

	/** @param pageSize the {@code withings.keep-alive.page-size} property */
	public void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

}
