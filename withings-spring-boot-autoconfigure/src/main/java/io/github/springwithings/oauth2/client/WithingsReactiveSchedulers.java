package io.github.springwithings.oauth2.client;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.util.Assert;

/**
 * Where a WebFlux application's blocking Withings work runs, never on an event loop and never on
 * the shared {@link Schedulers#boundedElastic()} that other libraries use: store calls (short,
 * bounded by the store's query timeout) on one scheduler, token calls (a refresh or a code
 * exchange: the store, a nonce and Withings over HTTP) on another, so that a store read of a user
 * whose token is valid never queues behind refreshes waiting for a slow Withings. Both are
 * bounded; waits (for another refresh, a permit of the rate budget, a 601) are delays that hold
 * no thread of either.
 */
public final class WithingsReactiveSchedulers implements AutoCloseable {

	private final Scheduler tokens;

	private final Scheduler store;

	private final boolean owned;

	/**
	 * Schedulers of the caller's, which {@link #close()} leaves alone.
	 * @param tokens where token calls run (threads may block)
	 * @param store where store calls run (threads may block)
	 */
	public WithingsReactiveSchedulers(Scheduler tokens, Scheduler store) {
		this(tokens, store, false);
	}

	private WithingsReactiveSchedulers(Scheduler tokens, Scheduler store, boolean owned) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(store, "store cannot be null");
		this.tokens = tokens;
		this.store = store;
		this.owned = owned;
	}

	/**
	 * New bounded schedulers, with threads named {@code withings-token-*} and
	 * {@code withings-store-*}, disposed by {@link #close()}.
	 * @param tokenThreads the most threads running token calls at once
	 * @param storeThreads the most threads running store calls at once
	 * @return the schedulers
	 */
	public static WithingsReactiveSchedulers create(int tokenThreads, int storeThreads) {
		Assert.isTrue(tokenThreads > 0, "tokenThreads must be positive");
		Assert.isTrue(storeThreads > 0, "storeThreads must be positive");
		return new WithingsReactiveSchedulers(
				Schedulers.newBoundedElastic(tokenThreads, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
						"withings-token", 60, true),
				Schedulers.newBoundedElastic(storeThreads, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
						"withings-store", 60, true),
				true);
	}

	/**
	 * Where token calls run.
	 * @return the scheduler
	 */
	public Scheduler getTokens() {
		return this.tokens;
	}

	/**
	 * Where store calls (and reads of a shared rate budget) run.
	 * @return the scheduler
	 */
	public Scheduler getStore() {
		return this.store;
	}

	/** Dispose the schedulers made by {@link #create}; schedulers given to the constructor stay. */
	@Override
	public void close() {
		if (this.owned) {
			this.tokens.dispose();
			this.store.dispose();
		}
	}

}
