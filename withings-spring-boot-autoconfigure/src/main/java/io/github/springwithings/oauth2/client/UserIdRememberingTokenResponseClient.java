package io.github.springwithings.oauth2.client;

import java.util.function.Predicate;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * Tells the store about each code exchange: the client Spring saves right after is a fresh
 * consent, which replaces whatever the store holds (even while a refresh of the old chain is in
 * flight), and is stored with the Withings user id behind it (Spring's client cannot carry the
 * {@code userid}). This is what lets a user linked with {@code oauth2Client()} be found by
 * Withings user id, and what lets a re-link to another Withings account be stored with that
 * account's user id. A code-exchange client set in the security DSL must be one of these (the
 * starter's bean is, or build one with {@link #authorizationCode}): with a bare client, the store
 * cannot tell a consent from any other save, and stores its tokens without a user id.
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

	/**
	 * The Withings code-exchange client, wrapped so that the store recognises each consent: for a
	 * token client set in the security DSL,
	 * {@code tokenEndpoint((t) -> t.accessTokenResponseClient(UserIdRememberingTokenResponseClient.authorizationCode(...)))}.
	 * (Injecting the starter's {@code OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest>}
	 * bean instead also keeps its rate budget, nonce prefetch and {@code withings.http} timeouts.)
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param clientAuthentication how the client authenticates
	 * @param restClientBuilder the builder of the client that calls Withings
	 * @param authorizedClientService the store told of each consent
	 * @return the wrapped client
	 */
	public static UserIdRememberingTokenResponseClient authorizationCode(
			Predicate<ClientRegistration> withingsRegistrations, WithingsClientAuthentication clientAuthentication,
			RestClient.Builder restClientBuilder, WithingsAuthorizedClientService authorizedClientService) {
		return new UserIdRememberingTokenResponseClient(WithingsAccessTokenResponseClient
			.authorizationCode(withingsRegistrations, clientAuthentication, restClientBuilder), authorizedClientService);
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
