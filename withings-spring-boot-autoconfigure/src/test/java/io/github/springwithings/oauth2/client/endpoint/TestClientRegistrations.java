package io.github.springwithings.oauth2.client.endpoint;

import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Client registrations pointing at a simulator.
 */
public final class TestClientRegistrations {

	public static final String REDIRECT_URI = "https://app.example.org/login/oauth2/code/withings";

	private TestClientRegistrations() {
	}

	public static ClientRegistration.Builder withings(WithingsSimulator simulator) {
		return ClientRegistration.withRegistrationId("withings")
			.clientId(WithingsSimulator.DEFAULT_CLIENT_ID)
			.clientSecret(WithingsSimulator.DEFAULT_CLIENT_SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(REDIRECT_URI)
			.scope("user.metrics", "user.activity")
			.authorizationUri(simulator.baseUrl() + "/oauth2_user/authorize2")
			.tokenUri(simulator.baseUrl() + "/v2/oauth2")
			.userNameAttributeName("userid");
	}

}
