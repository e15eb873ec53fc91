package io.github.springwithings.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the starter in WebFlux applications: the threads of its own where the blocking
 * lifecycle core runs.
 */
@ConfigurationProperties("withings.reactive")
public class WithingsReactiveProperties {

	/**
	 * The most threads running Withings token calls (refreshes, code exchanges) at once; further
	 * calls queue without a thread. Waits for another refresh, a rate-limit permit or a 601 hold no
	 * thread.
	 */
	private int tokenThreads = 8;

	/**
	 * The most threads running store calls (every authorize() reads the store) at once.
	 */
	private int storeThreads = 16;

	/** {@return the {@code withings.reactive.token-threads} property} */
	public int getTokenThreads() {
		return this.tokenThreads;
	}

	/** @param tokenThreads the {@code withings.reactive.token-threads} property */
	public void setTokenThreads(int tokenThreads) {
		Assert.isTrue(tokenThreads > 0, "tokenThreads must be positive");
		this.tokenThreads = tokenThreads;
	}

	/** {@return the {@code withings.reactive.store-threads} property} */
	public int getStoreThreads() {
		return this.storeThreads;
	}

	/** @param storeThreads the {@code withings.reactive.store-threads} property */
	public void setStoreThreads(int storeThreads) {
		Assert.isTrue(storeThreads > 0, "storeThreads must be positive");
		this.storeThreads = storeThreads;
	}

}
