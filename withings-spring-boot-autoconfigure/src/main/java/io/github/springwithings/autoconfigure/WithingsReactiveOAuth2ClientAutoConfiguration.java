package io.github.springwithings.autoconfigure;

import java.util.function.Consumer;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import io.github.springwithings.oauth2.client.WithingsReactiveTokenResponseClientAdapter;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.userinfo.WithingsReactiveOAuth2UserService;
import io.github.springwithings.oauth2.client.web.WithingsAuthorizationRequestCustomizer;
import io.github.springwithings.oauth2.client.web.server.WithingsAuthorizationRedirectWebFilter;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration for WebFlux applications. They get the same lifecycle core as servlet ones
 * (the store, single-flight refresh persisted before use, compare before remove, in-doubt
 * follow-up, keep-alive), adapted: Withings token calls and store calls run on the starter's own
 * bounded schedulers ({@code withings.reactive.*}), never on an event loop, and no wait (for
 * another refresh, a rate-limit permit, a 601) holds a thread. Beans: reactive token clients over the core's (the
 * refresh one is the single flight), a failure handler for the manager Spring builds (compare
 * before remove, consent on a dead link), a reactive user service that builds the principal from
 * {@code userid}, and an authorization request resolver that joins scopes with commas. Spring's
 * reactive manager and {@code ServerHttpSecurity.oauth2Login()} pick them up.
 */
@AutoConfiguration(after = { ReactiveOAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ Flux.class, ClientRegistration.class, WebClient.class })
@EnableConfigurationProperties(WithingsProperties.class)
public final class WithingsReactiveOAuth2ClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsClientRegistrations withingsClientRegistrations(Environment environment) {
		return WithingsClientRegistrations.withIds(WithingsRegistrationIds.find(environment));
	}

	/** Code exchanges through the core's client, which remembers the consent for the store. */
	@Bean
	@ConditionalOnMissingBean
	ReactiveOAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> withingsReactiveAuthorizationCodeTokenResponseClient(
			OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCodeTokenResponseClient,
			WithingsClientRegistrations registrations, ObjectProvider<WithingsReactiveSchedulers> schedulers,
			@Qualifier("withingsRateLimitInterceptor") ObjectProvider<ClientHttpRequestInterceptor> rateLimitInterceptor,
			WithingsProperties properties, ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher) {
		return onOwnSchedulers(new WithingsReactiveTokenResponseClientAdapter<>(authorizationCodeTokenResponseClient,
				new WebClientReactiveAuthorizationCodeTokenResponseClient(), registrations), schedulers,
				rateLimitInterceptor, properties, noncePrefetcher);
	}

	/** Refreshes through the core's single flight: one refresh per rotation, stored before use. */
	@Bean
	@ConditionalOnMissingBean
	ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withingsReactiveRefreshTokenTokenResponseClient(
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsClientRegistrations registrations, ObjectProvider<WithingsReactiveSchedulers> schedulers,
			@Qualifier("withingsRateLimitInterceptor") ObjectProvider<ClientHttpRequestInterceptor> rateLimitInterceptor,
			WithingsProperties properties, ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher) {
		return onOwnSchedulers(new WithingsReactiveTokenResponseClientAdapter<>(refreshTokenResponseClient,
				new WebClientReactiveRefreshTokenTokenResponseClient(), registrations), schedulers,
				rateLimitInterceptor, properties, noncePrefetcher);
	}

	/**
	 * Token calls on the starter's token scheduler; the rate budget's permits taken ahead, one for
	 * each request of the call (a signed call whose nonce is not ready fetches one first), and
	 * waited for without a thread.
	 */
	private static <T extends AbstractOAuth2AuthorizationGrantRequest> WithingsReactiveTokenResponseClientAdapter<T> onOwnSchedulers(
			WithingsReactiveTokenResponseClientAdapter<T> adapter, ObjectProvider<WithingsReactiveSchedulers> schedulers,
			ObjectProvider<ClientHttpRequestInterceptor> rateLimitInterceptor, WithingsProperties properties,
			ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher) {
		WithingsReactiveSchedulers own = schedulers.getIfAvailable();
		if (own != null) {
			adapter.setScheduler(own.getTokens());
		}
		if (rateLimitInterceptor.getIfAvailable() instanceof WithingsRateLimitInterceptor limiter) {
			adapter.setRateBudget(limiter.getBudget(), limiter.getMaxWait(),
					(own != null) ? own.getStore() : Schedulers.boundedElastic());
			if (properties.getClientAuthentication() == WithingsClientAuthentication.SIGNATURE) {
				adapter.setRequestsPerCall(
						WithingsReactiveTokenResponseClientAdapter.signedCallRequests(noncePrefetcher.getIfAvailable()));
			}
		}
		return adapter;
	}

	/**
	 * Compare before remove, and consent on a dead link in a web exchange: for the manager Spring
	 * builds (below) and for managers of the application's own, e.g.
	 * {@code AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager} for background work.
	 */
	@Bean
	@ConditionalOnBean(WithingsAuthorizedClientService.class)
	@ConditionalOnMissingBean
	WithingsReactiveAuthorizationFailureHandler withingsReactiveAuthorizationFailureHandler(
			WithingsAuthorizedClientService authorizedClientService, WithingsClientRegistrations registrations,
			ObjectProvider<WithingsReactiveSchedulers> schedulers) {
		WithingsReactiveAuthorizationFailureHandler handler = new WithingsReactiveAuthorizationFailureHandler(
				WithingsOAuth2ClientConfigurations.failureHandler(authorizedClientService, registrations));
		schedulers.ifAvailable((own) -> handler.setScheduler(own.getStore()));
		return handler;
	}

	/** Installs the failure handler above on the manager Spring builds. */
	@Bean
	@ConditionalOnBean(WithingsReactiveAuthorizationFailureHandler.class)
	@ConditionalOnMissingBean
	Consumer<DefaultReactiveOAuth2AuthorizedClientManager> withingsReactiveAuthorizedClientManagerCustomizer(
			WithingsReactiveAuthorizationFailureHandler failureHandler) {
		return (manager) -> manager.setAuthorizationFailureHandler(failureHandler);
	}

	/**
	 * Every redirect to Withings' consent page with comma-joined scopes (and {@code mode=demo}),
	 * also from {@code oauth2Client()} and after a dead link, whose redirect filters use Spring's
	 * own resolver.
	 */
	@Bean
	@ConditionalOnBean(ReactiveClientRegistrationRepository.class)
	@ConditionalOnMissingBean
	WithingsAuthorizationRedirectWebFilter withingsAuthorizationRedirectWebFilter(
			ReactiveClientRegistrationRepository clientRegistrationRepository, WithingsClientRegistrations registrations,
			WithingsProperties properties) {
		WithingsAuthorizationRedirectWebFilter filter = new WithingsAuthorizationRedirectWebFilter(
				clientRegistrationRepository, registrations.getRegistrationIds());
		filter.setDemoMode(properties.isDemoMode());
		return filter;
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> withingsReactiveOAuth2UserService(
			WithingsClientRegistrations registrations) {
		return new WithingsReactiveOAuth2UserService(registrations);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ReactiveClientRegistrationRepository.class)
	ServerOAuth2AuthorizationRequestResolver withingsServerAuthorizationRequestResolver(
			ReactiveClientRegistrationRepository clientRegistrationRepository, WithingsClientRegistrations registrations,
			WithingsProperties properties) {
		WithingsAuthorizationRequestCustomizer customizer = new WithingsAuthorizationRequestCustomizer(
				registrations::isWithings);
		customizer.setDemoMode(properties.isDemoMode());
		DefaultServerOAuth2AuthorizationRequestResolver resolver = new DefaultServerOAuth2AuthorizationRequestResolver(
				clientRegistrationRepository);
		resolver.setAuthorizationRequestCustomizer(customizer);
		return resolver;
	}

}
