package io.github.springwithings.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Client-side rate budget shared by token, nonce and API calls (Bucket4j).
 */
@ConfigurationProperties("withings.rate-limit")
public class WithingsRateLimitProperties {

	/**
	 * Where the budget is kept: cluster (in the store's database, shared by every instance
	 * that uses it) or instance (in this instance's memory). Default: cluster with the jdbc
	 * or r2dbc store, else instance.
	 */
	private Scope scope;

	/**
	 * Most permits held at once (at most a tenth of requests-per-minute); the bucket refills
	 * at requests-per-minute less the burst, so no minute sees more than requests-per-minute.
	 */
	private int burst = 6;

	/**
	 * Whether calls to Withings are rate limited on the client side.
	 */
	private boolean enabled = true;

	/**
	 * Most requests in any minute: for the whole cluster with the cluster scope, for this
	 * instance with the instance scope (Withings allows 120 for the whole application).
	 */
	private int requestsPerMinute = 120;

	/**
	 * Longest wait for a permit; beyond it the call fails with WithingsRateLimitException.
	 */
	private Duration maxWait = Duration.ofSeconds(30);

	/** {@return the {@code withings.rate-limit.enabled} property} */
	public boolean isEnabled() {
		return this.enabled;
	}

	/** @param enabled the {@code withings.rate-limit.enabled} property */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/** {@return the {@code withings.rate-limit.requests-per-minute} property} */
	public int getRequestsPerMinute() {
		return this.requestsPerMinute;
	}

	/** @param requestsPerMinute the {@code withings.rate-limit.requests-per-minute} property */
	public void setRequestsPerMinute(int requestsPerMinute) {
		this.requestsPerMinute = requestsPerMinute;
	}

	/** {@return the {@code withings.rate-limit.max-wait} property} */
	public Duration getMaxWait() {
		return this.maxWait;
	}

	/** @param maxWait the {@code withings.rate-limit.max-wait} property */
	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	/** {@return the {@code withings.rate-limit.scope} property} */
	public Scope getScope() {
		return this.scope;
	}

	/** @param scope the {@code withings.rate-limit.scope} property */
	public void setScope(Scope scope) {
		this.scope = scope;
	}

	/** {@return the {@code withings.rate-limit.burst} property} */
	public int getBurst() {
		return this.burst;
	}

	/** @param burst the {@code withings.rate-limit.burst} property */
	public void setBurst(int burst) {
		this.burst = burst;
	}

	/**
	 * Where the rate budget is kept.
	 */
	public enum Scope {

		/** In this instance's memory: each instance has the whole budget. */
		INSTANCE,

		/** In the store's database, shared by every instance that uses it. */
		CLUSTER

	}

}
