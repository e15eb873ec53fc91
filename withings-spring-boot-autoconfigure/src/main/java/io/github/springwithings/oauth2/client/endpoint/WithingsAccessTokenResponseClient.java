package io.github.springwithings.oauth2.client.endpoint;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsStatusFamily;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

	/** Name of the observation of token requests. */
	public static final String TOKEN_OBSERVATION = "withings.oauth2.token";

	private static final Log logger = LogFactory.getLog(WithingsAccessTokenResponseClient.class);

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private WithingsNonceClient nonceClient;

	private WithingsRateBudget rateBudget;

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
		ClientRegistration registration = grantRequest.getClientRegistration();
		if (!this.withingsRegistrations.test(registration)) {
			return this.defaultClient.getTokenResponse(grantRequest);
		}
		String grant = grantRequest.getGrantType().getValue();
		Observation observation = Observation.createNotStarted(TOKEN_OBSERVATION, this.observationRegistry)
			.contextualName("withings " + grant)
			.lowCardinalityKeyValue("registration.id", registration.getRegistrationId())
			.lowCardinalityKeyValue("grant", grant)
			.start();
		long started = System.nanoTime();
		try (Observation.Scope scope = observation.openScope()) {
			OAuth2AccessTokenResponse response = getWithingsTokenResponse(grantRequest, registration);
			observation.lowCardinalityKeyValue("outcome", "success")
				.lowCardinalityKeyValue("error", "none")
				.lowCardinalityKeyValue("withings.status.family", "OK");
			if (logger.isDebugEnabled()) {
				logger.debug("Withings " + grant + " for registration '" + registration.getRegistrationId()
						+ "' succeeded (userid " + response.getAdditionalParameters().get("userid") + ") in "
						+ millis(started) + " ms");
			}
			return response;
		}
		catch (OAuth2AuthorizationException | WithingsApiException ex) {
			if (WithingsTokenErrors.isHeldBack(ex)) {
				// the client-side rate budget gave no permit: nothing was sent, the caller sees it as is
				throw ex;
			}
			OAuth2AuthorizationException translated = WithingsTokenErrors.translate(ex);
			if (this.rateBudget != null && translated.getError() instanceof WithingsOAuth2Error error
					&& error.getStatus() == 601) {
				// every caller of every instance waits, not only this one
				this.rateBudget.onTooManyRequests(Duration.ofSeconds((error.getWaitSeconds() != null)
						? error.getWaitSeconds() : 10), error.getDescription());
			}
			observation.lowCardinalityKeyValue("outcome", "failure")
				.lowCardinalityKeyValue("error", translated.getError().getErrorCode())
				.lowCardinalityKeyValue("withings.status.family",
						(translated.getError() instanceof WithingsOAuth2Error error)
								? WithingsStatusFamily.of(error.getStatus()).name() : "NONE");
			observation.error(translated);
			WithingsTokenErrors.warnIfRequestRefused(translated, grant, registration.getRegistrationId());
			if (logger.isDebugEnabled()) {
				logger.debug("Withings " + grant + " for registration '" + registration.getRegistrationId()
						+ "' failed in " + millis(started) + " ms: " + translated.getError());
			}
			throw translated;
		}
		finally {
			// the restoring interceptor forgets the secrets, unless an outer one failed first
			RedactedFormParameters.clear();
			observation.stop();
		}
	}

	/**
	 * The token request; once more with a nonce fetched now when Withings refused a prefetched
	 * one (it refuses before it looks at the code or refresh token, which stay valid).
	 */
	private OAuth2AccessTokenResponse getWithingsTokenResponse(T grantRequest, ClientRegistration registration) {
		try {
			return this.withingsClient.getTokenResponse(grantRequest);
		}
		catch (OAuth2AuthorizationException | WithingsApiException ex) {
			WithingsNoncePrefetcher prefetcher = (this.nonceClient != null) ? this.nonceClient.getPrefetcher() : null;
			if (prefetcher == null || !isNonceRefused(WithingsTokenErrors.translate(ex))) {
				throw ex;
			}
			logger.debug("Withings refused the nonce of a " + grantRequest.getGrantType().getValue()
					+ " request for registration '" + registration.getRegistrationId() + "'; once more with a new one");
			prefetcher.discard(registration);
			RedactedFormParameters.clear();
			return this.withingsClient.getTokenResponse(grantRequest);
		}
	}

	private static boolean isNonceRefused(OAuth2AuthorizationException ex) {
		return ex.getError() instanceof WithingsOAuth2Error error && error.getDescription() != null
				&& error.getDescription().toLowerCase(Locale.ROOT).contains("nonce");
	}

	/**
	 * Take the nonces of signed requests from a prefetcher (signature mode), so that a refresh or
	 * code exchange costs one call to Withings; a nonce Withings refuses is replaced and the
	 * request sent once more.
	 * @param prefetcher the prefetcher
	 */
	public void setNoncePrefetcher(WithingsNoncePrefetcher prefetcher) {
		Assert.state(this.nonceClient != null, "only the clients built by authorizationCode() and refreshToken() "
				+ "take nonces from a prefetcher");
		this.nonceClient.setPrefetcher(prefetcher);
	}

	private static long millis(long started) {
		return (System.nanoTime() - started) / 1_000_000;
	}

	/**
	 * Record {@value #TOKEN_OBSERVATION} observations (tags {@code registration.id}, {@code grant},
	 * {@code outcome}, {@code error}, {@code withings.status.family}) and, for the nonces of the
	 * factory-built clients, {@value WithingsNonceClient#NONCE_OBSERVATION}.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry = observationRegistry;
		if (this.nonceClient != null) {
			this.nonceClient.setObservationRegistry(observationRegistry);
		}
	}

	/**
	 * Set the rate budget a 601 pauses, for every caller of every instance sharing it.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		this.rateBudget = rateBudget;
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
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> withings = new WithingsAccessTokenResponseClient<>(
				withingsRegistrations, client, new RestClientAuthorizationCodeTokenResponseClient());
		withings.nonceClient = configure(client, clientAuthentication, restClientBuilder);
		return withings;
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
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withings = new WithingsAccessTokenResponseClient<>(
				withingsRegistrations, client, new RestClientRefreshTokenTokenResponseClient());
		withings.nonceClient = configure(client, clientAuthentication, restClientBuilder);
		return withings;
	}

	private static <G extends AbstractOAuth2AuthorizationGrantRequest> WithingsNonceClient configure(
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
			.requestInterceptor(RedactedFormParameters.restoring())
			.requestInterceptor(BoundedResponses.interceptor())
			.build();
		WithingsNonceClient nonceClient = new WithingsNonceClient(restClientBuilder.clone().build());
		client.setRestClient(tokenRestClient);
		client.addParametersConverter(new WithingsTokenRequestParametersConverter<>(clientAuthentication, nonceClient));
		client.setParametersCustomizer(WithingsTokenRequestParametersConverter.removeClientSecretWhenSigned()
			.andThen(RedactedFormParameters::redact));
		return nonceClient;
	}

}
