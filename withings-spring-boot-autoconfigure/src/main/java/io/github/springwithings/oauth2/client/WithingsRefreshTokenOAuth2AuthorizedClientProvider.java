package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.RefreshTokenOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;

/**
 * The refresh of Withings clients, for an {@code OAuth2AuthorizedClientManager} of your own:
 * Spring's {@link RefreshTokenOAuth2AuthorizedClientProvider} with the Withings refresh client
 * (the starter's {@code OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest>} bean, a
 * {@link SingleFlightRefreshTokenResponseClient}: single flight, persist before use, no unseen
 * rotation, rejections that name the refresh token they rejected) and the single flight's clock
 * skew (60 s). It answers for the Withings registrations only, and returns {@code null} for the
 * others, which Spring's own refresh provider placed after it handles with Spring's own client.
 *
 * <pre class="code">
 * OAuth2AuthorizedClientProvider provider = OAuth2AuthorizedClientProviderBuilder.builder()
 *     .provider(new WithingsRefreshTokenOAuth2AuthorizedClientProvider(withingsRefreshClient, withingsClientRegistrations))
 *     .authorizationCode()
 *     .refreshToken() // other providers' registrations
 *     .clientCredentials()
 *     .build();
 * manager.setAuthorizedClientProvider(provider);
 * manager.setAuthorizationFailureHandler(new WithingsAuthorizationFailureHandler(authorizedClientService));
 * </pre>
 *
 * Place it before {@code refreshToken()}: Spring's delegating provider asks its providers in
 * order, and Spring's refresh provider would refresh a Withings client with Spring's client. The
 * failure handler belongs to the manager, not to a provider: set
 * {@link WithingsAuthorizationFailureHandler} (compare before remove, consent on a dead link) on
 * it, with {@link WithingsAuthorizationFailureHandler#setWithingsRegistrationIds} when other
 * providers' registrations must keep Spring's removal rule. The manager Spring builds by itself
 * needs neither: the starter's refresh client and failure handler are wired into it already.
 *
 * @see WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider
 */
public final class WithingsRefreshTokenOAuth2AuthorizedClientProvider
		implements OAuth2AuthorizedClientProvider, ApplicationEventPublisherAware {


	private final RefreshTokenOAuth2AuthorizedClientProvider refreshToken = new RefreshTokenOAuth2AuthorizedClientProvider();

	private final Predicate<ClientRegistration> withingsRegistrations;

	/**
	 * @param accessTokenResponseClient the Withings refresh client (the starter's bean, or a
	 * {@link SingleFlightRefreshTokenResponseClient} of your own)
	 * @param withingsRegistrations which registrations are Withings ones (e.g. the starter's
	 * {@code WithingsClientRegistrations} bean); the others are left to the next provider
	 */
	public WithingsRefreshTokenOAuth2AuthorizedClientProvider(
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> accessTokenResponseClient,
			Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(accessTokenResponseClient, "accessTokenResponseClient cannot be null");
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.refreshToken.setAccessTokenResponseClient(accessTokenResponseClient);
		this.refreshToken.setClockSkew(SingleFlightRefreshTokenResponseClient.DEFAULT_CLOCK_SKEW);
		this.withingsRegistrations = withingsRegistrations;
	}

	@Override
	public OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		Assert.notNull(context, "context cannot be null");
		if (!this.withingsRegistrations.test(context.getClientRegistration())) {
			return null; // another provider's: for Spring's own refresh provider
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

	/**
	 * Set where Spring's {@code OAuth2AuthorizedClientRefreshedEvent} is published after each
	 * refresh (set by the application context when this provider is a bean).
	 * @param applicationEventPublisher the publisher
	 */
	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
		this.refreshToken.setApplicationEventPublisher(applicationEventPublisher);
	}

}
