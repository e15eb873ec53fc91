package io.github.springwithings.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.ratelimit.WithingsRateBudget.Outcome;
import io.github.springwithings.simulator.SimulatorClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The last hour of the rate budget's outcomes ({@link WithingsRateHistory} and
 * {@link WithingsRateBudget#countLastHour}), on a clock the test moves.
 */
class WithingsRateHistoryTests {

	private static final Instant T0 = Instant.parse("2026-12-01T08:00:30Z");

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(T0, ZoneOffset.UTC));

	@Test
	void lastHourWhenCountsOlderThanAnHourThenForgottenAndTheRestKept() {
		WithingsRateHistory history = new WithingsRateHistory(this.clock);
		history.record(Outcome.BACKGROUND);
		this.clock.advance(Duration.ofMinutes(30));
		history.record(Outcome.BACKGROUND);
		history.record(Outcome.REFUSED);
		this.clock.advance(Duration.ofMinutes(29));

		assertThat(history.lastHour(Outcome.BACKGROUND)).isEqualTo(2);
		assertThat(history.lastHour(Outcome.REFUSED)).isEqualTo(1);
		assertThat(history.lastHour(Outcome.INTERACTIVE)).isZero();

		this.clock.advance(Duration.ofMinutes(1)); // the first minute left the hour
		assertThat(history.lastHour(Outcome.BACKGROUND)).isEqualTo(1);

		this.clock.advance(Duration.ofMinutes(30)); // so did the second
		assertThat(history.lastHour(Outcome.BACKGROUND)).isZero();
		assertThat(history.lastHour(Outcome.REFUSED)).isZero();
	}

	@Test
	void recordWhenAMinuteComesRoundAgainThenItsSlotStartsFromZero() {
		WithingsRateHistory history = new WithingsRateHistory(this.clock);
		for (int i = 0; i < 5; i++) {
			history.record(Outcome.INTERACTIVE);
		}
		this.clock.advance(Duration.ofMinutes(WithingsRateHistory.MINUTES)); // the same slot, an hour later

		history.record(Outcome.INTERACTIVE);

		assertThat(history.lastHour(Outcome.INTERACTIVE)).isOne();
	}

	@Test
	void recordWhenManyThreadsCountAtOnceThenNoCountIsLost() throws Exception {
		WithingsRateHistory history = new WithingsRateHistory(this.clock);
		int threads = 8;
		int each = 20_000;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < each; i++) {
						history.record(Outcome.BACKGROUND);
						if (thread == 0 && i % 1000 == 0) {
							this.clock.advance(Duration.ofSeconds(20)); // minutes turn while others count
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		// thread 0 moved the clock 20 x 20 s = 400 s: every count is within the hour
		assertThat(history.lastHour(Outcome.BACKGROUND)).isEqualTo((long) threads * each);
	}

	@Test
	void countLastHourWhenTheBudgetGrantsRefusesAndGets601ThenCountedPerOutcomeForAnHour() {
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.clock);
		for (int i = 0; i < 6; i++) {
			assertThat(budget.reserve(Duration.ZERO)).isZero();
		}
		assertThat(budget.reserve(Duration.ZERO)).as("no permit free, no wait accepted").isEqualTo(-1);
		assertThat(budget.onTooManyRequests(Duration.ofSeconds(60), null)).isTrue();
		assertThat(budget.onTooManyRequests(Duration.ofSeconds(5), "Same arguments in less than 10 seconds")).isFalse();

		assertThat(budget.countLastHour(Outcome.INTERACTIVE)).isEqualTo(6);
		assertThat(budget.countLastHour(Outcome.REFUSED)).isOne();
		assertThat(budget.countLastHour(Outcome.TOO_MANY_REQUESTS)).as("every 601, pausing or not").isEqualTo(2);
		assertThat(budget.countLastHour(Outcome.PAUSED)).isOne();

		this.clock.advance(Duration.ofMinutes(61));

		assertThat(budget.countLastHour(Outcome.TOO_MANY_REQUESTS)).isZero();
		assertThat(budget.countLastHour(Outcome.INTERACTIVE)).isZero();
		assertThat(budget.count(Outcome.TOO_MANY_REQUESTS)).as("the total since the start stays").isEqualTo(2);
		assertThat(budget.count(Outcome.INTERACTIVE)).isEqualTo(6);
	}

}
