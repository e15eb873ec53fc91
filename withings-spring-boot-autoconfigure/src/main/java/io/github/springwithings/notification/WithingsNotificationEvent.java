package io.github.springwithings.notification;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * Withings notified new data or a user action for a linked user. Published once per notification
 * (Withings' retries of it are dropped: within one instance, or across instances with the durable
 * inbox of a database store, which publishes it at least once, again when a listener threw), after
 * the callback answered
 * Withings, on a task executor thread: a listener may call the Withings API or a database, and a
 * slow one never delays the answer. An unlink or delete ({@link WithingsAppli#USER_ACTION} with
 * {@code action} {@code unlink} or {@code delete}) is published after the stored link was removed.
 *
 * @param registrationId the Withings registration the user is linked through
 * @param userId the Withings user id
 * @param principalName the principal the link is stored under
 * @param appli the category, {@link WithingsAppli#UNKNOWN} for a code this version does not know
 * @param appliCode the {@code appli} code as sent
 * @param startDate start of the new data's period ({@code startdate}), or {@code null}
 * @param endDate its end ({@code enddate}), or {@code null}
 * @param date when an event happened ({@code date}; a {@code YYYY-MM-DD} date is its start in
 * UTC), or {@code null}
 * @param deviceId the device ({@code deviceid}), or {@code null}
 * @param action the user action of {@link WithingsAppli#USER_ACTION} ({@code unlink},
 * {@code delete}, {@code update}), or {@code null}
 */
public record WithingsNotificationEvent(String registrationId, String userId, String principalName,
		WithingsAppli appli, int appliCode, Instant startDate, Instant endDate, Instant date, String deviceId,
		String action) {

	/**
	 * Creates a notification; the registration id, user id and principal name cannot be empty.
	 * @param registrationId the Withings registration the user is linked through
	 * @param userId the Withings user id
	 * @param principalName the principal the link is stored under
	 * @param appli the category, {@link WithingsAppli#UNKNOWN} for a code this version does not know
	 * @param appliCode the {@code appli} code as sent
	 * @param startDate start of the new data's period ({@code startdate}), or {@code null}
	 * @param endDate its end ({@code enddate}), or {@code null}
	 * @param date when an event happened ({@code date}; a {@code YYYY-MM-DD} date is its start in
	 * UTC), or {@code null}
	 * @param deviceId the device ({@code deviceid}), or {@code null}
	 * @param action the user action of {@link WithingsAppli#USER_ACTION} ({@code unlink},
	 * {@code delete}, {@code update}), or {@code null}
	 */
	public WithingsNotificationEvent {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.hasText(userId, "userId cannot be empty");
		Assert.hasText(principalName, "principalName cannot be empty");
		Assert.notNull(appli, "appli cannot be null");
	}

	/**
	 * Whether this notification says the user unlinked the application or deleted their account
	 * (the link was removed before this event).
	 * @return {@code true} for appli 46 with {@code unlink} or {@code delete}
	 */
	public boolean unlinked() {
		return this.appli == WithingsAppli.USER_ACTION && ("unlink".equals(this.action) || "delete".equals(this.action));
	}

}
