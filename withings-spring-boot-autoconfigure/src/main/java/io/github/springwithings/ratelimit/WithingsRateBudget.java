package io.github.springwithings.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.support.Sleeper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The budget of requests to Withings (120 a minute for the whole application, 601 beyond it),
 * shared by every token, nonce and API call of the starter: a Bucket4j token bucket, in this
 * instance's memory ({@link #local}) or in the store's database, shared by every instance that
 * uses it ({@link #shared}), so that the instances together never exceed the budget and any one
 * of them may use all of it while the others are idle.
 *
 * <p>The bucket holds at most a small burst and refills at the rest of the budget, so that no
 * sliding minute ever sees more than {@code requestsPerMinute} requests: with 120 a minute and a
 * burst of 6, 114 a minute are sustained.
 *
 * <p><b>Priorities.</b> An {@link WithingsRatePriority#INTERACTIVE} call reserves the next permit
 * and waits for it (at most the wait it is given); a {@link WithingsRatePriority#BACKGROUND} call
 * only takes a permit that is free now and otherwise waits for the bucket to refill and tries
 * again: it never takes a permit that an interactive call reserved, so background work never
 * starves sign-in or refresh, and interactive calls go first.
 *
 * <p><b>601.</b> {@link #pause} pauses the budget <em>until</em> the end of the wait Withings asked
 * for, never for the sum of the waits: a 601 that comes during a pause lengthens it only when it
 * asks to wait longer than what is left. The end of the pause is kept in the store next to the
 * bucket ({@value #PAUSE_KEY}) and in this instance, and the bucket is put in debt up to it, so
 * that every instance sharing it waits and one instance's 601 does not become N. An interactive
 * call that reserved its permit before the 601 looks again after its wait ({@link #checkPause}):
 * it waits for the pause's end and reserves again, or is refused; it is never sent into the pause.
 */
public final class WithingsRateBudget {

	/** The bucket's key in a shared store. */
	public static final String KEY = "withings";

	/** The default burst: permits a bucket holds at most. */
	public static final int DEFAULT_BURST = 6;

	/** The key of the end of a 601 pause in a shared store, next to the bucket. */
	public static final String PAUSE_KEY = "withings-601-pause";

	/**
	 * Added to a 601's {@code wait_seconds} (whole seconds, rounded down): the pause lasts that
	 * much longer, and so does the wait of a caller that retries after it.
	 */
	public static final Duration WAIT_SECONDS_ROUNDING = Duration.ofSeconds(1);

	/** The longest pause a 601 can impose (a {@code wait_seconds} beyond it is capped). */
	static final Duration MAX_PAUSE = Duration.ofMinutes(10);

	private static final Log logger = LogFactory.getLog(WithingsRateBudget.class);

	private final SharedBucket bucket;

	private final int requestsPerMinute;

	private final double permitsPerNano;

	private final boolean shared;

	private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

	private final WithingsRateHistory history;

	private Sleeper sleeper = Sleeper.THREAD;

	private WithingsRateBudget(SharedBucket bucket, int requestsPerMinute, long refillPerMinute, boolean shared,
			Clock clock) {
		this.bucket = bucket;
		this.requestsPerMinute = requestsPerMinute;
		this.permitsPerNano = refillPerMinute / (double) TimeUnit.MINUTES.toNanos(1);
		this.shared = shared;
		this.history = new WithingsRateHistory(clock);
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
		bucket.onStoreFailed(() -> counted(Outcome.STORE_FAILED));
	}

	/**
	 * A budget in this instance's memory.
	 * @param requestsPerMinute the most requests in any minute
	 * @param burst the most permits held at once
	 * @param clock the clock the bucket refills by
	 * @return the budget
	 */
	public static WithingsRateBudget local(int requestsPerMinute, int burst, Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		return new WithingsRateBudget(SharedBucket.local(requestsPerMinute, burst, clock), requestsPerMinute,
				refillPerMinute(requestsPerMinute, burst), false, clock);
	}

	/**
	 * A budget in a store shared by every instance of the application (the bucket
	 * {@value #KEY}). Concurrent calls of this instance are sent to the store together (Bucket4j's
	 * batching). A stored bucket of other settings is given these, its permits kept in proportion. While the store fails (a database down, a pool exhausted), this instance falls
	 * back to a bucket of its own with the same configuration, and says so in its log.
	 * @param proxyManager the store (e.g. the starter's {@code JdbcWithingsRateBudgetStore})
	 * @param requestsPerMinute the most requests in any minute, for all instances together
	 * @param burst the most permits held at once
	 * @return the budget
	 */
	public static WithingsRateBudget shared(ProxyManager<String> proxyManager, int requestsPerMinute, int burst) {
		return shared(proxyManager, requestsPerMinute, burst, Clock.systemUTC());
	}

	/**
	 * A budget in a store shared by every instance, as {@link #shared(ProxyManager, int, int)}.
	 * @param proxyManager the store (its own clock refills the shared bucket)
	 * @param requestsPerMinute the most requests in any minute, for all instances together
	 * @param burst the most permits held at once
	 * @param clock the clock of the fallback bucket used while the store fails
	 * @return the budget
	 */
	public static WithingsRateBudget shared(ProxyManager<String> proxyManager, int requestsPerMinute, int burst,
			Clock clock) {
		Assert.notNull(proxyManager, "proxyManager cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		return new WithingsRateBudget(SharedBucket.shared(proxyManager, requestsPerMinute, burst, clock),
				requestsPerMinute, refillPerMinute(requestsPerMinute, burst), true, clock);
	}

	/** The burst, at most a tenth of the budget (at least one). */
	static int effectiveBurst(int requestsPerMinute, int burst) {
		return SharedBucket.effectiveBurst(requestsPerMinute, burst);
	}

	/** What the bucket refills a minute: the budget less the burst (so no minute sees more). */
	static long refillPerMinute(int requestsPerMinute, int burst) {
		return SharedBucket.refillPerMinute(requestsPerMinute, burst);
	}

	/**
	 * A Bucket4j clock over a {@link Clock}, for a shared store's {@code ClientSideConfig}.
	 * @param clock the clock
	 * @return the time meter
	 */
	public static TimeMeter clientClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		return SharedBucket.timeMeter(clock);
	}

	/**
	 * Reserve the next permit for an interactive call.
	 * @param maxWait the longest wait accepted
	 * @return nanoseconds to wait before using it (0: at once), or {@code -1} when none comes
	 * within {@code maxWait} (nothing is reserved then)
	 */
	public long reserve(Duration maxWait) {
		Assert.notNull(maxWait, "maxWait cannot be null");
		long[] wait = { 0 };
		BlockingStrategy noPark = (nanos) -> wait[0] = nanos;
		try {
			if (!this.bucket.reserve(maxWait.toNanos(), noPark)) {
				counted(Outcome.REFUSED);
				return -1;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
		counted(Outcome.INTERACTIVE);
		return wait[0];
	}

	/**
	 * Take a permit that is free now, for a background call.
	 * @return 0 when taken; otherwise no permit is taken and this is the nanoseconds until one
	 * may be free (more than 0)
	 */
	public long tryTake() {
		ConsumptionProbe probe = this.bucket.onBucket((bucket) -> bucket.tryConsumeAndReturnRemaining(1));
		if (probe.isConsumed()) {
			counted(Outcome.BACKGROUND);
			return 0;
		}
		return Math.max(1, probe.getNanosToWaitForRefill());
	}

	/**
	 * Count a background call that got no permit in time (its caller gave up waiting).
	 */
	public void backgroundRefused() {
		counted(Outcome.REFUSED);
	}

	/**
	 * Wait for a permit of a call of this priority, on this thread.
	 * @param priority who waits for the call
	 * @param maxWait the longest wait
	 * @throws WithingsRateLimitException when no permit comes within {@code maxWait}
	 */
	public void acquire(WithingsRatePriority priority, Duration maxWait) {
		Assert.notNull(priority, "priority cannot be null");
		try {
			if (priority == WithingsRatePriority.INTERACTIVE) {
				long left = maxWait.toNanos();
				while (true) {
					long wait = reserve(Duration.ofNanos(left));
					if (wait < 0) {
						throw refused(maxWait);
					}
					if (wait == 0) {
						return;
					}
					this.sleeper.sleep(Duration.ofNanos(wait));
					left -= wait;
					// a 601 may have paused the budget meanwhile: never send into it
					long paused = checkPause(left);
					if (paused == 0) {
						return;
					}
					if (paused < 0) {
						throw refused(maxWait);
					}
					this.sleeper.sleep(Duration.ofNanos(paused));
					left -= paused;
				}
			}
			long left = maxWait.toNanos();
			for (long wait = tryTake(); wait > 0; wait = tryTake()) {
				if (wait > left) {
					backgroundRefused();
					throw refused(maxWait);
				}
				this.sleeper.sleep(Duration.ofNanos(wait));
				left -= wait;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw WithingsRateLimitException.notSent("Interrupted while waiting for a permit", maxWait);
		}
	}

	/**
	 * The error of a call that got no permit in time.
	 * @param maxWait the wait it was given
	 * @return the error
	 */
	public static WithingsRateLimitException refused(Duration maxWait) {
		return WithingsRateLimitException.notSent("Client-side rate limit reached: no permit within " + maxWait, maxWait);
	}

	/**
	 * Withings answered 601: hold every call of every instance sharing the budget until
	 * {@code wait} and one second from now (at most 10 minutes), or longer when a pause already
	 * lasts longer: see {@link #pause}. {@code wait_seconds} is whole seconds, rounded down, so
	 * Withings' own window may end up to a second after it: the extra second keeps the first call
	 * after the pause from a second 601. Report each 601 answer once. A 601 for
	 * sending the same arguments twice within 10 seconds is about one request, not the budget:
	 * give {@code error} so that it is told apart.
	 * @param wait Withings' {@code wait_seconds}
	 * @param error Withings' error text, may be {@code null}
	 * @return whether the budget was paused
	 */
	public boolean onTooManyRequests(Duration wait, String error) {
		counted(Outcome.TOO_MANY_REQUESTS);
		if (error != null && error.toLowerCase(Locale.ROOT).contains("same arguments")) {
			return false;
		}
		pause(wait.plus(WAIT_SECONDS_ROUNDING));
		return true;
	}

	/**
	 * Hold every call of every instance sharing the budget until {@code wait} from now (at most 10
	 * minutes), unless a pause already lasts at least that long: pauses never add up. The end of
	 * the pause is kept in the store ({@value #PAUSE_KEY}) and in this instance (and its fallback
	 * bucket), and the bucket is put in debt up to it, so that new reservations come after it.
	 * @param wait the pause
	 */
	public void pause(Duration wait) {
		Assert.notNull(wait, "wait cannot be null");
		Duration pause = (wait.compareTo(MAX_PAUSE) > 0) ? MAX_PAUSE : wait;
		if (pause.isNegative() || pause.isZero()) {
			return;
		}
		// new reservations come after the pause: the bucket in debt up to its end, not beyond
		long before = this.bucket.pause(pause, (long) Math.ceil(pause.toNanos() * this.permitsPerNano));
		if (before < 0) {
			return; // a pause at least as long is on: this 601 changes nothing
		}
		if (before > 0) {
			logger.debug("Withings answered 601 (too many requests) during a pause: it now ends in "
					+ pause.toSeconds() + " s");
			return;
		}
		counted(Outcome.PAUSED);
		logger.warn("Withings answered 601 (too many requests): every call " + (this.shared ? "of the cluster " : "")
				+ "waits " + pause.toSeconds() + " s");
	}

	/**
	 * What is left of a 601 pause: the longer of this instance's and the cluster's.
	 * @return the time every call still waits, zero when the budget is not paused
	 */
	public Duration getRemainingPause() {
		return Duration.ofNanos(this.bucket.remainingPause());
	}

	/**
	 * For an interactive call that reserved a permit and waited for it, before it is sent: whether
	 * a 601 paused the budget meanwhile. If so its permit fell inside the pause: it must wait for
	 * the pause's end and then reserve again, or give up.
	 * @param leftNanos how much of its longest wait the call has left
	 * @return 0 when the call may be sent now; nanoseconds to wait for the pause's end before
	 * reserving again; or {@code -1} when the pause outlasts {@code leftNanos} (counted as
	 * refused: the call must not be sent)
	 */
	public long checkPause(long leftNanos) {
		long paused = this.bucket.remainingPause();
		if (paused <= 0) {
			return 0;
		}
		if (paused > leftNanos) {
			counted(Outcome.REFUSED);
			return -1;
		}
		return paused;
	}

	/**
	 * Permits free now (negative: the debt of reservations or of a pause).
	 * @return the permits
	 */
	public long getAvailablePermits() {
		return this.bucket.onBucket(Bucket::getAvailableTokens);
	}

	/**
	 * The most requests in any minute.
	 * @return the budget
	 */
	public int getRequestsPerMinute() {
		return this.requestsPerMinute;
	}

	/**
	 * Whether the budget is shared by the instances through a store.
	 * @return {@code true} for {@link #shared}
	 */
	public boolean isShared() {
		return this.shared;
	}

	/**
	 * How many permits had that outcome in this instance since the start.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long count(Outcome outcome) {
		return this.counts.get(outcome).sum();
	}

	/**
	 * How many permits had that outcome in this instance in the last hour (the current minute and
	 * the 59 before it, by the budget's clock).
	 * @param outcome the outcome
	 * @return the count
	 */
	public long countLastHour(Outcome outcome) {
		Assert.notNull(outcome, "outcome cannot be null");
		return this.history.lastHour(outcome);
	}

	private void counted(Outcome outcome) {
		this.counts.get(outcome).increment();
		this.history.record(outcome);
	}

	/**
	 * Sets how waits are made ({@link Sleeper#THREAD} by default).
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

	/**
	 * What a request for a permit got, counted per instance.
	 */
	public enum Outcome {

		/** Permits of interactive calls (at once or after a wait). */
		INTERACTIVE,

		/** Permits of background calls (at once or after a wait). */
		BACKGROUND,

		/** No permit within the wait: the call was not sent. */
		REFUSED,

		/**
		 * Pauses begun by a 601 of this instance (a 601 during a pause, which at most lengthens it,
		 * is not another one).
		 */
		PAUSED,

		/** Operations of a shared budget that fell back to this instance's bucket (the store failed). */
		STORE_FAILED,

		/**
		 * Answers 601 (too many requests) reported through {@link #onTooManyRequests}, whether they
		 * paused the budget or not (same arguments twice within 10 seconds).
		 */
		TOO_MANY_REQUESTS

	}

}
