package io.github.springwithings.sample.webflux;

import java.time.Instant;

import io.github.springwithings.notification.WithingsAppli;

/**
 * A notification the sample received, as the dashboard lists it.
 *
 * @param receivedAt when the listener got it
 * @param appli the category
 * @param appliCode the category's code, as Withings sent it
 * @param then what followed, e.g. {@code the data sync fetches what changed}
 */
record ReceivedNotification(Instant receivedAt, WithingsAppli appli, int appliCode, String then) {

	/** The category in words, {@code Weight}, {@code User actions} (public: templates call it). */
	public String category() {
		String name = StarterActivity.category(appli());
		return Character.toUpperCase(name.charAt(0)) + name.substring(1);
	}

	/** {@code 2 min ago} (public: templates call it). */
	public String receivedRelativeTo(Instant now) {
		return Times.relative(receivedAt(), now);
	}

}
