package io.github.springwithings.oauth2.client;

import org.springframework.util.Assert;

/**
 * The application disconnected a user ({@code WithingsAuthorizedClients.disconnect}): access
 * revoked at Withings and the link removed.
 *
 * @param user the user as stored before the removal
 */
public record WithingsUserDisconnectedEvent(WithingsLinkedUser user) implements WithingsLinkEvent {

	/**
	 * Creates the event.
	 * @param user the user as stored before the removal
	 */
	public WithingsUserDisconnectedEvent {
		Assert.notNull(user, "user cannot be null");
	}

}
