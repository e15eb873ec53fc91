package io.github.springwithings.oauth2.client;

import io.github.springwithings.oauth2.client.endpoint.WithingsRecoveryClient;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.util.Assert;

/**
 * Re-links a user whose refresh token chain broke, without the user: asks Withings for a new
 * authorization code ({@code recoverauthorizationcode}, contract partners only) and exchanges it.
 * Used by {@link SingleFlightRefreshTokenResponseClient#setRecovery}.
 */
public final class WithingsAuthorizationRecovery {

	private final WithingsRecoveryClient recoveryClient;

	private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCodeClient;

	private String redirectUri;

	/**
	 * @param recoveryClient asks Withings for the code
	 * @param authorizationCodeClient exchanges it
	 */
	public WithingsAuthorizationRecovery(WithingsRecoveryClient recoveryClient,
			OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCodeClient) {
		Assert.notNull(recoveryClient, "recoveryClient cannot be null");
		Assert.notNull(authorizationCodeClient, "authorizationCodeClient cannot be null");
		this.recoveryClient = recoveryClient;
		this.authorizationCodeClient = authorizationCodeClient;
	}

	/**
	 * New tokens for a stored client whose refresh token is dead.
	 * @param stored the client (its Withings user id must be known)
	 * @return the token response of the exchanged code
	 */
	public OAuth2AccessTokenResponse recover(WithingsAuthorizedClient stored) {
		Assert.state(stored.getUserId() != null, "The Withings user id of '" + stored.getPrincipalName() + "' is unknown");
		ClientRegistration registration = stored.getAuthorizedClient().getClientRegistration();
		String code = this.recoveryClient.recoverAuthorizationCode(registration, stored.getUserId());
		String redirectUri = (this.redirectUri != null) ? this.redirectUri : registration.getRedirectUri();
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(registration.getProviderDetails().getAuthorizationUri())
			.clientId(registration.getClientId())
			.redirectUri(redirectUri)
			.scopes(registration.getScopes())
			.state("recovery")
			.build();
		OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
			.redirectUri(redirectUri)
			.state("recovery")
			.build();
		return this.authorizationCodeClient.getTokenResponse(
				new OAuth2AuthorizationCodeGrantRequest(registration, new OAuth2AuthorizationExchange(request, response)));
	}

	/**
	 * Set the redirect URI sent with the exchange (the callback registered at Withings); the
	 * registration's own redirect URI by default, which must then be absolute.
	 * @param redirectUri the redirect URI
	 */
	public void setRedirectUri(String redirectUri) {
		Assert.hasText(redirectUri, "redirectUri cannot be empty");
		this.redirectUri = redirectUri;
	}

}
