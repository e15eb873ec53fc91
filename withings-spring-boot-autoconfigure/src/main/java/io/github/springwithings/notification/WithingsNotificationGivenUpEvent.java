package io.github.springwithings.notification;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A notification of the durable inbox ({@code withings.notifications.inbox}) was given up: it
 * was tried {@code withings.notifications.inbox.max-attempts} times and each failed (a listener of
 * its {@link WithingsNotificationEvent} threw, the store could not be read, an unlink could not be
 * checked). It is not tried again; its row stays in {@code withings_notification_inbox} with the
 * status {@code GIVEN_UP} and the last error, for inspection. Published once, by the instance that
 * made the last attempt, on the receiver's executor.
 *
 * @param id the inbox row's id (the SHA-256 of the notification's fields, in hexadecimal)
 * @param userId the Withings user id
 * @param appli the category, {@link WithingsAppli#UNKNOWN} for a code this version does not know
 * @param appliCode the {@code appli} code as sent
 * @param receivedAt when the notification was first received
 * @param attempts how many times it was tried
 * @param lastError why the last attempt failed (the exception's class and message, at most 1000
 * characters)
 */
public record WithingsNotificationGivenUpEvent(String id, String userId, WithingsAppli appli, int appliCode,
		Instant receivedAt, int attempts, String lastError) {

	/**
	 * Creates the event.
	 * @param id the inbox row's id
	 * @param userId the Withings user id
	 * @param appli the category
	 * @param appliCode the {@code appli} code as sent
	 * @param receivedAt when the notification was first received, or {@code null} when unknown
	 * @param attempts how many times it was tried
	 * @param lastError why the last attempt failed
	 */
	public WithingsNotificationGivenUpEvent {
		Assert.hasText(id, "id cannot be empty");
		Assert.notNull(appli, "appli cannot be null");
	}

}
