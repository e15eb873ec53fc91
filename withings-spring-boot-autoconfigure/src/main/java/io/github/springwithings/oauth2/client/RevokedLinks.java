package io.github.springwithings.oauth2.client;

import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * What {@link WithingsAuthorizedClients#disconnect} removes once Withings revoked a user: the
 * principal's link, and the other principals' links of the same Withings user, each compared
 * before it is removed, so that a consent given meanwhile is kept.
 */
final class RevokedLinks {

	/** The facade's category: its DEBUG and WARN lines stay where they were. */
	private static final Log logger = LogFactory.getLog(WithingsAuthorizedClients.class);

	/** Rotations, removals: a link that changes more often than this during a disconnect is left alone. */
	private static final int MAX_REMOVAL_ATTEMPTS = 5;

	/** Other principals' links of a revoked Withings user removed by one disconnect, at most. */
	private static final int MAX_OTHER_LINKS = 100;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final String registrationId;

	RevokedLinks(WithingsAuthorizedClientService authorizedClientService, String registrationId) {
		this.authorizedClientService = authorizedClientService;
		this.registrationId = registrationId;
	}

	/**
	 * Compare before remove, atomically: remove the principal's client only while it holds a
	 * revoked grant (the revoked refresh token, or one of the same Withings user issued before
	 * the revocation started), never a consent stored meanwhile; a change between the read and the
	 * removal (a rotation, a consent) is read again and decided again.
	 * @return the removed client, or {@code null} when none was removed
	 */
	WithingsAuthorizedClient removeRevoked(String principalName, String userId, WithingsAuthorizedClient stored,
			Instant revocationStarted) {
		for (int attempt = 1;; attempt++) {
			WithingsAuthorizedClient now = this.authorizedClientService
				.loadWithingsAuthorizedClient(this.registrationId, principalName);
			if (now == null) {
				logger.debug("Disconnected '" + principalName + "': the link was already removed");
				return null;
			}
			if (!isRevoked(now, stored.getRefreshTokenValue(), userId, revocationStarted)) {
				logger.debug("Disconnecting '" + principalName + "': a new consent was stored meanwhile; it is kept");
				return null;
			}
			if (LinkEvents.withoutLossEvents(() -> this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
					this.registrationId, principalName, now.getRefreshTokenValue()))) {
				return now;
			}
			Assert.state(attempt < MAX_REMOVAL_ATTEMPTS, () -> "The link of '" + principalName
					+ "' keeps changing while it is disconnected; revoked at Withings, but not removed");
		}
	}

	/**
	 * Withings revokes per Withings user: other principals that linked the same Withings account
	 * (a family account, two accounts of one person) hold dead tokens now. Their links are removed
	 * (compare before remove, {@link WithingsUserLostEvent} with
	 * {@link WithingsUserLostEvent.Reason#REFRESH_TOKEN_DEAD}) with a warning, rather than left to
	 * fail at their next refresh; a consent they gave since the revocation started is kept.
	 */
	void removeOtherLinksOfTheRevokedUser(String principalName, String userId, Instant revocationStarted) {
		try {
			for (int attempt = 0; attempt < MAX_OTHER_LINKS; attempt++) {
				WithingsAuthorizedClient other = this.authorizedClientService.loadByUserId(this.registrationId,
						userId);
				if (other == null || other.getPrincipalName().equals(principalName)
						|| !isRevoked(other, null, userId, revocationStarted)) {
					return;
				}
				if (this.authorizedClientService.removeAuthorizedClientIfRefreshToken(this.registrationId,
						other.getPrincipalName(), other.getRefreshTokenValue(),
						WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD)) {
					logger.warn("Disconnecting '" + principalName + "' revoked Withings user " + userId + ", which '"
							+ other.getPrincipalName() + "' had linked too: that link is dead, and removed");
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Disconnecting '" + principalName + "': other links of Withings user " + userId
					+ " could not be removed (" + ex.getClass().getSimpleName() + "); they go at their next refresh");
		}
	}

	/**
	 * {@code client} holds a grant the revocation killed: the revoked refresh token itself, or a
	 * refresh token of the same Withings user issued before the revocation started (a rotation,
	 * or a consent Withings then revoked). A refresh token issued since may be a consent given
	 * after the revocation: alive, kept.
	 */
	private static boolean isRevoked(WithingsAuthorizedClient client, String revokedRefreshToken, String userId,
			Instant revocationStarted) {
		if (client.getRefreshTokenValue() == null) {
			return false;
		}
		if (client.getRefreshTokenValue().equals(revokedRefreshToken)) {
			return true;
		}
		return userId.equals(client.getUserId()) && client.getRefreshTokenIssuedAt() != null
				&& client.getRefreshTokenIssuedAt().isBefore(revocationStarted);
	}

}
