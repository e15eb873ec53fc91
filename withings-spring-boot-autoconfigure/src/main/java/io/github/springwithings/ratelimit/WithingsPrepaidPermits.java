package io.github.springwithings.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.util.Assert;

/**
 * Permits a reactive caller took from the budget ahead of blocking work it runs on another thread:
 * the work's requests to Withings use them instead of taking their own.
 */
public final class WithingsPrepaidPermits {

	/** Permits taken ahead by a reactive caller for this thread's next requests. */
	private static final ThreadLocal<AtomicInteger> PREPAID = new ThreadLocal<>();

	private WithingsPrepaidPermits() {
	}

	/** {@return the permits this thread's work may use, or {@code null} when none were taken ahead} */
	public static AtomicInteger current() {
		return PREPAID.get();
	}

	/**
	 * Run blocking work for a caller that waits without a thread (e.g. with {@code Mono.delay}):
	 * its requests to Withings use the permits the caller already took from the budget, one each,
	 * and take none of their own; a request beyond them (rare: a nonce refused and fetched again, a
	 * ready nonce taken by another call meanwhile) takes a permit as a servlet call does, waiting for
	 * it at most the longest wait.
	 * @param prepaid how many permits are taken and unused; lowered as requests use them
	 * @param work the work
	 * @param <T> its result
	 * @return its result
	 */
	public static <T> T callWithPermits(AtomicInteger prepaid, Supplier<T> work) {
		Assert.notNull(prepaid, "prepaid cannot be null");
		Assert.notNull(work, "work cannot be null");
		AtomicInteger previous = PREPAID.get();
		PREPAID.set(prepaid);
		try {
			return work.get();
		}
		finally {
			if (previous != null) {
				PREPAID.set(previous);
			}
			else {
				PREPAID.remove();
			}
		}
	}

}
