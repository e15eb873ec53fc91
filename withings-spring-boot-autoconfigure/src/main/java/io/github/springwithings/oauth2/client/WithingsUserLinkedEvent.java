package io.github.springwithings.oauth2.client;

import java.util.Objects;

import org.springframework.util.Assert;

/**
 * A user gave consent at Withings and the link is stored: a sign-in with Withings (every sign-in
 * is a consent, so a returning user is linked again), a link made through {@code oauth2Client()},
 * or a new consent replacing a dead or older link. When the consent replaced a stored link,
 * {@link #replaced()} is that link: if it belonged to another Withings account
 * ({@link #replacedAnotherAccount()}), that account is no longer linked to the principal.
 *
 * @param user the linked user
 * @param replaced the link the consent replaced, {@code null} when the principal had none
 */
public record WithingsUserLinkedEvent(WithingsLinkedUser user, WithingsLinkedUser replaced) implements WithingsLinkEvent {

	/**
	 * Creates the event.
	 * @param user the linked user
	 * @param replaced the link the consent replaced, {@code null} when the principal had none
	 */
	public WithingsUserLinkedEvent {
		Assert.notNull(user, "user cannot be null");
	}

	/**
	 * A first link: the principal had none.
	 * @param user the linked user
	 */
	public WithingsUserLinkedEvent(WithingsLinkedUser user) {
		this(user, null);
	}

	/**
	 * Whether the consent replaced a link to another Withings account (another user id).
	 * @return whether another account was unlinked from the principal
	 */
	public boolean replacedAnotherAccount() {
		return this.replaced != null && !Objects.equals(this.replaced.userId(), this.user.userId());
	}

}
