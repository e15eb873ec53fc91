package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * The renewals of {@link WithingsAuthorizedClients#renew}, {@link WithingsAuthorizedClients#verify}
 * and {@link WithingsAuthorizedClients#check} (and of their reactive face): whether a refresh is
 * to be made at all (the stored client, compared with the rejected token), the cap of
 * {@value #MAX_RENEWALS} rotations per principal in a window, and what a failed refresh removes
 * (compare before remove).
 */
final class LinkRenewals {

	/** The facade's category: its DEBUG and WARN lines stay where they were. */
	private static final Log logger = LogFactory.getLog(WithingsAuthorizedClients.class);

	private static final int MAX_RENEWALS = 3;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final Clock clock;

	private final RenewalWindows windows = new RenewalWindows(10_000);

	private Duration minRenewalAge = Duration.ofMinutes(1);

	LinkRenewals(WithingsAuthorizedClientService authorizedClientService, Clock clock) {
		this.authorizedClientService = authorizedClientService;
		this.clock = clock;
	}

	/**
	 * The decisions of {@code renew} around its refresh, shared by the blocking and the reactive
	 * face (see {@link WithingsReactiveAuthorizedClients}): the stored client is read (a blocking
	 * store call), compared with the rejected token, and a slot of the renewal cap taken.
	 * @return a renewal already decided (no refresh to make), or one whose refresh the caller makes
	 */
	Renewal start(String registrationId, String principalName, String rejectedAuthorization,
			WithingsUserLostEvent.Reason reason) {
		WithingsAuthorizedClient stored = this.authorizedClientService.loadWithingsAuthorizedClient(registrationId,
				principalName);
		if (stored == null || stored.getRefreshTokenValue() == null) {
			return new Renewal(false);
		}
		OAuth2AuthorizedClient client = stored.getAuthorizedClient();
		String rejected = (rejectedAuthorization != null) ? rejectedAuthorization.replaceFirst("^(?i)bearer ", "") : null;
		if (rejected != null && !rejected.equals(client.getAccessToken().getTokenValue())) {
			return new Renewal(true);
		}
		String key = registrationId + ":" + principalName;
		if (!this.windows.tryAcquire(key, this.clock.instant(), this.minRenewalAge)) {
			// Withings keeps rejecting fresh tokens: more rotations would not help
			return new Renewal(true, true);
		}
		return new Renewal(stored, registrationId, principalName, key, reason);
	}

	/**
	 * One {@code renew}: decided without a refresh, or a refresh of {@link #grantRequest()} whose
	 * outcome the caller reports ({@link #rotated()} or {@link #failed}), then {@link #end()}.
	 */
	final class Renewal {

		private final Boolean decided;

		private final WithingsAuthorizedClient stored;

		private final String registrationId;

		private final String principalName;

		private final String key;

		private final WithingsUserLostEvent.Reason reason;

		/** Decided without asking Withings because the renewal cap (or its bound) is reached. */
		private final boolean capped;

		private volatile boolean rotated;

		private Renewal(boolean decided) {
			this(decided, false);
		}

		private Renewal(boolean decided, boolean capped) {
			this.decided = decided;
			this.capped = capped;
			this.stored = null;
			this.registrationId = null;
			this.principalName = null;
			this.key = null;
			this.reason = null;
		}

		private Renewal(WithingsAuthorizedClient stored, String registrationId, String principalName, String key,
				WithingsUserLostEvent.Reason reason) {
			this.decided = null;
			this.capped = false;
			this.stored = stored;
			this.registrationId = registrationId;
			this.principalName = principalName;
			this.key = key;
			this.reason = reason;
		}

		/** {@return whether it was decided without asking Withings because the renewal cap (or its bound) is reached} */
		boolean capped() {
			return this.capped;
		}

		/** {@return the answer when no refresh is to be made, else {@code null}} */
		Boolean decided() {
			return this.decided;
		}

		/** {@return the refresh to make} */
		OAuth2RefreshTokenGrantRequest grantRequest() {
			return this.stored.refreshGrantRequest();
		}

		/** The refresh rotated the tokens: it counts towards the cap. {@return {@code true}} */
		boolean rotated() {
			this.rotated = true;
			return true;
		}

		/**
		 * The refresh failed: a dead refresh token removes the link (compare before remove, a
		 * blocking store call); any other failure is thrown.
		 * @return {@code false}: the link is gone
		 */
		boolean failed(OAuth2AuthorizationException ex) {
			if (!OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
				throw ex;
			}
			boolean removed = LinkRenewals.this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
					this.registrationId, this.principalName, this.stored.getRefreshTokenValue(), this.reason);
			if (logger.isDebugEnabled()) {
				logger.debug("Withings link of '" + this.principalName + "' "
						+ (removed ? "removed: its refresh token is dead (" : "kept: a newer refresh token is stored (")
						+ ex.getError().getDescription() + ")");
			}
			return false;
		}

		/** The renewal is over: a refresh that did not rotate gives its slot back (only rotations count). */
		void end() {
			if (this.key != null && !this.rotated) {
				LinkRenewals.this.windows.release(this.key);
			}
		}

	}

	void setMinRenewalAge(Duration minRenewalAge) {
		this.minRenewalAge = minRenewalAge;
	}

	void setMaxPrincipals(int maxPrincipals) {
		this.windows.maxPrincipals = maxPrincipals;
	}

	private record Renewals(Instant since, int count) {
	}

	/**
	 * The rotations {@code renew} made per principal in the current window ({@code minRenewalAge}
	 * from the first), at most {@value #MAX_RENEWALS} each (taken before the refresh, given back
	 * when it did not rotate). Bounded without a bypass: only
	 * windows that ended are forgotten (oldest first: insertion order is window order, as a window
	 * that restarts is moved to the end), never a live one to make room; when the bound is
	 * reached with every window live, a principal with none is refused (fails closed) until one
	 * ends. The rate budget keeps real refreshes far below 10,000 a minute.
	 */
	private static final class RenewalWindows {

		private final LinkedHashMap<String, Renewals> windows = new LinkedHashMap<>();

		private volatile int maxPrincipals;

		RenewalWindows(int maxPrincipals) {
			this.maxPrincipals = maxPrincipals;
		}

		synchronized boolean tryAcquire(String key, Instant now, Duration window) {
			Iterator<Renewals> oldest = this.windows.values().iterator();
			while (oldest.hasNext() && !now.isBefore(oldest.next().since().plus(window))) {
				oldest.remove();
			}
			Renewals recent = this.windows.get(key);
			if (recent != null) {
				if (recent.count() >= MAX_RENEWALS) {
					return false;
				}
				this.windows.put(key, new Renewals(recent.since(), recent.count() + 1));
				return true;
			}
			if (this.windows.size() >= this.maxPrincipals) {
				logger.warn("Withings renewals: " + this.windows.size()
						+ " principals renewed within the window; more wait for it to end");
				return false;
			}
			this.windows.put(key, new Renewals(now, 1));
			return true;
		}

		/** Give back what {@link #tryAcquire} took: the attempt did not rotate. */
		synchronized void release(String key) {
			this.windows.computeIfPresent(key,
					(ignored, recent) -> (recent.count() > 1) ? new Renewals(recent.since(), recent.count() - 1) : null);
		}

	}

}
