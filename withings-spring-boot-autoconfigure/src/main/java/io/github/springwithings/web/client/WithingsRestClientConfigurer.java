package io.github.springwithings.web.client;

import java.time.Duration;
import java.util.function.Consumer;

import io.github.springwithings.api.WithingsRequestAttributes;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.support.Sleeper;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * Adds Withings handling to any {@code RestClient.Builder} (your own clients, or the builders of
 * Spring's HTTP service groups): the {@link WithingsApiResponseInterceptor}, then Spring's
 * {@link OAuth2ClientHttpRequestInterceptor} on the starter's authorized clients, both resolving
 * the registration (request attribute, else the default Withings registration) and the principal
 * ({@link WithingsPrincipalResolver}) the same way. A dead link ({@code invalid_grant} on the
 * refresh of an expired access token, the client gone from the store) is reported as
 * {@link ClientAuthorizationRequiredException}, as a data call Withings answers with 401 is, and as
 * a principal with no stored link is (before any call is made): in a web request Spring then sends
 * the user to Withings' consent and back. Only the signed-in user's own link does that: a missing
 * or dead link of another principal (named with {@link WithingsRequestAttributes}) is reported as
 * a plain {@link ClientAuthorizationException} (see
 * {@link WithingsAuthorizationFailureHandler#authorizationRequired}).
 *
 * <pre class="code">
 * RestClient client = RestClient.builder().baseUrl(apiBaseUri).apply(configurer).build();
 * </pre>
 */
public final class WithingsRestClientConfigurer implements Consumer<RestClient.Builder> {

	private final WithingsApiResponseInterceptor envelopeInterceptor;

	private final OAuth2ClientHttpRequestInterceptor oauth2Interceptor;

	/**
	 * @param authorizedClients what authorizes (and refreshes) the calls' clients
	 * @param authorizedClientService the store of the authorized clients
	 */
	public WithingsRestClientConfigurer(WithingsAuthorizedClients authorizedClients,
			WithingsAuthorizedClientService authorizedClientService) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		RequestAttributeClientRegistrationIdResolver byAttribute = new RequestAttributeClientRegistrationIdResolver();
		OAuth2ClientHttpRequestInterceptor.ClientRegistrationIdResolver registrationIdResolver = (request) -> {
			String registrationId = byAttribute.resolve(request);
			return (registrationId != null) ? registrationId : authorizedClients.getDefaultRegistrationId();
		};
		WithingsPrincipalResolver principalResolver = new WithingsPrincipalResolver(authorizedClientService,
				registrationIdResolver);
		this.envelopeInterceptor = new WithingsApiResponseInterceptor(authorizedClients, registrationIdResolver,
				principalResolver);
		OAuth2AuthorizedClientManager manager = authorizedClients.getAuthorizedClientManager();
		this.oauth2Interceptor = new OAuth2ClientHttpRequestInterceptor((authorizeRequest) -> {
			String principalName = authorizeRequest.getPrincipal().getName();
			Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
			OAuth2AuthorizedClient client;
			try {
				client = manager.authorize(authorizeRequest);
			}
			catch (ClientAuthorizationException ex) {
				throw WithingsAuthorizationFailureHandler.authorizationRequiredIfUnlinked(ex, principalName,
						authorizedClientService, signedIn);
			}
			if (client == null) {
				// no link (an unlink removed it, say): never a call without a token, or with a stale one
				throw WithingsAuthorizationFailureHandler
					.authorizationRequired(authorizeRequest.getClientRegistrationId(), principalName, signedIn);
			}
			return client;
		});
		this.oauth2Interceptor.setClientRegistrationIdResolver(registrationIdResolver);
		this.oauth2Interceptor.setPrincipalResolver(principalResolver);
	}

	@Override
	public void accept(RestClient.Builder builder) {
		builder.requestInterceptor(this.envelopeInterceptor).requestInterceptor(this.oauth2Interceptor);
	}

	/**
	 * Set the longest 601 {@code wait_seconds} waited for before retrying once.
	 * @param maxRateLimitWait the bound
	 */
	public void setMaxRateLimitWait(Duration maxRateLimitWait) {
		this.envelopeInterceptor.setMaxRateLimitWait(maxRateLimitWait);
	}

	/**
	 * Set the rate budget a 601 pauses for every caller of every instance sharing it.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		this.envelopeInterceptor.setRateBudget(rateBudget);
	}

	/**
	 * Set the largest API answer read (16 MiB by default).
	 * @param maxResponseSize the bound, in bytes
	 */
	public void setMaxResponseSize(int maxResponseSize) {
		this.envelopeInterceptor.setMaxResponseSize(maxResponseSize);
	}

	/**
	 * Record {@code withings.api} observations.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.envelopeInterceptor.setObservationRegistry(observationRegistry);
	}

	/**
	 * Set how waiting is done ({@link Thread#sleep} by default).
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
		this.envelopeInterceptor.setSleeper(sleeper);
	}

}
