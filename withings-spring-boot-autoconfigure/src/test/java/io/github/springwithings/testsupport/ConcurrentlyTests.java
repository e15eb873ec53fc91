package io.github.springwithings.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The tests' start gate: calls at the same time, results in order, every failure reported, and a
 * bounded wait.
 */
class ConcurrentlyTests {

	@Test
	void runWhenCallersThenEveryCallerRunsAtTheSameTime() throws Exception {
		CountDownLatch arrived = new CountDownLatch(20);

		List<Boolean> allThere = Concurrently.run(20, () -> {
			arrived.countDown();
			return arrived.await(10, TimeUnit.SECONDS);
		}, Duration.ofSeconds(30));

		assertThat(allThere).hasSize(20).containsOnly(true);
	}

	@Test
	void runWhenFewerThreadsThanCallsThenAtMostThatManyAtOnceAndResultsInTheOrderOfTheCalls() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		CountDownLatch firstFive = new CountDownLatch(5);
		List<Callable<Integer>> calls = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			int call = i;
			calls.add(() -> {
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				firstFive.countDown();
				firstFive.await(10, TimeUnit.SECONDS);
				running.decrementAndGet();
				return call;
			});
		}

		List<Integer> results = Concurrently.run(calls, 5, Duration.ofSeconds(30));

		assertThat(results).containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
		assertThat(most.get()).isEqualTo(5);
	}

	@Test
	void runWhenCallsFailThenOneErrorWithEveryFailure() {
		AtomicInteger next = new AtomicInteger();

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> Concurrently.run(4, () -> {
			int call = next.getAndIncrement();
			if (call % 2 == 0) {
				throw new IllegalStateException("call " + call);
			}
			return call;
		}, Duration.ofSeconds(30))).satisfies((error) -> {
			assertThat(error).hasMessageStartingWith("2 of 4 calls failed and 0 were not done");
			assertThat(error.getCause()).isInstanceOf(IllegalStateException.class);
			assertThat(error.getSuppressed()).hasSize(1).allSatisfy((suppressed) -> assertThat(suppressed)
				.isInstanceOf(IllegalStateException.class));
		});
	}

	@Test
	void runWhenACallHangsThenFailsAtTheDeadlineAndInterruptsIt() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		long start = System.nanoTime();

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> Concurrently.run(2, () -> {
			try {
				return never.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
		}, Duration.ofMillis(200))).withMessage("0 of 2 calls failed and 2 were not done within PT0.2S");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
		assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the hanging calls are interrupted").isTrue();
	}

}
