package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizationRecovery;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsNonceClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.endpoint.WithingsRecoveryClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.web.WithingsAuthorizationRequestCustomizer;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;

/**
 * The configurations {@link WithingsOAuth2ClientAutoConfiguration} imports, one per concern.
 */
final class WithingsOAuth2ClientConfigurations {

	private WithingsOAuth2ClientConfigurations() {
	}

	/** Compare before remove for the Withings registrations, Spring's rule for the others. */
	static WithingsAuthorizationFailureHandler failureHandler(OAuth2AuthorizedClientService authorizedClientService,
			WithingsClientRegistrations registrations) {
		WithingsAuthorizationFailureHandler failureHandler = new WithingsAuthorizationFailureHandler(
				authorizedClientService);
		failureHandler.setWithingsRegistrationIds(registrations.getRegistrationIds());
		return failureHandler;
	}

	/**
	 * Keeps a nonce ready in signature mode, so that a refresh or code exchange costs one call to
	 * Withings; fetched ahead on threads of its own, replaced every {@code withings.nonce.max-age}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class NonceConfiguration {

		@Bean
		@ConditionalOnProperty(name = "withings.client-authentication", havingValue = "signature", matchIfMissing = true)
		@ConditionalOnProperty(name = "withings.nonce.prefetch", havingValue = "true", matchIfMissing = true)
		@ConditionalOnMissingBean
		WithingsNoncePrefetcher withingsNoncePrefetcher(WithingsClientRegistrations registrations,
				WithingsProperties properties, WithingsRestClientBuilders restClientBuilders,
				ObjectProvider<ClientRegistrationRepository> clientRegistrationRepository,
				ObjectProvider<ObservationRegistry> observationRegistry) {
			WithingsNonceClient nonceClient = new WithingsNonceClient(restClientBuilders.create().build());
			nonceClient.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
			// two threads that refuse a third fetch: the refreshing caller never waits for one
			SimpleAsyncTaskExecutor executor = WithingsNoncePrefetcher.defaultExecutor();
			WithingsNoncePrefetcher prefetcher = new WithingsNoncePrefetcher(nonceClient, () -> {
				ClientRegistrationRepository repository = clientRegistrationRepository.getIfAvailable();
				return (repository == null) ? List.of()
						: registrations.getRegistrationIds()
							.stream()
							.map(repository::findByRegistrationId)
							.filter(Objects::nonNull)
							.toList();
			}, executor);
			prefetcher.setMaxAge(properties.getNonce().getMaxAge());
			restClientBuilders.ifRateBudget(prefetcher::setRateBudget);
			return prefetcher;
		}

		/** Fetches the first nonces at start-up, then replaces old ones every minute. */
		@Bean
		@ConditionalOnBean(WithingsNoncePrefetcher.class)
		WithingsSchedule withingsNonceSchedule(WithingsNoncePrefetcher prefetcher) {
			return new WithingsSchedule("withings-nonces", (carryOn) -> prefetcher.refreshStale(),
					Duration.ofSeconds(1), Duration.ofMinutes(1));
		}

	}

	/**
	 * Recovers a lost authorization ({@code withings.recovery.enabled}): the single-flight refresh
	 * of the starter's store uses it when a refresh token is refused.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("withings.recovery.enabled")
	static class RecoveryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsAuthorizationRecovery withingsAuthorizationRecovery(WithingsClientRegistrations registrations,
				WithingsProperties properties, WithingsRestClientBuilders restClientBuilders) {
			WithingsAuthorizationRecovery recovery = new WithingsAuthorizationRecovery(
					new WithingsRecoveryClient(restClientBuilders.create().build()), WithingsAccessTokenResponseClient
						.authorizationCode(registrations, properties.getClientAuthentication(), restClientBuilders.create()));
			if (properties.getRecovery().getRedirectUri() != null) {
				recovery.setRedirectUri(properties.getRecovery().getRedirectUri());
			}
			return recovery;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsAuthorizationRequestCustomizer withingsAuthorizationRequestCustomizer(
				WithingsClientRegistrations registrations, WithingsProperties properties) {
			WithingsAuthorizationRequestCustomizer customizer = new WithingsAuthorizationRequestCustomizer(
					registrations::isWithings);
			customizer.setDemoMode(properties.isDemoMode());
			return customizer;
		}

		/**
		 * Removes a client after a failed refresh only if it still holds the refresh token that
		 * failed (Spring's rule for the other registrations): the manager Spring builds uses it, and
		 * an application that builds a manager of its own injects it.
		 */
		@Bean
		@ConditionalOnSingleCandidate(OAuth2AuthorizedClientService.class)
		@ConditionalOnMissingBean
		WithingsAuthorizationFailureHandler withingsAuthorizationFailureHandler(
				OAuth2AuthorizedClientService authorizedClientService, WithingsClientRegistrations registrations) {
			return failureHandler(authorizedClientService, registrations);
		}

		/**
		 * Makes the manager Spring builds remove a client after a failed refresh only if it still
		 * holds the refresh token that failed.
		 */
		@Bean
		@ConditionalOnBean(WithingsAuthorizationFailureHandler.class)
		@ConditionalOnMissingBean(name = "withingsAuthorizedClientManagerCustomizer")
		Consumer<DefaultOAuth2AuthorizedClientManager> withingsAuthorizedClientManagerCustomizer(
				WithingsAuthorizationFailureHandler failureHandler) {
			return (manager) -> manager.setAuthorizationFailureHandler(failureHandler);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ClientRegistrationRepository.class)
		OAuth2AuthorizationRequestResolver withingsAuthorizationRequestResolver(
				ClientRegistrationRepository clientRegistrationRepository,
				WithingsAuthorizationRequestCustomizer customizer) {
			DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
					clientRegistrationRepository,
					OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
			resolver.setAuthorizationRequestCustomizer(customizer);
			return resolver;
		}

	}

}
