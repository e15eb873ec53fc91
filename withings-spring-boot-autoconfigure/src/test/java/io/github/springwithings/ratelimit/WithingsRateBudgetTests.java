package io.github.springwithings.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.simulator.SimulatorClock;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsRateBudget} in memory, on a clock the test moves (waits move it instead of
 * sleeping): a burst, then the rest of the budget, never more in any minute; interactive calls
 * before background work; a 601 pauses every call.
 */
class WithingsRateBudgetTests {

	static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

	/** One permit of a 120-a-minute budget with a burst of 6: a minute / 114. */
	static final Duration INTERVAL = Duration.ofNanos(Duration.ofMinutes(1).toNanos() / 114);

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(T0, ZoneOffset.UTC));

	private WithingsRateBudget budget(int requestsPerMinute) {
		WithingsRateBudget budget = WithingsRateBudget.local(requestsPerMinute, 6, this.clock);
		budget.setSleeper(this.clock::advance);
		return budget;
	}

	@Test
	void acquireWhenCalledAsFastAsPossibleThenABurstThenTheRestOfTheBudgetAndNoMinuteAboveIt() {
		WithingsRateBudget budget = budget(120);
		List<Instant> granted = new ArrayList<>();

		for (int i = 0; i < 600; i++) {
			budget.acquire(WithingsRatePriority.BACKGROUND, Duration.ofMinutes(1));
			granted.add(this.clock.instant());
		}

		assertThat(granted.subList(0, 6)).containsOnly(T0);
		assertThat(mostInAnyMinute(granted)).as("never more than the budget, nearly all of it").isBetween(118, 120);
		// 594 after the burst at 114 a minute: 5.21 minutes
		assertThat(Duration.between(T0, granted.get(599))).isBetween(INTERVAL.multipliedBy(593),
				INTERVAL.multipliedBy(595));
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isEqualTo(600);
	}

	@Test
	void reserveWhenBackgroundTookEveryFreePermitThenInteractiveGetsTheNextOneBeforeBackground() {
		WithingsRateBudget budget = budget(120);
		for (int i = 0; i < 6; i++) {
			assertThat(budget.tryTake()).isZero();
		}
		assertThat(budget.tryTake()).as("background: nothing free").isPositive();

		long interactiveWait = budget.reserve(Duration.ofSeconds(30));

		assertThat(Duration.ofNanos(interactiveWait)).isBetween(INTERVAL.minusMillis(1), INTERVAL.plusMillis(1));
		this.clock.advance(Duration.ofNanos(interactiveWait));
		assertThat(budget.tryTake()).as("the refilled permit is the interactive call's").isPositive();
		this.clock.advance(INTERVAL.plusMillis(1));
		assertThat(budget.tryTake()).as("the next one is free").isZero();
	}

	@Test
	void reserveWhenInteractiveCallsQueueThenEachWaitsLongerAndBeyondTheMaxWaitNothingIsReserved() {
		WithingsRateBudget budget = budget(120);
		for (int i = 0; i < 6; i++) {
			assertThat(budget.reserve(Duration.ZERO)).isZero();
		}
		List<Long> waits = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			waits.add(budget.reserve(INTERVAL.multipliedBy(10).plusMillis(1)));
		}

		assertThat(waits).isSorted().doesNotHaveDuplicates().allMatch((wait) -> wait > 0);
		assertThat(budget.reserve(INTERVAL.multipliedBy(10).plusMillis(1))).as("the 11th is beyond the wait").isEqualTo(-1);
		assertThat(budget.reserve(INTERVAL.multipliedBy(11).plusMillis(1))).as("nothing was reserved by the refusal")
			.isBetween(INTERVAL.multipliedBy(11).minusMillis(1).toNanos(), INTERVAL.multipliedBy(11).plusMillis(1).toNanos());
		assertThat(budget.count(WithingsRateBudget.Outcome.REFUSED)).isOne();
	}

	@Test
	void acquireWhenNoPermitWithinTheMaxWaitThenRefusedAtOncePerPriority() {
		WithingsRateBudget budget = budget(120);
		for (int i = 0; i < 6; i++) {
			budget.tryTake();
		}
		for (WithingsRatePriority priority : WithingsRatePriority.values()) {
			Instant before = this.clock.instant();
			assertThatExceptionOfType(WithingsRateLimitException.class)
				.isThrownBy(() -> budget.acquire(priority, INTERVAL.dividedBy(2)))
				.withMessageContaining("no permit within");
			assertThat(this.clock.instant()).as("no wait for a permit that cannot come in time").isEqualTo(before);
		}
	}

	@Test
	void onTooManyRequestsWhenWithingsAnswers601ThenEveryCallWaitsForTheWait() {
		WithingsRateBudget budget = budget(120);

		assertThat(budget.onTooManyRequests(Duration.ofSeconds(30), "Too many requests")).isTrue();

		// and a second: wait_seconds is rounded down
		assertThat(Duration.ofNanos(budget.tryTake())).isBetween(Duration.ofSeconds(31), Duration.ofSeconds(32));
		assertThat(Duration.ofNanos(budget.reserve(Duration.ofMinutes(1)))).isBetween(Duration.ofSeconds(31),
				Duration.ofSeconds(32));
		assertThat(budget.getAvailablePermits()).isNegative();
		assertThat(budget.count(WithingsRateBudget.Outcome.PAUSED)).isOne();
	}

	@Test
	void onTooManyRequestsWhenThreeInARowThenPausedForTheLongestWaitNotTheSum() {
		WithingsRateBudget budget = budget(120);

		for (int i = 0; i < 3; i++) {
			assertThat(budget.onTooManyRequests(Duration.ofSeconds(60), "Too many requests")).isTrue();
		}

		assertThat(Duration.ofNanos(budget.tryTake())).as("not 180 s").isBetween(Duration.ofSeconds(61),
				Duration.ofSeconds(62));
		assertThat(budget.getRemainingPause()).isEqualTo(Duration.ofSeconds(61));
		assertThat(budget.count(WithingsRateBudget.Outcome.TOO_MANY_REQUESTS)).isEqualTo(3);
		assertThat(budget.count(WithingsRateBudget.Outcome.PAUSED)).as("one pause").isOne();
	}

	@Test
	void onTooManyRequestsWhenDuringAPauseThenOnlyALongerWaitLengthensIt() {
		WithingsRateBudget budget = budget(120);
		budget.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");
		this.clock.advance(Duration.ofSeconds(20));

		budget.onTooManyRequests(Duration.ofSeconds(30), "Too many requests");
		assertThat(budget.getRemainingPause()).as("a shorter wait changes nothing").isEqualTo(Duration.ofSeconds(41));
		assertThat(Duration.ofNanos(budget.tryTake())).isBetween(Duration.ofSeconds(41), Duration.ofSeconds(42));

		budget.onTooManyRequests(Duration.ofSeconds(50), "Too many requests");
		assertThat(budget.getRemainingPause()).as("a longer one: until its end").isEqualTo(Duration.ofSeconds(51));
		assertThat(Duration.ofNanos(budget.tryTake())).isBetween(Duration.ofSeconds(51), Duration.ofSeconds(52));
		this.clock.advance(Duration.ofSeconds(52));
		assertThat(budget.getRemainingPause()).isZero();
		assertThat(budget.tryTake()).isZero();
	}

	@Test
	void onTooManyRequestsWhenInteractiveCallsWereQueuedThenThePauseEndsAtTheWaitNotAfterTheQueue() {
		WithingsRateBudget budget = budget(120);
		for (int i = 0; i < 6; i++) {
			budget.tryTake();
		}
		for (int i = 0; i < 57; i++) {
			assertThat(budget.reserve(Duration.ofSeconds(31))).isPositive(); // 30 s of queued calls
		}

		budget.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");

		assertThat(Duration.ofNanos(budget.reserve(Duration.ofMinutes(2)))).as("the queue is inside the pause")
			.isBetween(Duration.ofSeconds(61), Duration.ofSeconds(62));
	}

	@Test
	void acquireWhenA601PausesTheBudgetWhileAnInteractiveCallWaitsThenItWaitsForTheEndAndReservesAgain() {
		WithingsRateBudget budget = budget(120);
		for (int i = 0; i < 6; i++) {
			budget.tryTake();
		}
		List<Duration> sleeps = new ArrayList<>();
		budget.setSleeper((duration) -> {
			if (sleeps.isEmpty()) {
				// another call gets a 601 while this one waits for its permit
				budget.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");
			}
			sleeps.add(duration);
			this.clock.advance(duration);
		});

		budget.acquire(WithingsRatePriority.INTERACTIVE, Duration.ofMinutes(2));

		assertThat(this.clock.instant()).as("sent after the pause, not into it")
			.isBetween(T0.plusSeconds(61), T0.plusSeconds(62));
		assertThat(sleeps).hasSize(3);
		assertThat(sleeps.get(1)).as("the rest of the pause").isEqualTo(Duration.ofSeconds(61).minus(sleeps.get(0)));
	}

	@Test
	void acquireWhenA601PausesTheBudgetBeyondTheMaxWaitOfAWaitingCallThenRefusedWithoutWaitingForIt() {
		WithingsRateBudget budget = budget(120);
		for (int i = 0; i < 6; i++) {
			budget.tryTake();
		}
		budget.setSleeper((duration) -> {
			budget.onTooManyRequests(Duration.ofSeconds(60), "Too many requests");
			this.clock.advance(duration);
		});

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> budget.acquire(WithingsRatePriority.INTERACTIVE, Duration.ofSeconds(30)))
			.withMessageContaining("no permit within");
		assertThat(this.clock.instant()).as("only the permit's wait").isBefore(T0.plusSeconds(1));
		assertThat(budget.count(WithingsRateBudget.Outcome.REFUSED)).isOne();
	}

	@Test
	void onTooManyRequestsWhenTheSameArgumentsWereSentTwiceThenTheBudgetIsNotPaused() {
		WithingsRateBudget budget = budget(120);

		assertThat(budget.onTooManyRequests(Duration.ofSeconds(188), "Same arguments in less than 10 seconds")).isFalse();

		assertThat(budget.tryTake()).isZero();
		assertThat(budget.count(WithingsRateBudget.Outcome.PAUSED)).isZero();
	}

	@Test
	void pauseWhenLongerThanTenMinutesThenTenMinutes() {
		WithingsRateBudget budget = budget(120);

		budget.pause(Duration.ofHours(2));

		assertThat(Duration.ofNanos(budget.tryTake())).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plusSeconds(1));
	}

	@Test
	void localWhenTheBudgetIsSmallThenTheBurstIsATenthOfItAtMost() {
		assertThat(WithingsRateBudget.effectiveBurst(120, 6)).isEqualTo(6);
		assertThat(WithingsRateBudget.refillPerMinute(120, 6)).isEqualTo(114);
		assertThat(WithingsRateBudget.effectiveBurst(30, 6)).isEqualTo(3);
		assertThat(WithingsRateBudget.refillPerMinute(30, 6)).isEqualTo(27);
		assertThat(WithingsRateBudget.effectiveBurst(5, 6)).isOne();
		assertThat(WithingsRateBudget.refillPerMinute(1, 6)).isOne();
		WithingsRateBudget budget = budget(30);
		int atOnce = 0;
		while (budget.tryTake() == 0) {
			atOnce++;
		}
		assertThat(atOnce).isEqualTo(3);
	}

	@Test
	void currentWhenSetForAThreadThenThatElseBackgroundOutsideARequest() {
		assertThat(WithingsRatePriority.current()).isEqualTo(WithingsRatePriority.BACKGROUND);
		assertThat(WithingsRatePriority.INTERACTIVE.callAs(WithingsRatePriority::current))
			.isEqualTo(WithingsRatePriority.INTERACTIVE);
		assertThat(WithingsRatePriority.INTERACTIVE.callAs(
				() -> WithingsRatePriority.BACKGROUND.callAs(WithingsRatePriority::current)))
			.isEqualTo(WithingsRatePriority.BACKGROUND);
		assertThat(WithingsRatePriority.current()).isEqualTo(WithingsRatePriority.BACKGROUND);
		RequestContextHolder.setRequestAttributes(
				new ServletRequestAttributes(
						new MockHttpServletRequest()));
		try {
			assertThat(WithingsRatePriority.current()).as("serving a request").isEqualTo(WithingsRatePriority.INTERACTIVE);
		}
		finally {
			RequestContextHolder.resetRequestAttributes();
		}
	}

	/** The most grants within any 60 seconds. */
	static int mostInAnyMinute(List<Instant> granted) {
		int most = 0;
		int first = 0;
		for (int last = 0; last < granted.size(); last++) {
			while (!granted.get(first).plus(Duration.ofMinutes(1)).isAfter(granted.get(last))) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		return most;
	}

}
