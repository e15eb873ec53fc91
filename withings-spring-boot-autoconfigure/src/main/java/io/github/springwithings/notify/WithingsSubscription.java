package io.github.springwithings.notify;

import org.springframework.util.Assert;

/**
 * A notification subscription of a Withings user, as {@code notify list} gives it: Withings
 * calls {@link #callbackUrl()} when data of category {@link #appli()} changes.
 *
 * @param appli the category, {@link WithingsAppli#UNKNOWN} for a code this version does not know
 * @param appliCode the {@code appli} code as Withings gave it
 * @param callbackUrl the URL Withings calls
 * @param comment the comment given when subscribing, or {@code null}
 */
public record WithingsSubscription(WithingsAppli appli, int appliCode, String callbackUrl, String comment) {

	/**
	 * Creates a subscription; the callback URL cannot be empty.
	 * @param appli the category, {@link WithingsAppli#UNKNOWN} for a code this version does not know
	 * @param appliCode the {@code appli} code as Withings gave it
	 * @param callbackUrl the URL Withings calls
	 * @param comment the comment given when subscribing, or {@code null}
	 */
	public WithingsSubscription {
		Assert.notNull(appli, "appli cannot be null");
		Assert.hasText(callbackUrl, "callbackUrl cannot be empty");
	}

	/**
	 * A subscription of a code to a URL.
	 * @param appliCode the {@code appli} code
	 * @param callbackUrl the URL
	 * @param comment the comment, or {@code null}
	 * @return the subscription
	 */
	public static WithingsSubscription of(int appliCode, String callbackUrl, String comment) {
		return new WithingsSubscription(WithingsAppli.of(appliCode), appliCode, callbackUrl, comment);
	}

}
