package io.github.springwithings.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.support.Sleeper;

/**
 * Waits of several threads on one simulator clock, without sleeping: a waiting thread is parked
 * until the clock reaches its end, and the clock moves to the earliest end only once every
 * thread {@link #run} started is waiting or done (so that nothing a running thread does, such as
 * an HTTP call, is skipped over).
 */
final class VirtualTime implements Sleeper {

	private final SimulatorClock clock;

	private final List<Wake> waiting = new ArrayList<>();

	private int running;

	VirtualTime(SimulatorClock clock) {
		this.clock = clock;
	}

	@Override
	public synchronized void sleep(Duration duration) throws InterruptedException {
		Wake wake = new Wake(this.clock.instant().plus(duration));
		if (!wake.at().isAfter(this.clock.instant())) {
			return;
		}
		this.waiting.add(wake);
		notifyAll();
		while (this.waiting.contains(wake)) {
			wait();
		}
	}

	/**
	 * Run the calls at once, each on a thread of its own, moving the clock whenever all of them wait.
	 * @param calls the calls
	 * @return their outcomes, all done
	 */
	<T> List<Future<T>> run(List<Callable<T>> calls) throws InterruptedException {
		ExecutorService executor = Executors.newFixedThreadPool(calls.size());
		try {
			List<Future<T>> futures = new ArrayList<>();
			synchronized (this) {
				this.running = calls.size();
			}
			for (Callable<T> call : calls) {
				futures.add(executor.submit(() -> {
					try {
						return call.call();
					}
					finally {
						synchronized (VirtualTime.this) {
							this.running--;
							VirtualTime.this.notifyAll();
						}
					}
				}));
			}
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // only to fail a stuck test
			synchronized (this) {
				while (this.running > 0) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("Calls still running: " + this.running);
					}
					if (this.waiting.size() < this.running) {
						wait(100);
						continue;
					}
					Instant next = this.waiting.stream().map(Wake::at).min(Comparator.naturalOrder()).orElseThrow();
					this.clock.advance(Duration.between(this.clock.instant(), next));
					this.waiting.removeIf((wake) -> !wake.at().isAfter(next));
					notifyAll();
				}
			}
			return futures;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** One waiting thread's end of wait (by identity: two threads may wait until the same instant). */
	private static final class Wake {

		private final Instant at;

		Wake(Instant at) {
			this.at = at;
		}

		Instant at() {
			return this.at;
		}

	}

}
