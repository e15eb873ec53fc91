package io.github.springwithings.ratelimit;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import io.github.springwithings.ratelimit.WithingsRateBudget.Outcome;

import org.springframework.util.Assert;

/**
 * What the rate budget's permits got in the last hour: a ring of 60 per-minute counts, by the
 * clock. Lock-free: a minute's slot is replaced (compare and set) when its minute comes round
 * again an hour later, so a count is lost only by a thread stalled for an hour between reading
 * the slot and counting.
 */
final class WithingsRateHistory {

	static final int MINUTES = 60;

	private static final long MINUTE_MILLIS = TimeUnit.MINUTES.toMillis(1);

	private final Clock clock;

	private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(MINUTES);

	WithingsRateHistory(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	void record(Outcome outcome) {
		long minute = minute();
		int index = (int) Math.floorMod(minute, (long) MINUTES);
		Slot slot = this.slots.get(index);
		while (slot == null || slot.minute < minute) {
			Slot fresh = new Slot(minute);
			if (this.slots.compareAndSet(index, slot, fresh)) {
				slot = fresh;
				break;
			}
			slot = this.slots.get(index);
		}
		if (slot.minute == minute) {
			slot.counts[outcome.ordinal()].increment();
		}
		// else: the clock went back more than an hour; not counted
	}

	/**
	 * How many had that outcome in the current minute and the 59 before it.
	 * @param outcome the outcome
	 * @return the count
	 */
	long lastHour(Outcome outcome) {
		long minute = minute();
		long sum = 0;
		for (int i = 0; i < MINUTES; i++) {
			Slot slot = this.slots.get(i);
			if (slot != null && slot.minute > minute - MINUTES && slot.minute <= minute) {
				sum += slot.counts[outcome.ordinal()].sum();
			}
		}
		return sum;
	}

	private long minute() {
		return Math.floorDiv(this.clock.millis(), MINUTE_MILLIS);
	}

	private static final class Slot {

		final long minute;

		final LongAdder[] counts = new LongAdder[Outcome.values().length];

		Slot(long minute) {
			this.minute = minute;
			for (int i = 0; i < this.counts.length; i++) {
				this.counts[i] = new LongAdder();
			}
		}

	}

}
