package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashMap;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;

import io.github.springwithings.oauth2.client.WithingsUserLostEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * Withings authorized clients outside a web request: for {@code @Scheduled} jobs and notification
 * handlers. {@link #authorize(String)} returns a client with a valid access token (refreshing it
 * with the same single-flight, persist-before-use guarantees as in web requests), found by
 * principal name or by Withings user id; {@link #disconnect(String)} revokes a user at Withings
 * and forgets it.
 *
 * <pre class="code">
 * OAuth2AuthorizedClient client = withingsAuthorizedClients.authorizeByUserId(notification.userId());
 * if (client == null) {
 *     return; // not linked (any more)
 * }
 * </pre>
 */
public final class WithingsAuthorizedClients implements ApplicationEventPublisherAware {

	private static final Log logger = LogFactory.getLog(WithingsAuthorizedClients.class);

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient;

	private final WithingsRevocationClient revocationClient;

	private final String defaultRegistrationId;

	private final ForwardingClock clock = new ForwardingClock();

	private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;

	private final WithingsAuthorizationFailureHandler failureHandler;

	private final LinkEvents events = new LinkEvents();

	private Duration minRenewalAge = Duration.ofMinutes(1);

	private static final int MAX_RENEWALS = 3;

	/** Rotations, removals: a link that changes more often than this during a disconnect is left alone. */
	private static final int MAX_REMOVAL_ATTEMPTS = 5;

	/** Other principals' links of a revoked Withings user removed by one disconnect, at most. */
	private static final int MAX_OTHER_LINKS = 100;

	private final RenewalWindows renewals = new RenewalWindows(10_000);

	/**
	 * @param clientRegistrationRepository the registrations
	 * @param authorizedClientService the store
	 * @param refreshTokenResponseClient the refresh client (e.g. {@link SingleFlightRefreshTokenResponseClient})
	 * @param revocationClient revokes users at Withings
	 * @param defaultRegistrationId the Withings registration used when none is named
	 */
	public WithingsAuthorizedClients(ClientRegistrationRepository clientRegistrationRepository,
			WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsRevocationClient revocationClient, String defaultRegistrationId) {
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notNull(refreshTokenResponseClient, "refreshTokenResponseClient cannot be null");
		Assert.notNull(revocationClient, "revocationClient cannot be null");
		Assert.hasText(defaultRegistrationId, "defaultRegistrationId cannot be empty");
		this.clientRegistrationRepository = clientRegistrationRepository;
		this.authorizedClientService = authorizedClientService;
		this.refreshTokenResponseClient = refreshTokenResponseClient;
		this.revocationClient = revocationClient;
		this.defaultRegistrationId = defaultRegistrationId;
		this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(clientRegistrationRepository,
				authorizedClientService);
		this.manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
			.refreshToken((refresh) -> refresh.accessTokenResponseClient(refreshTokenResponseClient).clock(this.clock))
			.build());
		this.failureHandler = new WithingsAuthorizationFailureHandler(authorizedClientService);
		this.manager.setAuthorizationFailureHandler(this.failureHandler);
	}

	/**
	 * A client with a valid access token for a principal of the default registration.
	 * @param principalName the principal name (the Withings user id for users who signed in with Withings)
	 * @return the client, or {@code null} when that principal has no Withings link
	 */
	public OAuth2AuthorizedClient authorize(String principalName) {
		return authorize(this.defaultRegistrationId, principalName);
	}

	/**
	 * A client with a valid access token.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @return the client, or {@code null} when that principal has no link
	 */
	public OAuth2AuthorizedClient authorize(String registrationId, String principalName) {
		Assert.hasText(principalName, "principalName cannot be empty");
		return this.manager.authorize(
				OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(principalName).build());
	}

	/**
	 * A client with a valid access token for a Withings user of the default registration.
	 * @param userId the Withings user id (as in notifications)
	 * @return the client, or {@code null} when that user has no link
	 */
	public OAuth2AuthorizedClient authorizeByUserId(String userId) {
		WithingsAuthorizedClient stored = this.authorizedClientService.loadByUserId(this.defaultRegistrationId, userId);
		return (stored != null) ? authorize(this.defaultRegistrationId, stored.getPrincipalName()) : null;
	}

	/**
	 * Revoke a principal's access at Withings (signed {@code action=revoke} with the stored
	 * Withings user id) and remove its stored client. Idempotent: a principal with no link is
	 * left alone, one that Withings no longer knows ({@code invalid userid}) is simply removed.
	 * @param principalName the principal name
	 * @return whether a link was removed (not when it was removed meanwhile, nor when a new
	 * consent replaced it during the revocation: that one is kept)
	 * @throws WithingsApiException when Withings refused the revocation for another reason
	 * (throttled, wrong credentials, ...): the link is kept, so that it can be revoked later
	 * @throws IllegalStateException when the stored client has no Withings user id: it cannot be
	 * revoked at Withings (the link is kept; {@code removeAuthorizedClient} forgets it without
	 * revoking)
	 */
	public boolean disconnect(String principalName) {
		WithingsAuthorizedClient stored = this.authorizedClientService
			.loadWithingsAuthorizedClient(this.defaultRegistrationId, principalName);
		if (stored == null) {
			return false;
		}
		String userId = stored.getUserId();
		Assert.state(userId != null, () -> "The Withings user id of '" + principalName
				+ "' is unknown, so it cannot be revoked at Withings; the link is kept");
		ClientRegistration registration = this.clientRegistrationRepository.findByRegistrationId(this.defaultRegistrationId);
		// every token of that Withings user issued before this instant is dead once Withings revoked it
		Instant revocationStarted = this.clock.instant();
		try {
			this.revocationClient.revoke(registration, userId);
			logger.debug("Disconnecting '" + principalName + "': Withings revoked the access of user " + userId);
		}
		catch (WithingsApiException ex) {
			if (!isUnknownUser(ex)) {
				// Withings' own refusals, not a broken answer nor a request the client-side budget held back
				if (ex.getStatus() != null && !(ex instanceof WithingsRateLimitException limit && !limit.isAnswered())) {
					logger.warn("Withings refused to revoke '" + principalName + "' (" + ex.getMessage() + "); the link is kept");
				}
				throw ex;
			}
			logger.debug("Disconnecting '" + principalName + "': Withings no longer knows user " + userId
					+ " (" + ex.getMessage() + ")");
		}
		WithingsAuthorizedClient removed = removeRevoked(principalName, userId, stored, revocationStarted);
		removeOtherLinksOfTheRevokedUser(principalName, userId, revocationStarted);
		if (removed == null) {
			return false;
		}
		logger.debug("Disconnected '" + principalName + "': link removed");
		this.events.publish(new WithingsUserDisconnectedEvent(WithingsLinkedUser.of(removed)));
		return true;
	}

	/**
	 * Compare before remove, atomically: remove the principal's client only while it holds a
	 * revoked grant (the revoked refresh token, or one of the same Withings user issued before
	 * the revocation started), never a consent stored meanwhile; a change between the read and the
	 * removal (a rotation, a consent) is read again and decided again.
	 * @return the removed client, or {@code null} when none was removed
	 */
	private WithingsAuthorizedClient removeRevoked(String principalName, String userId, WithingsAuthorizedClient stored,
			Instant revocationStarted) {
		for (int attempt = 1;; attempt++) {
			WithingsAuthorizedClient now = this.authorizedClientService
				.loadWithingsAuthorizedClient(this.defaultRegistrationId, principalName);
			if (now == null) {
				logger.debug("Disconnected '" + principalName + "': the link was already removed");
				return null;
			}
			if (!isRevoked(now, stored.getRefreshTokenValue(), userId, revocationStarted)) {
				logger.debug("Disconnecting '" + principalName + "': a new consent was stored meanwhile; it is kept");
				return null;
			}
			if (LinkEvents.withoutLossEvents(() -> this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
					this.defaultRegistrationId, principalName, now.getRefreshTokenValue()))) {
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
	private void removeOtherLinksOfTheRevokedUser(String principalName, String userId, Instant revocationStarted) {
		try {
			for (int attempt = 0; attempt < MAX_OTHER_LINKS; attempt++) {
				WithingsAuthorizedClient other = this.authorizedClientService.loadByUserId(this.defaultRegistrationId,
						userId);
				if (other == null || other.getPrincipalName().equals(principalName)
						|| !isRevoked(other, null, userId, revocationStarted)) {
					return;
				}
				if (this.authorizedClientService.removeAuthorizedClientIfRefreshToken(this.defaultRegistrationId,
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

	/** Withings' answer to revoking a user it has no grant for: nothing left to revoke there. */
	private static boolean isUnknownUser(WithingsApiException ex) {
		return Integer.valueOf(503).equals(ex.getStatus()) && ex.getError() != null
				&& ex.getError().toLowerCase().contains("invalid userid");
	}

	/**
	 * Renew an access token that Withings rejected (data API status 401) although it looked valid:
	 * refresh it now through the single-flight refresh client, unless another caller already did.
	 * A dead refresh token removes the link (compare before remove).
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @param rejectedAuthorization the rejected access token, or the {@code Authorization} header
	 * that carried it ({@code Bearer ...}); may be {@code null}
	 * @return whether a valid access token is now stored; {@code false} when the link is gone
	 */
	public boolean renew(String registrationId, String principalName, String rejectedAuthorization) {
		return renew(registrationId, principalName, rejectedAuthorization, WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD);
	}

	/**
	 * Ask Withings whether a link still works, as after an unlink notification, which may be a
	 * late one or a retry from before the user linked again: refresh it now through the
	 * single-flight refresh client; only when Withings refuses the refresh token is the link
	 * removed (compare before remove), with {@code reason}. A failure that proves nothing (Withings
	 * unreachable, 601) is thrown and removes nothing.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @param reason why the link is lost when it is
	 * @return whether the link still works; {@code false} when it is gone
	 */
	public boolean verify(String registrationId, String principalName, WithingsUserLostEvent.Reason reason) {
		Assert.notNull(reason, "reason cannot be null");
		return renew(registrationId, principalName, null, reason);
	}

	/**
	 * As {@link #verify}, but telling when Withings could not be asked: the principal's renewals
	 * in the window (see {@link #setMinRenewalAge}), or their bound, are spent. An unlink
	 * notification must then not be taken as late: it is answered so that Withings retries it.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @param reason why the link is lost when it is
	 * @return {@link LinkCheck#WORKS} or {@link LinkCheck#GONE} as Withings said, or
	 * {@link LinkCheck#UNKNOWN} when it was not asked
	 */
	public LinkCheck check(String registrationId, String principalName, WithingsUserLostEvent.Reason reason) {
		Assert.notNull(reason, "reason cannot be null");
		Renewal renewal = startRenewal(registrationId, principalName, null, reason);
		if (renewal.capped) {
			return LinkCheck.UNKNOWN;
		}
		return renew(renewal) ? LinkCheck.WORKS : LinkCheck.GONE;
	}

	/**
	 * What {@link #check} found out about a link.
	 */
	public enum LinkCheck {

		/** Withings refreshed the link: it still works. */
		WORKS,

		/** The link is gone (Withings refused its refresh token, or none is stored). */
		GONE,

		/** Withings was not asked: the principal's renewals in the window are spent. */
		UNKNOWN

	}

	private boolean renew(String registrationId, String principalName, String rejectedAuthorization,
			WithingsUserLostEvent.Reason reason) {
		return renew(startRenewal(registrationId, principalName, rejectedAuthorization, reason));
	}

	private boolean renew(Renewal renewal) {
		if (renewal.decided() != null) {
			return renewal.decided();
		}
		try {
			this.refreshTokenResponseClient.getTokenResponse(renewal.grantRequest());
			return renewal.rotated();
		}
		catch (OAuth2AuthorizationException ex) {
			return renewal.failed(ex);
		}
		finally {
			renewal.end();
		}
	}

	/**
	 * The decisions of {@link #renew} around its refresh, shared by the blocking and the reactive
	 * face (see {@link WithingsReactiveAuthorizedClients}): the stored client is read (a blocking
	 * store call), compared with the rejected token, and a slot of the renewal cap taken.
	 * @return a renewal already decided (no refresh to make), or one whose refresh the caller makes
	 */
	Renewal startRenewal(String registrationId, String principalName, String rejectedAuthorization,
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
		if (!this.renewals.tryAcquire(key, this.clock.instant(), this.minRenewalAge)) {
			// Withings keeps rejecting fresh tokens: more rotations would not help
			return new Renewal(true, true);
		}
		return new Renewal(stored, registrationId, principalName, key, reason);
	}

	/**
	 * One {@link #renew}: decided without a refresh, or a refresh of {@link #grantRequest()} whose
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
			boolean removed = WithingsAuthorizedClients.this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
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
				WithingsAuthorizedClients.this.renewals.release(this.key);
			}
		}

	}

	/** The registrations, for the reactive face. */
	ClientRegistrationRepository clientRegistrationRepository() {
		return this.clientRegistrationRepository;
	}

	/** The store, for the reactive face. */
	WithingsAuthorizedClientService authorizedClientService() {
		return this.authorizedClientService;
	}

	/** The refresh client, for the reactive face. */
	OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient() {
		return this.refreshTokenResponseClient;
	}

	/** The failure handler of the manager, for the reactive face. */
	WithingsAuthorizationFailureHandler failureHandler() {
		return this.failureHandler;
	}

	/** The clock that decides when an access token has expired ({@link #setClock} changes it later too). */
	Clock clock() {
		return this.clock;
	}

	/** {@return the Withings registration used when none is named} */
	public String getDefaultRegistrationId() {
		return this.defaultRegistrationId;
	}

	/**
	 * The manager behind {@link #authorize}: for Spring's {@code OAuth2ClientHttpRequestInterceptor}
	 * or exchange filter functions that must work outside web requests too. Not a bean, so that
	 * Spring still builds its own manager for web requests.
	 * @return the manager
	 */
	public OAuth2AuthorizedClientManager getAuthorizedClientManager() {
		return this.manager;
	}

	/**
	 * Set where {@link WithingsUserDisconnectedEvent} is published (set by the application context
	 * when this is a bean).
	 * @param publisher the publisher
	 */
	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.events.setPublisher(publisher);
	}

	/**
	 * Set the clock that decides when an access token has expired.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock.target = clock;
	}

	/**
	 * Set the window in which {@link #renew} rotates a client at most three times (1 minute by
	 * default): when Withings keeps rejecting fresh tokens, every call does not rotate again.
	 * @param minRenewalAge the age
	 */
	public void setMinRenewalAge(Duration minRenewalAge) {
		Assert.notNull(minRenewalAge, "minRenewalAge cannot be null");
		this.minRenewalAge = minRenewalAge;
	}

	/** Setting the number of principals whose renewals are remembered (10,000 by default), for tests. */
	void setMaxRenewalPrincipals(int maxPrincipals) {
		this.renewals.maxPrincipals = maxPrincipals;
	}

	private record Renewals(Instant since, int count) {
	}

	/**
	 * The rotations {@link #renew} made per principal in the current window ({@code minRenewalAge}
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

	/** A clock whose target can change after the manager captured it. */
	private static final class ForwardingClock extends Clock {

		private volatile Clock target = Clock.systemUTC();

		@Override
		public ZoneId getZone() {
			return this.target.getZone();
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this.target.withZone(zone);
		}

		@Override
		public Instant instant() {
			return this.target.instant();
		}

	}

}
