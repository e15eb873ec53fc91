package io.github.springwithings.oauth2.client;

import org.springframework.util.Assert;

/**
 * A user's tokens were refreshed and the rotated pair is stored: Withings issued a new access
 * token and a new refresh token, and the store committed them before anyone used the new access
 * token. Published once per rotation, by whichever instance made it, for refreshes on every path
 * (a web request, a job, a notification, the keep-alive sweep). {@link WithingsLinkedUser#refreshTokenIssuedAt()}
 * is when the new refresh token was issued.
 *
 * @param user the user, as stored after the rotation
 */
public record WithingsUserRefreshedEvent(WithingsLinkedUser user) implements WithingsLinkEvent {

	/**
	 * Creates the event.
	 * @param user the user, as stored after the rotation
	 */
	public WithingsUserRefreshedEvent {
		Assert.notNull(user, "user cannot be null");
	}

}
