package io.github.springwithings.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The Bucket4j side of {@link WithingsRateBudget}: the token bucket (in this instance's memory,
 * or in a store shared by the instances through a {@link ProxyManager}), the 601 pause (this
 * instance's end of it and the shared marker), the time meter over a {@link Clock}, and, while a
 * shared store fails, this instance's own bucket of the same configuration (said in the log at
 * most once a minute).
 */
final class SharedBucket {

	/**
	 * The pause marker counts milliseconds: full ({@value}) when no pause is left, refilled one a
	 * millisecond, so that what it lacks is what is left of the pause (at most
	 * {@link WithingsRateBudget#MAX_PAUSE}, as it never goes below zero).
	 */
	static final long PAUSE_MILLIS = 600_000;

	/** The budget's: one logger for the budget. */
	private static final Log logger = LogFactory.getLog(WithingsRateBudget.class);

	private final Bucket bucket;

	/** For a shared budget whose store fails: this instance's own bucket meanwhile. */
	private final Bucket fallback;

	/** For a shared budget: the end of a 601 pause, for every instance (see {@link #PAUSE_MILLIS}). */
	private final Bucket pauseMarker;

	private final Clock clock;

	/** The end of the latest 601 pause this instance knows of, in nanoseconds of {@link #clock}. */
	private final AtomicLong pausedUntil = new AtomicLong(Long.MIN_VALUE);

	/** One 601 of this instance at a time lengthens the pause, so that concurrent ones never add up. */
	private final ReentrantLock pausing = new ReentrantLock();

	private volatile long lastFallbackWarning = Long.MIN_VALUE;

	/** Told of each operation that fell back (counted by the budget). */
	private Runnable storeFailed = () -> {
	};

	private SharedBucket(Bucket bucket, Bucket fallback, Bucket pauseMarker, Clock clock) {
		this.bucket = bucket;
		this.fallback = fallback;
		this.pauseMarker = pauseMarker;
		this.clock = clock;
	}

	/** A bucket in this instance's memory. */
	static SharedBucket local(int requestsPerMinute, int burst, Clock clock) {
		return new SharedBucket(localBucket(requestsPerMinute, burst, clock), null, null, clock);
	}

	/**
	 * The bucket {@value WithingsRateBudget#KEY} and the pause marker
	 * {@value WithingsRateBudget#PAUSE_KEY} in a shared store; a stored bucket of other settings
	 * is given these, its permits kept in proportion.
	 */
	static SharedBucket shared(ProxyManager<String> proxyManager, int requestsPerMinute, int burst, Clock clock) {
		BucketConfiguration configuration = configuration(requestsPerMinute, burst);
		Bucket bucket = proxyManager.builder()
			.withOptimization(Optimizations.batching())
			.build(WithingsRateBudget.KEY, () -> configuration);
		try {
			// a bucket stored with another budget (an earlier release, other settings) gets this one
			proxyManager.getProxyConfiguration(WithingsRateBudget.KEY)
				.filter((stored) -> !stored.equalsByContent(configuration))
				.ifPresent((stored) -> {
					bucket.replaceConfiguration(configuration, TokensInheritanceStrategy.PROPORTIONALLY);
					logger.info("The shared Withings rate budget now allows " + requestsPerMinute + " requests a minute");
				});
		}
		catch (RuntimeException ex) {
			logger.warn("Could not check the shared Withings rate budget's settings (" + ex.getClass().getSimpleName()
					+ "); they are checked again at the next start");
		}
		BucketConfiguration pauseConfiguration = pauseConfiguration();
		Bucket pauseMarker = proxyManager.builder().build(WithingsRateBudget.PAUSE_KEY, () -> pauseConfiguration);
		return new SharedBucket(bucket, localBucket(requestsPerMinute, burst, clock), pauseMarker, clock);
	}

	private static Bucket localBucket(int requestsPerMinute, int burst, Clock clock) {
		return Bucket.builder()
			.addLimit(configuration(requestsPerMinute, burst).getBandwidths()[0])
			.withCustomTimePrecision(timeMeter(clock))
			.build();
	}

	/** The pause marker: {@value #PAUSE_MILLIS} milliseconds, refilled one a millisecond. */
	static BucketConfiguration pauseConfiguration() {
		return BucketConfiguration.builder()
			.addLimit(Bandwidth.builder()
				.capacity(PAUSE_MILLIS)
				.refillGreedy(PAUSE_MILLIS, WithingsRateBudget.MAX_PAUSE)
				.initialTokens(PAUSE_MILLIS)
				.build())
			.build();
	}

	static BucketConfiguration configuration(int requestsPerMinute, int burst) {
		Assert.isTrue(requestsPerMinute > 0, "requestsPerMinute must be positive");
		Assert.isTrue(burst > 0, "burst must be positive");
		int capacity = effectiveBurst(requestsPerMinute, burst);
		long refill = refillPerMinute(requestsPerMinute, burst);
		return BucketConfiguration.builder()
			.addLimit(Bandwidth.builder()
				.capacity(capacity)
				.refillGreedy(refill, Duration.ofMinutes(1))
				.initialTokens(capacity)
				.build())
			.build();
	}

	/** The burst, at most a tenth of the budget (at least one). */
	static int effectiveBurst(int requestsPerMinute, int burst) {
		return Math.max(1, Math.min(burst, requestsPerMinute / 10));
	}

	/** What the bucket refills a minute: the budget less the burst (so no minute sees more). */
	static long refillPerMinute(int requestsPerMinute, int burst) {
		return Math.max(1, requestsPerMinute - effectiveBurst(requestsPerMinute, burst));
	}

	/** A Bucket4j clock over a {@link Clock}, wall-clock based. */
	static TimeMeter timeMeter(Clock clock) {
		return new TimeMeter() {

			@Override
			public long currentTimeNanos() {
				return nanos(clock);
			}

			@Override
			public boolean isWallClockBased() {
				return true;
			}

		};
	}

	/** The clock's instant in nanoseconds since the epoch. */
	static long nanos(Clock clock) {
		Instant now = clock.instant();
		return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
	}

	void onStoreFailed(Runnable storeFailed) {
		this.storeFailed = storeFailed;
	}

	/** Reserve a permit within the wait (the wait told to {@code noPark}, never parked here). */
	boolean reserve(long maxWaitNanos, BlockingStrategy noPark) throws InterruptedException {
		if (maxWaitNanos <= 0) {
			return onBucket((bucket) -> bucket.tryConsume(1)); // no wait: a permit free now, or none
		}
		try {
			return this.bucket.asBlocking().tryConsume(1, maxWaitNanos, noPark);
		}
		catch (RuntimeException ex) {
			if (this.fallback == null) {
				throw ex;
			}
			fellBack(ex);
			return this.fallback.asBlocking().tryConsume(1, maxWaitNanos, noPark);
		}
	}

	/** An operation on the shared bucket, on the fallback while the store fails. */
	<T> T onBucket(Function<Bucket, T> operation) {
		try {
			return operation.apply(this.bucket);
		}
		catch (RuntimeException ex) {
			if (this.fallback == null) {
				throw ex;
			}
			fellBack(ex);
			return operation.apply(this.fallback);
		}
	}

	/**
	 * Pause until {@code pause} from now, unless a pause at least as long is on (pauses never add
	 * up): the end kept in this instance and in the shared marker, and the bucket (and the
	 * fallback) put in debt by {@code debt} permits, so that new reservations come after it.
	 * @return what was left of the pause before, in nanoseconds (0: none), or {@code -1} when a
	 * pause at least as long is on and nothing changed
	 */
	long pause(Duration pause, long debt) {
		long until = nanos(this.clock) + pause.toNanos();
		this.pausing.lock();
		try {
			long before = remainingPause();
			this.pausedUntil.accumulateAndGet(until, Math::max);
			if (before >= pause.toNanos()) {
				return -1;
			}
			lengthenPause(pause);
			inDebt(debt);
			return before;
		}
		finally {
			this.pausing.unlock();
		}
	}

	/** {@return what is left of a 601 pause in nanoseconds: the longer of this instance's and the cluster's} */
	long remainingPause() {
		long local = this.pausedUntil.get();
		long remaining = (local == Long.MIN_VALUE) ? 0 : local - nanos(this.clock);
		return Math.max(0, Math.max(remaining, sharedPause()));
	}

	/** Take the bucket (and the fallback) to {@code debt} permits below zero, unless deeper already. */
	private void inDebt(long debt) {
		onBucket((bucket) -> inDebt(bucket, debt));
		if (this.fallback != null) {
			inDebt(this.fallback, debt);
		}
	}

	private static Long inDebt(Bucket bucket, long debt) {
		long available = bucket.getAvailableTokens();
		if (available > -debt) {
			bucket.consumeIgnoringRateLimits(available + debt);
		}
		return null;
	}

	/**
	 * Lengthen the shared pause to {@code pause} from now: the marker takes only what it lacks to
	 * end then (one 601 of this instance at a time). A take another instance made since the look
	 * may make this one fail, and it looks again; two takes of the same moment may both succeed,
	 * which lengthens the pause by the shorter of them at most, and never beyond 10 minutes (the
	 * marker never goes below zero).
	 */
	private void lengthenPause(Duration pause) {
		if (this.pauseMarker == null) {
			return;
		}
		long target = PAUSE_MILLIS - Math.min(PAUSE_MILLIS, pause.toMillis());
		try {
			for (int attempt = 0; attempt < 5; attempt++) {
				long available = this.pauseMarker.getAvailableTokens();
				if (available <= target || this.pauseMarker.tryConsume(available - target)) {
					return;
				}
			}
		}
		catch (RuntimeException ex) {
			fellBack(ex); // this instance's pause and fallback hold it meanwhile
		}
	}

	/** {@return what is left of the cluster's pause in nanoseconds, 0 without a marker or when it cannot be read} */
	private long sharedPause() {
		if (this.pauseMarker == null) {
			return 0;
		}
		try {
			long lacking = PAUSE_MILLIS - this.pauseMarker.getAvailableTokens();
			return TimeUnit.MILLISECONDS.toNanos(lacking);
		}
		catch (RuntimeException ex) {
			fellBack(ex);
			return 0;
		}
	}

	private void fellBack(RuntimeException ex) {
		this.storeFailed.run();
		long now = System.nanoTime();
		if (this.lastFallbackWarning == Long.MIN_VALUE || now - this.lastFallbackWarning > TimeUnit.MINUTES.toNanos(1)) {
			this.lastFallbackWarning = now;
			logger.warn("The shared Withings rate budget cannot be read (" + ex.getClass().getSimpleName()
					+ "); this instance uses a budget of its own until it can");
		}
	}

}
