package io.github.springwithings.oauth2.client;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * Tells the store about each code exchange: the client Spring saves right after is a fresh
 * consent, which replaces whatever the store holds (even while a refresh of the old chain is in
 * flight), and is stored with the Withings user id behind it (Spring's client cannot carry the
 * {@code userid}). This is what lets a user linked with {@code oauth2Client()} be found by
 * Withings user id.
 */
public final class UserIdRememberingTokenResponseClient
		implements OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> {

	private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> delegate;

	private final WithingsAuthorizedClientService authorizedClientService;

	/**
	 * @param delegate the client that exchanges the code
	 * @param authorizedClientService where the Withings user id is kept
	 */
	public UserIdRememberingTokenResponseClient(OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> delegate,
			WithingsAuthorizedClientService authorizedClientService) {
		Assert.notNull(delegate, "delegate cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		this.delegate = delegate;
		this.authorizedClientService = authorizedClientService;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(OAuth2AuthorizationCodeGrantRequest grantRequest) {
		OAuth2AccessTokenResponse response = this.delegate.getTokenResponse(grantRequest);
		Object userId = response.getAdditionalParameters().get(WithingsAccessTokenResponseConverter.USER_ID);
		this.authorizedClientService.rememberUserId(response.getAccessToken().getTokenValue(),
				(userId != null) ? userId.toString() : null);
		return response;
	}

}
