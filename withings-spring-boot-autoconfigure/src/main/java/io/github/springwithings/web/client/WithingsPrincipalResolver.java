package io.github.springwithings.web.client;

import io.github.springwithings.api.WithingsRequestAttributes;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;

import org.springframework.http.HttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver;
import org.springframework.security.oauth2.client.web.client.SecurityContextHolderPrincipalResolver;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.util.Assert;

/**
 * Whose token a Withings API call uses: the Withings user id named with
 * {@link WithingsRequestAttributes#userId}, else the principal named with
 * {@link WithingsRequestAttributes#principal}, else the signed-in user. A Withings user id
 * resolves only to the principal whose stored link holds that user id (see
 * {@link #principalNameOf}), as {@link io.github.springwithings.oauth2.client.WithingsAuthorizedClients#authorizeByUserId}
 * does.
 */
public final class WithingsPrincipalResolver implements OAuth2ClientHttpRequestInterceptor.PrincipalResolver {

	private final WithingsAuthorizedClientService authorizedClientService;

	private final OAuth2ClientHttpRequestInterceptor.ClientRegistrationIdResolver clientRegistrationIdResolver;

	private final RequestAttributePrincipalResolver byAttribute = new RequestAttributePrincipalResolver();

	private final SecurityContextHolderPrincipalResolver signedIn = new SecurityContextHolderPrincipalResolver();

	/**
	 * @param authorizedClientService the store of the authorized clients
	 * @param clientRegistrationIdResolver resolves the registration of a request
	 */
	public WithingsPrincipalResolver(WithingsAuthorizedClientService authorizedClientService,
			OAuth2ClientHttpRequestInterceptor.ClientRegistrationIdResolver clientRegistrationIdResolver) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notNull(clientRegistrationIdResolver, "clientRegistrationIdResolver cannot be null");
		this.authorizedClientService = authorizedClientService;
		this.clientRegistrationIdResolver = clientRegistrationIdResolver;
	}

	@Override
	public Authentication resolve(HttpRequest request) {
		Object userId = request.getAttributes().get(WithingsRequestAttributes.USER_ID);
		if (userId != null) {
			String registrationId = this.clientRegistrationIdResolver.resolve(request);
			return new PreAuthenticatedAuthenticationToken(principalNameOf(this.authorizedClientService,
					registrationId, userId.toString(), SecurityContextHolder.getContext().getAuthentication()), "n/a");
		}
		Authentication named = this.byAttribute.resolve(request);
		return (named != null) ? named : this.signedIn.resolve(request);
	}

	/**
	 * The principal whose link holds a Withings user id: the one stored with that user id, and
	 * no other. A principal named like the user id whose stored link has no user id (an
	 * unrecognised re-link, a row written by custom code) is not it: that link may be another
	 * Withings user's.
	 * @param authorizedClientService the store
	 * @param registrationId the registration id
	 * @param userId the Withings user id
	 * @param signedIn the request's user ({@code null} outside a web request)
	 * @return the principal name
	 * @throws ClientAuthorizationException when no link holds that user id (a
	 * {@link org.springframework.security.oauth2.client.ClientAuthorizationRequiredException}
	 * outside a web request or for the signed-in user, see
	 * {@link WithingsAuthorizationFailureHandler#authorizationRequired})
	 */
	public static String principalNameOf(WithingsAuthorizedClientService authorizedClientService,
			String registrationId, String userId, Authentication signedIn) {
		WithingsAuthorizedClient client = authorizedClientService.loadByUserId(registrationId, userId);
		if (client != null) {
			return client.getPrincipalName();
		}
		// no link stored with that Withings user id: a principal named like it may hold another user's
		throw WithingsAuthorizationFailureHandler.authorizationRequired(registrationId, userId, signedIn);
	}

}
