package io.github.springwithings.web.client;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;

import org.springframework.http.HttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver;
import org.springframework.security.oauth2.client.web.client.SecurityContextHolderPrincipalResolver;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.util.Assert;

/**
 * Whose token a Withings API call uses: the Withings user id named with
 * {@link WithingsRequestAttributes#userId}, else the principal named with
 * {@link WithingsRequestAttributes#principal}, else the signed-in user.
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
			WithingsAuthorizedClient client = this.authorizedClientService
				.loadByUserId(this.clientRegistrationIdResolver.resolve(request), userId.toString());
			String principalName = (client != null) ? client.getPrincipalName() : userId.toString();
			return new PreAuthenticatedAuthenticationToken(principalName, "n/a");
		}
		Authentication named = this.byAttribute.resolve(request);
		return (named != null) ? named : this.signedIn.resolve(request);
	}

}
