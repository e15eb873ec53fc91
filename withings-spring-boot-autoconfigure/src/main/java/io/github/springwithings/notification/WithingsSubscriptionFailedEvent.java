package io.github.springwithings.notification;

import java.util.List;

import io.github.springwithings.oauth2.client.WithingsLinkedUser;

import org.springframework.util.Assert;

/**
 * Subscribing a newly linked user to notifications ({@code withings.notifications.subscribe-on-link})
 * failed for good: Withings refused a category for a reason a retry cannot mend (214, the user did
 * not grant its scope; an unknown category), or every retry failed (293, Withings could not reach
 * the callback URL; Withings down). The link itself works: only notifications of these categories
 * will not come. Sign-in never fails because of it. Published on the starter's subscription
 * thread.
 *
 * @param user the linked user
 * @param appliCodes the categories not subscribed
 * @param cause the last failure (a {@code WithingsApiException} with Withings' status and text)
 * @param attempts how many times it was tried
 */
public record WithingsSubscriptionFailedEvent(WithingsLinkedUser user, List<Integer> appliCodes, RuntimeException cause,
		int attempts) {

	/**
	 * Creates the event (with a copy of the appli codes, at least one).
	 * @param user the linked user
	 * @param appliCodes the categories not subscribed
	 * @param cause the last failure (a {@code WithingsApiException} with Withings' status and text)
	 * @param attempts how many times it was tried
	 */
	public WithingsSubscriptionFailedEvent {
		Assert.notNull(user, "user cannot be null");
		Assert.notEmpty(appliCodes, "appliCodes cannot be empty");
		Assert.notNull(cause, "cause cannot be null");
		appliCodes = List.copyOf(appliCodes);
	}

	/**
	 * The event with its cause named by Withings' status and family only: Withings' text could
	 * echo the callback URL, whose last path segment is a secret.
	 * @return a description naming no secret
	 */
	@Override
	public String toString() {
		return "WithingsSubscriptionFailedEvent[user=" + this.user + ", appliCodes=" + this.appliCodes + ", cause="
				+ WithingsSubscriptionException.describe(this.cause) + ", attempts=" + this.attempts + "]";
	}

}
