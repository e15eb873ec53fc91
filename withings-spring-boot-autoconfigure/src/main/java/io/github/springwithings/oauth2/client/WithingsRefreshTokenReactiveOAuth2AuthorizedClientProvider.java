package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.RefreshTokenReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;

/**
 * The refresh of Withings clients, for a {@code ReactiveOAuth2AuthorizedClientManager} of your
 * own: Spring's {@link RefreshTokenReactiveOAuth2AuthorizedClientProvider} with the Withings
 * reactive refresh client (the starter's
 * {@code ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest>} bean, a
 * {@link WithingsReactiveTokenResponseClientAdapter} over the
 * {@link SingleFlightRefreshTokenResponseClient}, which waits without a thread) and the single
 * flight's clock skew (60 s). It answers for the Withings registrations only, and completes empty
 * for the others, which Spring's own refresh provider placed after it handles with Spring's own
 * client.
 *
 * <pre class="code">
 * ReactiveOAuth2AuthorizedClientProvider provider = ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
 *     .provider(new WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider(withingsReactiveRefreshClient, withingsClientRegistrations))
 *     .authorizationCode()
 *     .refreshToken() // other providers' registrations
 *     .clientCredentials()
 *     .build();
 * manager.setAuthorizedClientProvider(provider);
 * manager.setAuthorizationFailureHandler(withingsReactiveAuthorizationFailureHandler);
 * </pre>
 *
 * Place it before {@code refreshToken()}: Spring's delegating provider asks its providers in
 * order. The failure handler belongs to the manager, not to a provider: set the starter's
 * {@link WithingsReactiveAuthorizationFailureHandler} bean on it (compare before remove, consent
 * on a dead link). The manager Spring builds by itself needs neither: the starter's refresh
 * client and failure handler are wired into it already.
 *
 * @see WithingsRefreshTokenOAuth2AuthorizedClientProvider
 */
public final class WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider
		implements ReactiveOAuth2AuthorizedClientProvider {

	private final RefreshTokenReactiveOAuth2AuthorizedClientProvider refreshToken = new RefreshTokenReactiveOAuth2AuthorizedClientProvider();

	private final Predicate<ClientRegistration> withingsRegistrations;

	/**
	 * @param accessTokenResponseClient the Withings reactive refresh client (the starter's bean,
	 * or a {@link WithingsReactiveTokenResponseClientAdapter} of your own over a
	 * {@link SingleFlightRefreshTokenResponseClient})
	 * @param withingsRegistrations which registrations are Withings ones (e.g. the starter's
	 * {@code WithingsClientRegistrations} bean); the others are left to the next provider
	 */
	public WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider(
			ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> accessTokenResponseClient,
			Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(accessTokenResponseClient, "accessTokenResponseClient cannot be null");
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.refreshToken.setAccessTokenResponseClient(accessTokenResponseClient);
		this.refreshToken.setClockSkew(SingleFlightRefreshTokenResponseClient.DEFAULT_CLOCK_SKEW);
		this.withingsRegistrations = withingsRegistrations;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizationContext context) {
		Assert.notNull(context, "context cannot be null");
		if (!this.withingsRegistrations.test(context.getClientRegistration())) {
			return Mono.empty(); // another provider's: for Spring's own refresh provider
		}
		return this.refreshToken.authorize(context);
	}

	/**
	 * Set the clock that decides when an access token has expired (the system clock by default);
	 * use the single flight's ({@link SingleFlightRefreshTokenResponseClient#setClock}).
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.refreshToken.setClock(clock);
	}

	/**
	 * Set how long before its expiry an access token counts as expired (60 s by default); keep it
	 * equal to the single flight's ({@link SingleFlightRefreshTokenResponseClient#setClockSkew}).
	 * @param clockSkew the skew
	 */
	public void setClockSkew(Duration clockSkew) {
		this.refreshToken.setClockSkew(clockSkew);
	}

}
