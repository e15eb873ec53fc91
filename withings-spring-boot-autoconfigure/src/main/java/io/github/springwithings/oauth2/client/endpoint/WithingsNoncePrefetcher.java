package io.github.springwithings.oauth2.client.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;

/**
 * Keeps a Withings nonce ready for each registration, so that a signed refresh or code exchange
 * costs one call to Withings instead of two (a nonce, then the token). A nonce lives 30 minutes
 * and serves once: a ready nonce is handed out once, never again; the next one is fetched ahead,
 * off the caller's thread, as background work of the rate budget. A nonce older than
 * {@link #setMaxAge the maximum age} (25 minutes by default) is not handed out but replaced, and
 * {@link #refreshStale()}, run every minute by the starter, replaces it while nobody asks: idle,
 * that costs 60 / 25 = 2.4 requests an hour per registration and instance. A nonce Withings
 * refuses is {@link #discard discarded}.
 *
 * <p>When no nonce is ready (the first call, or several at once), one is fetched on the caller's
 * thread, as before. Fetching ahead never makes the caller wait: when the executor is busy (see
 * {@link #defaultExecutor()}) the nonce is not fetched ahead, and the next call fetches its own.
 */
public final class WithingsNoncePrefetcher {

	private static final Log logger = LogFactory.getLog(WithingsNoncePrefetcher.class);

	private final WithingsNonceClient nonceClient;

	private final Supplier<? extends Collection<ClientRegistration>> registrations;

	private final Map<String, Ready> ready = new ConcurrentHashMap<>();

	private final Map<String, Boolean> fetching = new ConcurrentHashMap<>();

	private final Map<Outcome, LongAdder> counts = new ConcurrentHashMap<>();

	private final Executor executor;

	private Duration maxAge = Duration.ofMinutes(25);

	private Clock clock = Clock.systemUTC();

	private WithingsRateBudget rateBudget;

	/**
	 * @param nonceClient fetches nonces (through the shared rate limit)
	 * @param registrations the Withings registrations signed calls are made for (nonces are kept
	 * ready for them from the start); asked again at each {@link #refreshStale()}
	 * @param executor where nonces are fetched ahead (a thread that may block); it should refuse
	 * work when busy rather than make the caller wait, as {@link #defaultExecutor()} does
	 */
	public WithingsNoncePrefetcher(WithingsNonceClient nonceClient,
			Supplier<? extends Collection<ClientRegistration>> registrations, Executor executor) {
		Assert.notNull(nonceClient, "nonceClient cannot be null");
		Assert.notNull(registrations, "registrations cannot be null");
		Assert.notNull(executor, "executor cannot be null");
		this.nonceClient = nonceClient;
		this.registrations = registrations;
		this.executor = executor;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
	}

	/**
	 * The executor the starter fetches nonces ahead on: two daemon threads
	 * ({@code withings-nonce-}) that refuse a third fetch rather than make the caller wait for
	 * one of them (a fetch may wait for a background permit, then for Withings).
	 * @return a new executor
	 */
	public static SimpleAsyncTaskExecutor defaultExecutor() {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("withings-nonce-");
		executor.setDaemon(true);
		executor.setConcurrencyLimit(2);
		executor.setRejectTasksWhenLimitReached(true);
		return executor;
	}

	/** The client that fetches the nonces (one without a prefetcher of its own). */
	WithingsNonceClient getNonceClient() {
		return this.nonceClient;
	}

	/**
	 * A nonce for one signed call: the ready one when it is fresh (then the next is fetched
	 * ahead), else one fetched now.
	 * @param registration the registration
	 * @return the nonce, never handed out before
	 */
	public String take(ClientRegistration registration) {
		Assert.notNull(registration, "registration cannot be null");
		String key = key(registration);
		Ready taken = this.ready.remove(key);
		prefetch(registration);
		if (taken != null && isFresh(taken)) {
			this.counts.get(Outcome.SERVED_READY).increment();
			return taken.nonce();
		}
		if (taken != null) {
			this.counts.get(Outcome.EXPIRED).increment();
		}
		this.counts.get(Outcome.FETCHED_ON_DEMAND).increment();
		return this.nonceClient.getNonce(registration);
	}

	/**
	 * Forget the ready nonce of a registration (Withings refused one, it may refuse others) and
	 * fetch another ahead.
	 * @param registration the registration
	 */
	public void discard(ClientRegistration registration) {
		if (this.ready.remove(key(registration)) != null) {
			this.counts.get(Outcome.DISCARDED).increment();
		}
		prefetch(registration);
	}

	/**
	 * Fetch a nonce ahead for every registration that has none ready, or only one older than the
	 * maximum age (the starter runs this every minute, and once at start-up).
	 */
	public void refreshStale() {
		Collection<ClientRegistration> known;
		try {
			known = this.registrations.get();
		}
		catch (RuntimeException ex) {
			logger.debug("Withings registrations not available yet for nonces: " + ex.getClass().getSimpleName());
			return;
		}
		for (ClientRegistration registration : known) {
			Ready current = this.ready.get(key(registration));
			if (current == null || !isFresh(current)) {
				prefetch(registration);
			}
		}
	}

	/**
	 * Whether a fresh nonce is ready for a registration.
	 * @param registration the registration
	 * @return whether the next signed call needs no nonce request
	 */
	public boolean isReady(ClientRegistration registration) {
		Ready current = this.ready.get(key(registration));
		return current != null && isFresh(current);
	}

	/**
	 * How many nonces had that outcome since the start.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long count(Outcome outcome) {
		return this.counts.get(outcome).sum();
	}

	private void prefetch(ClientRegistration registration) {
		String key = key(registration);
		if (this.fetching.putIfAbsent(key, Boolean.TRUE) != null) {
			return;
		}
		try {
			this.executor.execute(() -> {
				try {
					// nobody waits for it: background work, never before a user's call
					String nonce = WithingsRatePriority.BACKGROUND.callAs(() -> this.nonceClient.getNonce(registration));
					Ready previous = this.ready.put(key, new Ready(nonce, this.clock.instant()));
					this.counts.get((previous != null) ? Outcome.REPLACED : Outcome.PREFETCHED).increment();
				}
				catch (RuntimeException ex) {
					this.counts.get(Outcome.PREFETCH_FAILED).increment();
					tooManyRequests(ex);
					logger.debug("Could not fetch a Withings nonce ahead for '" + registration.getRegistrationId()
							+ "' (" + ex.getClass().getSimpleName() + "); the next signed call fetches its own");
				}
				finally {
					this.fetching.remove(key);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// busy: never wait for a thread here (the caller may hold a refresh); it fetches its own
			this.fetching.remove(key);
			this.counts.get(Outcome.SKIPPED).increment();
		}
	}

	/** A 601 answer to a nonce fetched ahead pauses the budget (nobody else reports that answer). */
	private void tooManyRequests(RuntimeException ex) {
		if (this.rateBudget != null && ex instanceof WithingsRateLimitException status && status.isAnswered()) {
			this.rateBudget.onTooManyRequests(status.getWait(), status.getError());
		}
	}

	private boolean isFresh(Ready ready) {
		return ready.fetchedAt().plus(this.maxAge).isAfter(this.clock.instant());
	}

	private static String key(ClientRegistration registration) {
		return registration.getClientId() + "|" + registration.getProviderDetails().getTokenUri();
	}

	/**
	 * Sets how old a ready nonce may be when handed out (25 minutes by default; Withings' live 30).
	 * @param maxAge the age
	 */
	public void setMaxAge(Duration maxAge) {
		Assert.isTrue(maxAge != null && !maxAge.isNegative() && !maxAge.isZero(), "maxAge must be positive");
		Assert.isTrue(maxAge.compareTo(Duration.ofMinutes(30)) < 0, "maxAge must be below Withings' 30 minutes");
		this.maxAge = maxAge;
	}

	/**
	 * Sets the clock nonces are aged by.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * Set the rate budget a 601 answer to a nonce fetched ahead pauses, as every other 601 does.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		this.rateBudget = rateBudget;
	}

	/**
	 * What became of nonces.
	 */
	public enum Outcome {

		/** Fetched ahead. */
		PREFETCHED,

		/** Fetched ahead in place of a ready one too old to hand out. */
		REPLACED,

		/** Handed out ready: the signed call made no nonce request. */
		SERVED_READY,

		/** Fetched on the caller's thread: none was ready. */
		FETCHED_ON_DEMAND,

		/** Ready, but too old when asked for. */
		EXPIRED,

		/** Forgotten after Withings refused a nonce. */
		DISCARDED,

		/** Fetching ahead failed (the next call fetches its own). */
		PREFETCH_FAILED,

		/** Not fetched ahead: the executor was busy (the next call fetches its own). */
		SKIPPED

	}

	private record Ready(String nonce, Instant fetchedAt) {
	}

}
