package io.github.springwithings.sync;

import java.time.Instant;

/**
 * ECG recordings have no {@code lastupdate}: they are listed by timestamp, from the second after
 * the last one seen (Withings' {@code startdate} is inclusive, in whole seconds).
 */
final class HeartWindow {

	private HeartWindow() {
	}

	static Instant start(Instant lastUpdate) {
		return Instant.ofEpochSecond(lastUpdate.getEpochSecond() + 1);
	}

}
