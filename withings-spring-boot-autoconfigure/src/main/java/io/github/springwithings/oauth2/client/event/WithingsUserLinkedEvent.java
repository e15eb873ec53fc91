package io.github.springwithings.oauth2.client.event;

import io.github.springwithings.oauth2.client.WithingsLinkedUser;

import org.springframework.util.Assert;

/**
 * A user gave consent at Withings and the link is stored: a sign-in with Withings, a link made
 * through {@code oauth2Client()}, or a new consent replacing a dead or older link.
 *
 * @param user the linked user
 */
public record WithingsUserLinkedEvent(WithingsLinkedUser user) implements WithingsLinkEvent {

	public WithingsUserLinkedEvent {
		Assert.notNull(user, "user cannot be null");
	}

}
