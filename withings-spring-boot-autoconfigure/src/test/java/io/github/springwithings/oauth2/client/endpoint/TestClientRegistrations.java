package io.github.springwithings.oauth2.client.endpoint;

import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;

/**
 * Client registrations pointing at a simulator.
 */
public final class TestClientRegistrations {

	public static final String REDIRECT_URI = "https://app.example.org/login/oauth2/code/withings";

	private TestClientRegistrations() {
	}

	public static ClientRegistration.Builder withings(WithingsSimulator simulator) {
		return withings(simulator.baseUrl());
	}

	/** The registration of a simulator at {@code baseUrl} (for another JVM than the simulator's). */
	public static ClientRegistration.Builder withings(String baseUrl) {
		return ClientRegistration.withRegistrationId("withings")
			.clientId(WithingsSimulator.DEFAULT_CLIENT_ID)
			.clientSecret(WithingsSimulator.DEFAULT_CLIENT_SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(REDIRECT_URI)
			.scope("user.metrics", "user.activity")
			.authorizationUri(baseUrl + "/oauth2_user/authorize2")
			.tokenUri(baseUrl + "/v2/oauth2")
			.userNameAttributeName("userid");
	}

	/** The grant request Spring makes after the consent page redirected back with {@code code}. */
	public static OAuth2AuthorizationCodeGrantRequest codeGrant(ClientRegistration registration, String code) {
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(registration.getProviderDetails().getAuthorizationUri())
			.clientId(registration.getClientId())
			.redirectUri(registration.getRedirectUri())
			.scopes(registration.getScopes())
			.state("state")
			.build();
		OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
			.redirectUri(registration.getRedirectUri())
			.state("state")
			.build();
		return new OAuth2AuthorizationCodeGrantRequest(registration, new OAuth2AuthorizationExchange(request, response));
	}

}
