package io.github.springwithings.sample.servlet;

import java.time.Instant;
import java.util.Locale;

import io.github.springwithings.notification.WithingsAppli;

/**
 * A notification the sample received, as the dashboard lists it.
 *
 * @param sequence its number, increasing across all users (what a dashboard saw last)
 * @param receivedAt when the listener got it
 * @param appli the category
 * @param appliCode the category's code, as Withings sent it
 * @param fetched what the listener fetched for it, e.g. {@code 72.4 kg}
 */
record ReceivedNotification(long sequence, Instant receivedAt, WithingsAppli appli, int appliCode, String fetched) {

	/** The category for people, {@code Weight (1)}, {@code User action (46)} (public: templates call it). */
	public String category() {
		String name = appli().name().replace('_', ' ').toLowerCase(Locale.ROOT);
		return Character.toUpperCase(name.charAt(0)) + name.substring(1) + " (" + appliCode() + ")";
	}

}
