package io.github.springwithings.testsupport;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Links a user in a running application as Spring's login filter would: a consent at the
 * simulator, the code exchanged by the application's own token client, the link saved in its
 * store under the Withings user id (so the store's link events and subscribe-on-link run).
 */
public final class ContextLinks {

	private ContextLinks() {
	}

	/**
	 * Links {@code userId} with the scopes {@code user.metrics,user.activity}.
	 * @param simulator the simulator the application talks to
	 * @param context the application
	 * @param userId the Withings user id, also the principal name
	 * @return {@code userId}
	 */
	@SuppressWarnings("unchecked")
	public static String link(WithingsSimulator simulator, ApplicationContext context, String userId) {
		simulator.setConsentingUserId(userId);
		ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
			.findByRegistrationId("withings");
		String code = simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				"user.metrics,user.activity");
		OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient = (OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest>) context
			.getBeanProvider(ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
					OAuth2AuthorizationCodeGrantRequest.class))
			.getObject();
		OAuth2AccessTokenResponse response = codeClient
			.getTokenResponse(TestClientRegistrations.codeGrant(registration, code));
		context.getBean(WithingsAuthorizedClientService.class)
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, userId, response.getAccessToken(),
					response.getRefreshToken()), new TestingAuthenticationToken(userId, null));
		return userId;
	}

}
