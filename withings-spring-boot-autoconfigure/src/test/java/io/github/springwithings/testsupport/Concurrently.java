package io.github.springwithings.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tests' one start gate: calls made at the same moment. Each call runs on a thread of a pool
 * of its own; every call waits behind one start latch, which opens once every thread of the pool
 * holds a call, so the first calls all start together (with fewer threads than calls, the rest
 * follow as threads free up). The results come back in the order of the calls; a failed call,
 * or a call not done within the time given, fails the whole run with an {@link AssertionError}
 * that carries every failure. The pool is shut down (its threads interrupted) before returning.
 */
public final class Concurrently {

	private Concurrently() {
	}

	/**
	 * Make the same call from {@code callers} threads at once.
	 * @param <T> the call's result
	 * @param callers how many times to call, each on a thread of its own
	 * @param call the call
	 * @param within how long all the calls may take together, from the start
	 * @return the results, one a call
	 * @throws InterruptedException if the calling thread is interrupted while waiting
	 */
	public static <T> List<T> run(int callers, Callable<T> call, Duration within) throws InterruptedException {
		return run(Collections.nCopies(callers, call), callers, within);
	}

	/**
	 * Make the calls on {@code threads} threads, all released at once.
	 * @param <T> the calls' result
	 * @param calls the calls
	 * @param threads how many calls run at the same time at most
	 * @param within how long all the calls may take together, from the start
	 * @return the results, in the order of the calls
	 * @throws InterruptedException if the calling thread is interrupted while waiting
	 */
	public static <T> List<T> run(List<? extends Callable<T>> calls, int threads, Duration within)
			throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		int parallel = Math.max(1, Math.min(threads, calls.size()));
		ExecutorService executor = Executors.newFixedThreadPool(parallel);
		try {
			CountDownLatch ready = new CountDownLatch(parallel);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>(calls.size());
			for (Callable<T> call : calls) {
				futures.add(executor.submit(() -> {
					ready.countDown();
					if (!go.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
						throw new TimeoutException("never released");
					}
					return call.call();
				}));
			}
			if (!ready.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
				throw new AssertionError("Only " + (parallel - ready.getCount()) + " of " + parallel
						+ " threads started within " + within);
			}
			go.countDown();
			return collect(futures, deadline, within);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static <T> List<T> collect(List<Future<T>> futures, long deadline, Duration within)
			throws InterruptedException {
		List<T> results = new ArrayList<>(futures.size());
		List<Throwable> failures = new ArrayList<>();
		int late = 0;
		for (Future<T> future : futures) {
			try {
				results.add(future.get(remaining(deadline), TimeUnit.NANOSECONDS));
			}
			catch (ExecutionException ex) {
				failures.add(ex.getCause());
			}
			catch (TimeoutException ex) {
				late++;
			}
		}
		if (failures.isEmpty() && late == 0) {
			return results;
		}
		AssertionError error = new AssertionError(failures.size() + " of " + futures.size() + " calls failed and "
				+ late + " were not done within " + within, failures.isEmpty() ? null : failures.get(0));
		failures.stream().skip(1).limit(10).forEach(error::addSuppressed);
		throw error;
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

}
