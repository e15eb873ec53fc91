package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

	private final LinkRenewals renewals;

	private final RevokedLinks revokedLinks;

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
		this.renewals = new LinkRenewals(authorizedClientService, this.clock);
		this.revokedLinks = new RevokedLinks(authorizedClientService, defaultRegistrationId);
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

	/** Compare before remove: see {@link RevokedLinks#removeRevoked}. */
	private WithingsAuthorizedClient removeRevoked(String principalName, String userId, WithingsAuthorizedClient stored,
			Instant revocationStarted) {
		return this.revokedLinks.removeRevoked(principalName, userId, stored, revocationStarted);
	}

	/** Other principals of the revoked Withings user: see {@link RevokedLinks#removeOtherLinksOfTheRevokedUser}. */
	private void removeOtherLinksOfTheRevokedUser(String principalName, String userId, Instant revocationStarted) {
		this.revokedLinks.removeOtherLinksOfTheRevokedUser(principalName, userId, revocationStarted);
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
		LinkRenewals.Renewal renewal = startRenewal(registrationId, principalName, null, reason);
		if (renewal.capped()) {
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

	private boolean renew(LinkRenewals.Renewal renewal) {
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
	 * face (see {@link WithingsReactiveAuthorizedClients}): see {@link LinkRenewals#start}.
	 * @return a renewal already decided (no refresh to make), or one whose refresh the caller makes
	 */
	LinkRenewals.Renewal startRenewal(String registrationId, String principalName, String rejectedAuthorization,
			WithingsUserLostEvent.Reason reason) {
		return this.renewals.start(registrationId, principalName, rejectedAuthorization, reason);
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
		this.clock.setTarget(clock);
	}

	/**
	 * Set the window in which {@link #renew} rotates a client at most three times (1 minute by
	 * default): when Withings keeps rejecting fresh tokens, every call does not rotate again.
	 * @param minRenewalAge the age
	 */
	public void setMinRenewalAge(Duration minRenewalAge) {
		Assert.notNull(minRenewalAge, "minRenewalAge cannot be null");
		this.renewals.setMinRenewalAge(minRenewalAge);
	}

	/** Setting the number of principals whose renewals are remembered (10,000 by default), for tests. */
	void setMaxRenewalPrincipals(int maxPrincipals) {
		this.renewals.setMaxPrincipals(maxPrincipals);
	}

}
