package io.github.springwithings.support;

import java.time.Duration;

/**
 * How a blocking component of the starter waits: the single-flight refresh while another caller
 * refreshes, the rate budget for a permit, the keep-alive between users, notifications between
 * subscriptions. Tests pass one that moves a clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

	/** Waits with {@link Thread#sleep}. */
	Sleeper THREAD = (duration) -> Thread.sleep(duration.toMillis());

	/**
	 * Waits for the given time.
	 * @param duration how long to wait
	 * @throws InterruptedException when the thread is interrupted while waiting
	 */
	void sleep(Duration duration) throws InterruptedException;

}
