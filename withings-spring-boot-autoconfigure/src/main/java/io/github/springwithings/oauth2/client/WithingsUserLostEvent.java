package io.github.springwithings.oauth2.client;

import org.springframework.util.Assert;

/**
 * A link was lost without the application asking: Withings declared it dead (a refused refresh
 * token, or a notification that the user unlinked the application) and the stored link was
 * removed (compare before remove: only the link Withings declared dead). The user must give consent
 * again; in a web request the starter sends them there by itself, a background job cannot.
 *
 * @param user the user as stored before the removal
 * @param reason why the link was lost
 */
public record WithingsUserLostEvent(WithingsLinkedUser user, Reason reason) implements WithingsLinkEvent {

	/**
	 * Creates the event.
	 * @param user the user as stored before the removal
	 * @param reason why the link was lost
	 */
	public WithingsUserLostEvent {
		Assert.notNull(user, "user cannot be null");
		Assert.notNull(reason, "reason cannot be null");
	}

	/**
	 * Why a link was lost.
	 */
	public enum Reason {

		/**
		 * Withings refused the refresh token ({@code invalid_grant}): the user revoked the
		 * application at Withings, the token expired after a year, or the chain was broken.
		 */
		REFRESH_TOKEN_DEAD,

		/**
		 * Withings notified that the user unlinked the application or deleted their account
		 * ({@code appli=46} with {@code action=unlink} or {@code delete}): every token of the
		 * user is dead.
		 */
		UNLINKED

	}

}
