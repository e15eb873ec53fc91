package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Withings' two 601 answers: the application-wide rate limit (off unless set) and the token
 * endpoint's "same arguments in less than 10 seconds". Not thread-safe: guarded by the
 * {@link WithingsBackend}'s lock.
 */
final class SimulatedRateLimit {

	static final Duration SAME_ARGUMENTS_WINDOW = Duration.ofSeconds(10);

	private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

	private final SimulatorClock clock;

	private final SimulatorCounters counters;

	private final Map<String, Instant> recentArguments = new HashMap<>();

	private final ArrayDeque<Instant> recentRequests = new ArrayDeque<>();

	private int rateLimit;

	private Duration rateLimitWindow = DEFAULT_WINDOW;

	SimulatedRateLimit(SimulatorClock clock, SimulatorCounters counters) {
		this.clock = clock;
		this.counters = counters;
	}

	/** Forget the requests seen, and switch the application-wide limit off. */
	void reset() {
		this.recentArguments.clear();
		this.recentRequests.clear();
		this.rateLimit = 0;
		this.rateLimitWindow = DEFAULT_WINDOW;
	}

	void setRateLimit(int requests, Duration window) {
		this.rateLimit = requests;
		this.rateLimitWindow = window;
		this.recentRequests.clear();
	}

	/**
	 * Withings' application-wide rate limit (120 requests per minute), when enabled: a sliding
	 * window over every API, token and nonce request.
	 * @return a 601 answer, or {@code null} when the request may go on
	 */
	SimulatorResponse rateLimit() {
		if (this.rateLimit <= 0) {
			return null;
		}
		Instant now = this.clock.instant();
		while (!this.recentRequests.isEmpty()
				&& !this.recentRequests.peekFirst().plus(this.rateLimitWindow).isAfter(now)) {
			this.recentRequests.pollFirst();
		}
		if (this.recentRequests.size() >= this.rateLimit) {
			this.counters.tooManyRequests.incrementAndGet();
			long wait = Math.max(1, Duration.between(now, this.recentRequests.peekFirst().plus(this.rateLimitWindow))
				.toSeconds());
			return SimulatorResponse.envelope(601, Map.of("wait_seconds", wait), "Too many requests");
		}
		this.recentRequests.addLast(now);
		return null;
	}

	/**
	 * The token endpoint's rule: the same form twice within 10 seconds is answered 601.
	 * @return a 601 answer, or {@code null} when the request may go on
	 */
	SimulatorResponse sameArguments(Map<String, String> form) {
		String key = new TreeMap<>(form).toString();
		Instant now = this.clock.instant();
		this.recentArguments.values().removeIf((seen) -> seen.plus(SAME_ARGUMENTS_WINDOW).isBefore(now));
		Instant seen = this.recentArguments.get(key);
		if (seen != null) {
			this.counters.tooManyRequests.incrementAndGet();
			long wait = Math.max(1, Duration.between(now, seen.plus(SAME_ARGUMENTS_WINDOW)).toSeconds());
			this.counters.rejectedTokenRequests.incrementAndGet();
			return SimulatorResponse.envelope(601, Map.of("wait_seconds", wait), "Same arguments in less than 10 seconds");
		}
		this.recentArguments.put(key, now);
		return null;
	}

}
