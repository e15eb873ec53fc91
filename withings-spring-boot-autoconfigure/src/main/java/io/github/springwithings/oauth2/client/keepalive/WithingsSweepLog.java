package io.github.springwithings.oauth2.client.keepalive;

import java.time.Duration;
import java.time.Instant;

/**
 * When periodic work (the keep-alive sweep) last started, kept where every instance and every
 * restart sees it, so that a schedule survives restarts and runs once per interval for the whole
 * cluster.
 */
public interface WithingsSweepLog {

	/**
	 * Start the work named {@code name} if it last started at least {@code interval} ago (or
	 * never): atomically, so that one caller in the cluster wins.
	 * @param name the work
	 * @param now the start
	 * @param interval the interval
	 * @return whether this caller starts it
	 */
	boolean tryStart(String name, Instant now, Duration interval);

	/**
	 * When the work last started.
	 * @param name the work
	 * @return the start, or {@code null} when never
	 */
	Instant lastStart(String name);

	/**
	 * Give back a start whose work stopped early (a shutdown): the work is due again at the next
	 * check rather than an interval later, in whichever instance checks first. Only while the
	 * recorded start is still {@code start} (no later start is undone). Does nothing by default.
	 * @param name the work
	 * @param start the start that {@link #tryStart} recorded
	 * @param interval the interval it was started with
	 */
	default void stoppedEarly(String name, Instant start, Duration interval) {
	}

}
