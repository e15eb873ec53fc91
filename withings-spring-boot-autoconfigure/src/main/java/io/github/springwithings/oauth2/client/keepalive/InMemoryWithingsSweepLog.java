package io.github.springwithings.oauth2.client.keepalive;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link WithingsSweepLog} in memory, for the in-memory store (which restarts empty anyway).
 */
public final class InMemoryWithingsSweepLog implements WithingsSweepLog {

	private final Map<String, Instant> starts = new ConcurrentHashMap<>();

	@Override
	public boolean tryStart(String name, Instant now, Duration interval) {
		boolean[] started = new boolean[1];
		this.starts.compute(name, (key, last) -> {
			started[0] = last == null || !now.isBefore(last.plus(interval));
			return started[0] ? now : last;
		});
		return started[0];
	}

	@Override
	public void stoppedEarly(String name, Instant start, Duration interval) {
		this.starts.computeIfPresent(name, (key, last) -> last.equals(start) ? start.minus(interval) : last);
	}

	@Override
	public Instant lastStart(String name) {
		return this.starts.get(name);
	}

}
