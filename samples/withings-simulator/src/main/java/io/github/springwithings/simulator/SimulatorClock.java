package io.github.springwithings.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The simulator's clock: real time plus an offset that tests move forward, so that expiry rules
 * (30 s codes, 3 h access tokens, 8 h rotation grace, 10 s same-arguments rule, the delays between
 * notification retries) can be exercised without waiting.
 */
public final class SimulatorClock extends Clock {

	private final Clock base;

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	/**
	 * A clock on the system's time (in UTC), not moved yet.
	 */
	public SimulatorClock() {
		this(Clock.systemUTC());
	}

	/**
	 * A clock on {@code base}'s instants (always in UTC), not moved yet.
	 * @param base the clock the offset is added to
	 */
	public SimulatorClock(Clock base) {
		this.base = base;
	}

	/**
	 * Move the clock forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.offset.accumulateAndGet(duration, Duration::plus);
		this.listeners.forEach(Runnable::run);
	}

	/**
	 * How far this clock has been moved from real time.
	 * @return the offset
	 */
	public Duration offset() {
		return this.offset.get();
	}

	/** Back to real time. */
	void reset() {
		this.offset.set(Duration.ZERO);
		this.listeners.forEach(Runnable::run);
	}

	/** Run {@code listener} whenever the clock is moved (e.g. to wake up what waits for a due time). */
	void onChange(Runnable listener) {
		this.listeners.add(listener);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("The simulator clock is always UTC");
	}

	@Override
	public Instant instant() {
		return this.base.instant().plus(this.offset.get());
	}

}
