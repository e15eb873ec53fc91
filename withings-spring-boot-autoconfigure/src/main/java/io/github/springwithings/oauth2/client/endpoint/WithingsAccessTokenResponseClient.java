package io.github.springwithings.oauth2.client.endpoint;

import java.util.function.Predicate;

import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * An {@link OAuth2AccessTokenResponseClient} that speaks Withings for Withings registrations and
 * hands every other registration to Spring's stock client.
 *
 * <p>For Withings it runs Spring's own {@code RestClient*TokenResponseClient}, configured with
 * {@link WithingsTokenRequestParametersConverter} (request) and
 * {@link WithingsAccessTokenResponseConverter} (response), and restores the meaning of Withings
 * failures that Spring would otherwise report as {@code invalid_token_response}: see
 * {@link WithingsOAuth2Error}. Build one with {@link #authorizationCode} or {@link #refreshToken},
 * or wrap your own configured client with the constructor.
 *
 * @param <T> the grant request
 */
public final class WithingsAccessTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements OAuth2AccessTokenResponseClient<T> {

	private final Predicate<ClientRegistration> withingsRegistrations;

	private final OAuth2AccessTokenResponseClient<T> withingsClient;

	private final OAuth2AccessTokenResponseClient<T> defaultClient;

	/**
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param withingsClient the client for Withings registrations
	 * @param defaultClient the client for every other registration
	 */
	public WithingsAccessTokenResponseClient(Predicate<ClientRegistration> withingsRegistrations,
			OAuth2AccessTokenResponseClient<T> withingsClient, OAuth2AccessTokenResponseClient<T> defaultClient) {
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		Assert.notNull(withingsClient, "withingsClient cannot be null");
		Assert.notNull(defaultClient, "defaultClient cannot be null");
		this.withingsRegistrations = withingsRegistrations;
		this.withingsClient = withingsClient;
		this.defaultClient = defaultClient;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(T grantRequest) {
		Assert.notNull(grantRequest, "grantRequest cannot be null");
		if (!this.withingsRegistrations.test(grantRequest.getClientRegistration())) {
			return this.defaultClient.getTokenResponse(grantRequest);
		}
		try {
			return this.withingsClient.getTokenResponse(grantRequest);
		}
		catch (OAuth2AuthorizationException | WithingsStatusException | WithingsResponseException ex) {
			throw WithingsTokenErrors.translate(ex);
		}
	}

	/**
	 * A client for the authorization code grant (sign-in and linking).
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param clientAuthentication signature or client secret
	 * @param restClientBuilder a builder for the HTTP client (it is cloned, not changed)
	 * @return the client
	 */
	public static WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCode(
			Predicate<ClientRegistration> withingsRegistrations, WithingsClientAuthentication clientAuthentication,
			RestClient.Builder restClientBuilder) {
		RestClientAuthorizationCodeTokenResponseClient client = new RestClientAuthorizationCodeTokenResponseClient();
		configure(client, clientAuthentication, restClientBuilder);
		return new WithingsAccessTokenResponseClient<>(withingsRegistrations, client,
				new RestClientAuthorizationCodeTokenResponseClient());
	}

	/**
	 * A client for the refresh token grant.
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param clientAuthentication signature or client secret
	 * @param restClientBuilder a builder for the HTTP client (it is cloned, not changed)
	 * @return the client
	 */
	public static WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshToken(
			Predicate<ClientRegistration> withingsRegistrations, WithingsClientAuthentication clientAuthentication,
			RestClient.Builder restClientBuilder) {
		RestClientRefreshTokenTokenResponseClient client = new RestClientRefreshTokenTokenResponseClient();
		configure(client, clientAuthentication, restClientBuilder);
		return new WithingsAccessTokenResponseClient<>(withingsRegistrations, client,
				new RestClientRefreshTokenTokenResponseClient());
	}

	private static <G extends AbstractOAuth2AuthorizationGrantRequest> void configure(
			AbstractRestClientOAuth2AccessTokenResponseClient<G> client,
			WithingsClientAuthentication clientAuthentication, RestClient.Builder restClientBuilder) {
		Assert.notNull(clientAuthentication, "clientAuthentication cannot be null");
		Assert.notNull(restClientBuilder, "restClientBuilder cannot be null");
		OAuth2AccessTokenResponseHttpMessageConverter tokenResponseConverter = new OAuth2AccessTokenResponseHttpMessageConverter();
		tokenResponseConverter.setAccessTokenResponseConverter(new WithingsAccessTokenResponseConverter());
		RestClient tokenRestClient = restClientBuilder.clone()
			.configureMessageConverters((converters) -> converters.addCustomConverter(new FormHttpMessageConverter())
				.addCustomConverter(tokenResponseConverter))
			.defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
			.build();
		WithingsNonceClient nonceClient = new WithingsNonceClient(restClientBuilder.clone().build());
		client.setRestClient(tokenRestClient);
		client.addParametersConverter(new WithingsTokenRequestParametersConverter<>(clientAuthentication, nonceClient));
		client.setParametersCustomizer(WithingsTokenRequestParametersConverter.removeClientSecretWhenSigned());
	}

}
