package io.github.springwithings.notification;

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
	 * The subscription with its callback URL masked: the URL's last path segment is the
	 * callback's secret.
	 * @return a description naming no secret
	 */
	@Override
	public String toString() {
		return "WithingsSubscription[appli=" + this.appli + ", appliCode=" + this.appliCode + ", callbackUrl="
				+ maskUrl(this.callbackUrl) + ", comment=" + this.comment + "]";
	}

	/** The URL with its last path segment (and anything after it) masked. */
	static String maskUrl(String url) {
		int slash = url.lastIndexOf('/', url.endsWith("/") ? url.length() - 2 : url.length() - 1);
		return (slash < 0) ? "****" : url.substring(0, slash + 1) + "****";
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
