package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedule of periodic Withings work: a first run after the initial delay, runs that survive
 * a failing one, and a stop that lets a run in progress finish instead of interrupting it.
 */
class WithingsScheduleTests {

	private static final Duration LONG = Duration.ofHours(1);

	@Test
	void startWhenStartedThenTheFirstRunComesAfterTheInitialDelay() throws Exception {
		CountDownLatch ran = new CountDownLatch(1);
		AtomicLong firstRun = new AtomicLong();
		WithingsSchedule schedule = new WithingsSchedule("test-schedule", (carryOn) -> {
			firstRun.compareAndSet(0, System.nanoTime());
			ran.countDown();
		}, Duration.ofMillis(20), LONG);
		long started = System.nanoTime();
		schedule.start();
		try {
			assertThat(schedule.isRunning()).isTrue();
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			// 1 ms of leeway for the wall clock the start time is computed with
			assertThat(Duration.ofNanos(firstRun.get() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(19));
		}
		finally {
			schedule.stop();
		}
	}

	@Test
	void startWhenARunThrowsThenTheNextRunsStillCome() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch threeRuns = new CountDownLatch(3);
		WithingsSchedule schedule = new WithingsSchedule("test-schedule", (carryOn) -> {
			threeRuns.countDown();
			if (runs.incrementAndGet() == 1) {
				throw new IllegalStateException("the first run fails");
			}
		}, Duration.ofMillis(10), Duration.ofMillis(10));
		schedule.start();
		try {
			assertThat(threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			schedule.stop();
		}
	}

	@Test
	void stopWhenARunIsInProgressThenItIsAskedToStopNotInterruptedAndStopWaitsForIt() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch inFlightMayEnd = new CountDownLatch(1);
		CountDownLatch stopReturned = new CountDownLatch(1);
		Queue<String> events = new ConcurrentLinkedQueue<>();
		AtomicBoolean toldToStop = new AtomicBoolean();
		AtomicBoolean interrupted = new AtomicBoolean();
		AtomicInteger runs = new AtomicInteger();
		WithingsSchedule schedule = new WithingsSchedule("test-schedule", (carryOn) -> {
			runs.incrementAndGet();
			running.countDown();
			// a refresh in flight: it ends when the test lets it, after the stop has begun
			try {
				inFlightMayEnd.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			toldToStop.set(!carryOn.getAsBoolean());
			events.add((stopReturned.getCount() == 1) ? "run ends while stop waits" : "run ends after stop returned");
		}, Duration.ofMillis(10), LONG);
		schedule.start();
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		Thread stopper = new Thread(() -> {
			schedule.stop();
			events.add("stop returned");
			stopReturned.countDown();
		});

		stopper.start();

		// the stop has asked the run to stop and shut the scheduler down: it now awaits the run
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (stopper.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(stopper.getState()).as("stop waits for the run").isEqualTo(Thread.State.TIMED_WAITING);
		assertThat(stopReturned.getCount()).isOne();
		inFlightMayEnd.countDown();
		assertThat(stopReturned.await(20, TimeUnit.SECONDS)).isTrue();
		assertThat(interrupted).as("the run was interrupted").isFalse();
		assertThat(toldToStop).isTrue();
		assertThat(events).containsExactly("run ends while stop waits", "stop returned");
		assertThat(runs).hasValue(1);
		assertThat(schedule.isRunning()).isFalse();
	}

	@Test
	void stopWhenBeforeTheFirstRunThenNothingRuns() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		WithingsSchedule schedule = new WithingsSchedule("test-schedule", (carryOn) -> runs.incrementAndGet(), LONG,
				LONG);
		schedule.start();

		schedule.stop();

		assertThat(schedule.isRunning()).isFalse();
		assertThat(runs).hasValue(0);
	}

}
