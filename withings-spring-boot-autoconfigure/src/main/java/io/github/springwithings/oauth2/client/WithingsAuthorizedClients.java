package io.github.springwithings.oauth2.client;

import java.time.Clock;

import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsStatusException;

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
public final class WithingsAuthorizedClients {

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient;

	private final WithingsRevocationClient revocationClient;

	private final String defaultRegistrationId;

	private AuthorizedClientServiceOAuth2AuthorizedClientManager manager;

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
		setClock(Clock.systemUTC());
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
	 * Revoke a principal's access at Withings and remove its stored client. Idempotent: a principal
	 * with no link, or one Withings no longer knows, is simply removed.
	 * @param principalName the principal name
	 * @return whether a link was removed
	 */
	public boolean disconnect(String principalName) {
		WithingsAuthorizedClient stored = this.authorizedClientService
			.loadWithingsAuthorizedClient(this.defaultRegistrationId, principalName);
		if (stored == null) {
			return false;
		}
		String userId = (stored.getUserId() != null) ? stored.getUserId() : principalName;
		ClientRegistration registration = this.clientRegistrationRepository.findByRegistrationId(this.defaultRegistrationId);
		try {
			this.revocationClient.revoke(registration, userId);
		}
		catch (WithingsStatusException ex) {
			// already revoked or unknown at Withings: nothing left to revoke there
		}
		this.authorizedClientService.removeAuthorizedClient(this.defaultRegistrationId, principalName);
		return true;
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
		WithingsAuthorizedClient stored = this.authorizedClientService.loadWithingsAuthorizedClient(registrationId,
				principalName);
		if (stored == null || stored.getRefreshTokenValue() == null) {
			return false;
		}
		OAuth2AuthorizedClient client = stored.getAuthorizedClient();
		String rejected = (rejectedAuthorization != null) ? rejectedAuthorization.replaceFirst("^(?i)bearer ", "") : null;
		if (rejected != null && !rejected.equals(client.getAccessToken().getTokenValue())) {
			return true;
		}
		try {
			this.refreshTokenResponseClient.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
					client.getClientRegistration(), client.getAccessToken(), client.getRefreshToken()));
			return true;
		}
		catch (OAuth2AuthorizationException ex) {
			if (!OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
				throw ex;
			}
			this.authorizedClientService.removeAuthorizedClientIfRefreshToken(registrationId, principalName,
					stored.getRefreshTokenValue());
			return false;
		}
	}

	/** The Withings registration used when none is named. */
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
	 * Set the clock that decides when an access token has expired.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
				this.clientRegistrationRepository, this.authorizedClientService);
		manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
			.refreshToken((refresh) -> refresh.accessTokenResponseClient(this.refreshTokenResponseClient).clock(clock))
			.build());
		manager.setAuthorizationFailureHandler(new WithingsAuthorizationFailureHandler(this.authorizedClientService));
		this.manager = manager;
	}

}
