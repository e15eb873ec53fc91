package io.github.springwithings.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.springwithings.support.Sleeper;

import org.springframework.util.Assert;

/**
 * The sync's share of the rate budget: its requests are spaced evenly, at most
 * {@code requestsPerMinute} a minute (for example half of Withings' 120), so that the sync never
 * takes more than its share, whatever is due. The starter's budget still applies on top, at
 * background priority: interactive calls go first within it. One pacer per instance.
 */
public final class WithingsSyncPacer {

	private final Duration spacing;

	private final Clock clock;

	private Sleeper sleeper = Sleeper.THREAD;

	private Instant next;

	/**
	 * @param requestsPerMinute the most requests a minute the sync may send, at least 1
	 * @param clock the clock
	 */
	public WithingsSyncPacer(int requestsPerMinute, Clock clock) {
		Assert.isTrue(requestsPerMinute >= 1, "requestsPerMinute must be at least 1");
		Assert.notNull(clock, "clock cannot be null");
		this.spacing = Duration.ofMinutes(1).dividedBy(requestsPerMinute);
		this.clock = clock;
		this.next = Instant.MIN;
	}

	/**
	 * The share of a budget.
	 * @param requestsPerMinute the budget (Withings' 120 by default)
	 * @param share the fraction the sync may use, more than 0 and at most 1
	 * @param clock the clock
	 * @return the pacer
	 */
	public static WithingsSyncPacer share(int requestsPerMinute, double share, Clock clock) {
		Assert.isTrue(share > 0 && share <= 1, "share must be more than 0 and at most 1");
		return new WithingsSyncPacer(Math.max(1, (int) Math.floor(requestsPerMinute * share)), clock);
	}

	/**
	 * {@return the time between two requests}
	 */
	public Duration getSpacing() {
		return this.spacing;
	}

	/**
	 * How long until a request may be sent.
	 * @return {@link Duration#ZERO} when one may be sent now
	 */
	public synchronized Duration untilNext() {
		Instant now = this.clock.instant();
		return this.next.isAfter(now) ? Duration.between(now, this.next) : Duration.ZERO;
	}

	/**
	 * Take the right to send a request now, if it is free.
	 * @return {@code true} when taken
	 */
	public synchronized boolean tryTake() {
		Instant now = this.clock.instant();
		if (this.next.isAfter(now)) {
			return false;
		}
		this.next = now.plus(this.spacing);
		return true;
	}

	/**
	 * Take the right to send a request, reserved now and waited for on this thread.
	 * @throws InterruptedException when interrupted while waiting
	 */
	public void take() throws InterruptedException {
		Duration wait = reserve();
		if (!wait.isZero()) {
			this.sleeper.sleep(wait);
		}
	}

	/**
	 * Reserve the next request: it may be sent after the wait returned (a reactive caller delays it).
	 * @return the wait, {@link Duration#ZERO} for now
	 */
	public synchronized Duration reserve() {
		Instant now = this.clock.instant();
		Instant at = this.next.isAfter(now) ? this.next : now;
		this.next = at.plus(this.spacing);
		return Duration.between(now, at);
	}

	/**
	 * How {@link #take()} waits ({@link Sleeper#THREAD} by default; tests move a clock instead).
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

}
