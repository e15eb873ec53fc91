package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * The notifications seen lately, by their key, to tell Withings' retries from new ones: for a
 * window of time and up to a number of them (the oldest forgotten first), in this instance's
 * memory.
 */
final class RecentNotifications {

	/** Insertion order is time order. */
	private final Map<String, Instant> seen = new LinkedHashMap<>();

	private Duration window = Duration.ofHours(6);

	private int maxRemembered = 10_000;

	private Clock clock = Clock.systemUTC();

	void setWindow(Duration window) {
		Assert.isTrue(window != null && !window.isNegative(), "duplicateWindow must not be negative");
		this.window = window;
	}

	void setMaxRemembered(int maxRemembered) {
		Assert.isTrue(maxRemembered > 0, "maxRemembered must be positive");
		this.maxRemembered = maxRemembered;
	}

	void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Remember a notification.
	 * @param key what tells it from another
	 * @return {@code true} when it was not seen within the window
	 */
	synchronized boolean firstSeen(String key) {
		Instant now = this.clock.instant();
		Instant oldest = now.minus(this.window);
		// insertion order is time order: the expired, and the oldest beyond the bound, come first
		Iterator<Map.Entry<String, Instant>> entries = this.seen.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<String, Instant> entry = entries.next();
			if (this.seen.size() < this.maxRemembered && !entry.getValue().isBefore(oldest)) {
				break;
			}
			entries.remove();
		}
		return this.seen.putIfAbsent(key, now) == null;
	}

	/**
	 * Forget a notification, so that Withings' retry of it is taken.
	 * @param key what tells it from another
	 */
	synchronized void forget(String key) {
		this.seen.remove(key);
	}

}
