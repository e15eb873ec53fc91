package io.github.springwithings.web.reactive.function.client;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import reactor.core.publisher.Mono;

/**
 * The permits of the shared rate budget for {@link WithingsExchangeFilterFunction}, taken on a
 * thread that may block (a shared budget is in the database) and waited for with a timer, never
 * a thread.
 */
final class ReactivePermits {

	/** Runs a budget call where blocking is allowed. */
	@FunctionalInterface
	interface Blocking {

		<T> Mono<T> call(Callable<T> call);

	}

	private final WithingsRateBudget budget;

	private final Duration maxWait;

	private final Function<Duration, Mono<Void>> waiter;

	private final Blocking blocking;

	ReactivePermits(WithingsRateBudget budget, Duration maxWait, Function<Duration, Mono<Void>> waiter,
			Blocking blocking) {
		this.budget = budget;
		this.maxWait = maxWait;
		this.waiter = waiter;
		this.blocking = blocking;
	}

	/** {@return the longest wait for a permit, in nanoseconds} */
	long maxWaitNanos() {
		return this.maxWait.toNanos();
	}

	/**
	 * Get a permit of the shared rate budget (on a thread that may block: a shared budget is in
	 * the database), once the token is at hand, so that a refresh is never queued behind the API
	 * calls waiting for it: an interactive call reserves the next permit; a background call takes
	 * one only when it is free now.
	 * @param maxWait the longest wait an interactive call accepts
	 * @return nanoseconds to wait before sending (interactive), or before trying again (background)
	 */
	long permit(WithingsRatePriority priority, long maxWait) {
		if (priority == WithingsRatePriority.BACKGROUND) {
			return this.budget.tryTake();
		}
		long wait = this.budget.reserve(Duration.ofNanos(Math.max(0, maxWait)));
		if (wait < 0) {
			throw WithingsRateBudget.refused(this.maxWait);
		}
		return wait;
	}

	/**
	 * Wait for the permit with a timer. An interactive call then looks whether a 601 paused the
	 * budget meanwhile: if so it waits for the pause's end and reserves again, within the longest
	 * wait, or fails; it is never sent into the pause. A background call waits for the bucket to
	 * refill and tries again, within the longest wait.
	 */
	Mono<Void> await(WithingsRatePriority priority, long wait, long waited) {
		if (wait <= 0) {
			return Mono.empty();
		}
		if (priority == WithingsRatePriority.INTERACTIVE) {
			long left = this.maxWait.toNanos() - waited - wait;
			return this.waiter.apply(Duration.ofNanos(wait))
				.then(this.blocking.call(() -> this.budget.checkPause(left)))
				.flatMap((paused) -> {
					if (paused == 0) {
						return Mono.<Void>empty();
					}
					if (paused < 0) {
						return Mono.<Void>error(WithingsRateBudget.refused(this.maxWait));
					}
					return this.waiter.apply(Duration.ofNanos(paused))
						.then(this.blocking.call(() -> permit(priority, left - paused)))
						.flatMap((next) -> await(priority, next, waited + wait + paused));
				});
		}
		if (waited + wait > this.maxWait.toNanos()) {
			this.budget.backgroundRefused();
			return Mono.error(WithingsRateBudget.refused(this.maxWait));
		}
		return Mono.delay(Duration.ofNanos(wait))
			.then(this.blocking.call(() -> permit(priority, 0)))
			.flatMap((next) -> await(priority, next, waited + wait));
	}

}
