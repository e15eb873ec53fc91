package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.micrometer.observation.ObservationRegistry;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizationRecovery;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.oauth2.client.keepalive.WithingsSweepLog;
import io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore;
import io.github.springwithings.ratelimit.R2dbcWithingsRateBudgetStore;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsNonceClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.UserIdRememberingTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsRecoveryClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.userinfo.WithingsOAuth2UserService;
import io.github.springwithings.oauth2.client.web.WithingsAuthorizationRequestCustomizer;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.DelegatingOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration that makes Withings registrations work with Spring Security's OAuth2 client:
 * token clients (sign-in, linking and refresh) that speak Withings, a user service that builds
 * the principal from {@code userid}, and an authorization request resolver that joins scopes
 * with commas. Spring's own authorized-client manager picks these beans up; every one of them
 * backs off when the application defines its own.
 */
@AutoConfiguration(after = OAuth2ClientAutoConfiguration.class)
@ConditionalOnClass({ ClientRegistration.class, RestClient.class })
@EnableConfigurationProperties(WithingsProperties.class)
public final class WithingsOAuth2ClientAutoConfiguration {

	private static final org.apache.commons.logging.Log logger = org.apache.commons.logging.LogFactory
		.getLog(WithingsOAuth2ClientAutoConfiguration.class);

	/** Name of the bean of the shared rate budget's store (a Bucket4j {@code ProxyManager<String>}). */
	public static final String WITHINGS_RATE_BUDGET_STORE = "withingsRateBudgetStore";

	@Bean
	@ConditionalOnMissingBean
	WithingsRestClientBuilders withingsRestClientBuilders(ObjectProvider<RestClient.Builder> restClientBuilder,
			WithingsProperties properties,
			@Qualifier("withingsRateLimitInterceptor") ObjectProvider<ClientHttpRequestInterceptor> rateLimitInterceptor) {
		return new WithingsRestClientBuilders(restClientBuilder, properties, rateLimitInterceptor.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	WithingsClientRegistrations withingsClientRegistrations(Environment environment) {
		return WithingsClientRegistrations.withIds(WithingsRegistrationIds.find(environment));
	}

	/**
	 * Keeps a nonce ready in signature mode, so that a refresh or code exchange costs one call to
	 * Withings; fetched ahead on threads of its own, replaced every {@code withings.nonce.max-age}.
	 */
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
						.filter(java.util.Objects::nonNull)
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
		return new WithingsSchedule("withings-nonces", (carryOn) -> prefetcher.refreshStale(), Duration.ofSeconds(1),
				Duration.ofMinutes(1));
	}

	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> withingsAuthorizationCodeTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			WithingsRestClientBuilders restClientBuilders,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClientService,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher) {
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(registrations, properties.getClientAuthentication(), restClientBuilders.create());
		client.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		restClientBuilders.ifRateBudget(client::setRateBudget);
		noncePrefetcher.ifAvailable(client::setNoncePrefetcher);
		OAuth2AuthorizedClientService service = authorizedClientService.getIfUnique();
		if (service instanceof WithingsAuthorizedClientService store) {
			return new UserIdRememberingTokenResponseClient(client, store);
		}
		if (service != null) {
			logger.info("The OAuth2AuthorizedClientService is not a WithingsAuthorizedClientService: code exchanges are "
					+ "not remembered as consents, and the starter stores no Withings user ids");
		}
		else {
			logger.debug("No unique OAuth2AuthorizedClientService: code exchanges are not remembered as consents");
		}
		return client;
	}

	/**
	 * The refresh client Spring's manager uses: single-flight, persist-before-use refreshes when
	 * the store is a {@link WithingsAuthorizedClientService}.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withingsRefreshTokenTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			WithingsRestClientBuilders restClientBuilders,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClientService,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher) {
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = WithingsAccessTokenResponseClient
			.refreshToken(registrations, properties.getClientAuthentication(), restClientBuilders.create());
		client.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		restClientBuilders.ifRateBudget(client::setRateBudget);
		noncePrefetcher.ifAvailable(client::setNoncePrefetcher);
		if (authorizedClientService.getIfUnique() instanceof WithingsAuthorizedClientService store) {
			SingleFlightRefreshTokenResponseClient singleFlight = new SingleFlightRefreshTokenResponseClient(client,
					store, registrations);
			singleFlight.setMaxRateLimitWait(properties.getRefresh().getMaxRateLimitWait());
			singleFlight.setLockTimeout(properties.getRefresh().getLockTimeout());
			singleFlight.setInDoubtRetryDelay(properties.getRefresh().getInDoubtRetryDelay());
			if (properties.getRecovery().isEnabled()) {
				singleFlight.setRecovery(recovery(registrations, properties, restClientBuilders));
			}
			return singleFlight;
		}
		SingleFlightRefreshTokenResponseClient singleFlight = new SingleFlightRefreshTokenResponseClient(client,
				registrations);
		singleFlight.setMaxRateLimitWait(properties.getRefresh().getMaxRateLimitWait());
		singleFlight.setLockTimeout(properties.getRefresh().getLockTimeout());
		return singleFlight;
	}

	private static WithingsAuthorizationRecovery recovery(WithingsClientRegistrations registrations,
			WithingsProperties properties, WithingsRestClientBuilders restClientBuilders) {
		WithingsAuthorizationRecovery recovery = new WithingsAuthorizationRecovery(
				new WithingsRecoveryClient(restClientBuilders.create().build()), WithingsAccessTokenResponseClient
					.authorizationCode(registrations, properties.getClientAuthentication(), restClientBuilders.create()));
		if (properties.getRecovery().getRedirectUri() != null) {
			recovery.setRedirectUri(properties.getRecovery().getRedirectUri());
		}
		return recovery;
	}

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClientService.class)
	@ConditionalOnProperty(name = "withings.keep-alive.enabled", havingValue = "true")
	@ConditionalOnMissingBean
	WithingsKeepAlive withingsKeepAlive(WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsClientRegistrations registrations, WithingsProperties properties,
			ObjectProvider<WithingsSweepLog> sweepLog) {
		WithingsProperties.KeepAlive settings = properties.getKeepAlive();
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(authorizedClientService, refreshTokenResponseClient,
				registrations.getRegistrationIds());
		keepAlive.setInterval(settings.getInterval());
		keepAlive.setMaxRefreshTokenAge(settings.getMaxRefreshTokenAge());
		keepAlive.setPageSize(settings.getPageSize());
		keepAlive.setSpacing(keepAliveSpacing(properties));
		sweepLog.ifAvailable(keepAlive::setSweepLog);
		return keepAlive;
	}

	/**
	 * The keep-alive spacing: as set, or so that a sweep uses at most its share of the rate
	 * budget (a refresh is two requests in signature mode: a nonce, then the token).
	 */
	static Duration keepAliveSpacing(WithingsProperties properties) {
		WithingsProperties.KeepAlive settings = properties.getKeepAlive();
		if (settings.getSpacing() != null) {
			return settings.getSpacing();
		}
		int requestsPerRefresh = (properties.getClientAuthentication() == WithingsClientAuthentication.SIGNATURE) ? 2 : 1;
		double requestsPerMinute = Math.max(1, properties.getRateLimit().getRequestsPerMinute())
				* Math.min(1.0, Math.max(0.01, settings.getBudgetShare()));
		return Duration.ofMillis((long) Math.ceil(60_000.0 * requestsPerRefresh / requestsPerMinute));
	}

	/**
	 * Looks every few minutes whether a keep-alive sweep is due for the cluster (the last start
	 * is stored), so that restarts never postpone it.
	 */
	@Bean
	@ConditionalOnBean(WithingsKeepAlive.class)
	WithingsSchedule withingsKeepAliveSchedule(WithingsKeepAlive keepAlive, WithingsProperties properties) {
		Duration check = min(properties.getKeepAlive().getInterval(), Duration.ofMinutes(10));
		return new WithingsSchedule("withings-keep-alive", keepAlive::sweepIfDue, Duration.ofSeconds(30), check);
	}

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClientService.class)
	@ConditionalOnMissingBean
	WithingsInDoubtRefreshes withingsInDoubtRefreshes(WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsClientRegistrations registrations, WithingsProperties properties) {
		WithingsInDoubtRefreshes inDoubtRefreshes = new WithingsInDoubtRefreshes(authorizedClientService,
				refreshTokenResponseClient, registrations.getRegistrationIds(),
				properties.getRefresh().getInDoubtRetryDelay());
		inDoubtRefreshes.setSpacing(keepAliveSpacing(properties));
		return inDoubtRefreshes;
	}

	/**
	 * Follows refreshes in doubt: at start-up (a crash before the restart left them), then every
	 * in-doubt delay.
	 */
	@Bean
	@ConditionalOnBean(WithingsInDoubtRefreshes.class)
	WithingsSchedule withingsInDoubtRefreshSchedule(WithingsInDoubtRefreshes inDoubtRefreshes,
			WithingsProperties properties) {
		Duration delay = properties.getRefresh().getInDoubtRetryDelay();
		return new WithingsSchedule("withings-in-doubt-refreshes", inDoubtRefreshes::retry,
				min(delay, Duration.ofSeconds(5)), delay);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	@Bean
	@ConditionalOnBean({ WithingsAuthorizedClientService.class, ClientRegistrationRepository.class })
	@ConditionalOnMissingBean
	WithingsAuthorizedClients withingsAuthorizedClients(ClientRegistrationRepository clientRegistrationRepository,
			WithingsAuthorizedClientService authorizedClientService, WithingsClientRegistrations registrations,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsRestClientBuilders restClientBuilders) {
		String registrationId = registrations.getRegistrationIds().contains("withings") ? "withings"
				: registrations.getRegistrationIds().stream().findFirst().orElse("withings");
		return new WithingsAuthorizedClients(clientRegistrationRepository, authorizedClientService,
				refreshTokenResponseClient,
				new WithingsRevocationClient(restClientBuilders.create().build()),
				registrationId);
	}

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClients.class)
	@ConditionalOnMissingBean
	WithingsLinkedUsers withingsLinkedUsers(WithingsAuthorizedClientService authorizedClientService,
			WithingsAuthorizedClients authorizedClients) {
		return new WithingsLinkedUsers(authorizedClientService, authorizedClients.getDefaultRegistrationId());
	}

	/**
	 * The user service of {@code oauth2Login()}: Withings registrations first, Spring's default
	 * for the others. {@link WithingsOAuth2UserService} is deliberately not a bean of its own: two
	 * beans of this type would make Spring Security ignore both.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2UserService<OAuth2UserRequest, OAuth2User> withingsOAuth2UserService(
			WithingsClientRegistrations registrations) {
		return new DelegatingOAuth2UserService<>(
				List.of(new WithingsOAuth2UserService(registrations), new DefaultOAuth2UserService()));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.github.bucket4j.Bucket")
	@ConditionalOnProperty(name = "withings.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
	static class RateLimitConfiguration {

		/**
		 * The rate budget: in the store's database when there is a shared one
		 * ({@code withingsRateBudgetStore}) and the scope is not {@code instance}, else in memory.
		 */
		@Bean
		@ConditionalOnMissingBean
		WithingsRateBudget withingsRateBudget(WithingsProperties properties,
				@Qualifier(WITHINGS_RATE_BUDGET_STORE) ObjectProvider<ProxyManager<String>> store) {
			WithingsProperties.RateLimit rateLimit = properties.getRateLimit();
			ProxyManager<String> shared = (rateLimit.getScope() != WithingsProperties.RateLimit.Scope.INSTANCE)
					? store.getIfAvailable() : null;
			if (rateLimit.getScope() == WithingsProperties.RateLimit.Scope.CLUSTER && shared == null) {
				throw new IllegalStateException("withings.rate-limit.scope=cluster needs the jdbc or r2dbc store "
						+ "(withings.store.type) to share the rate budget through; with the memory store set "
						+ "withings.rate-limit.scope=instance");
			}
			if (shared != null) {
				return WithingsRateBudget.shared(shared, rateLimit.getRequestsPerMinute(), rateLimit.getBurst());
			}
			return WithingsRateBudget.local(rateLimit.getRequestsPerMinute(), rateLimit.getBurst(),
					java.time.Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean(name = "withingsRateLimitInterceptor")
		ClientHttpRequestInterceptor withingsRateLimitInterceptor(WithingsRateBudget rateBudget,
				WithingsProperties properties) {
			return new WithingsRateLimitInterceptor(rateBudget, properties.getRateLimit().getMaxWait());
		}

		/** The shared budget's table on the JDBC store's data source (the store's schema creates it). */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcOperations")
		@ConditionalOnBean(name = "jdbcWithingsAuthorizedClientService")
		@org.springframework.context.annotation.Import(org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer.class)
		static class JdbcRateBudgetStoreConfiguration {

			@Bean(WITHINGS_RATE_BUDGET_STORE)
			@org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization
			@ConditionalOnMissingBean(name = WITHINGS_RATE_BUDGET_STORE)
			JdbcWithingsRateBudgetStore withingsRateBudgetStore(javax.sql.DataSource dataSource) {
				return new JdbcWithingsRateBudgetStore(dataSource);
			}

		}

		/** The shared budget's table on the R2DBC store's connection factory. */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.r2dbc.core.DatabaseClient")
		@ConditionalOnBean(name = "r2dbcWithingsAuthorizedClientService")
		static class R2dbcRateBudgetStoreConfiguration {

			@Bean(WITHINGS_RATE_BUDGET_STORE)
			@org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization
			@ConditionalOnMissingBean(name = WITHINGS_RATE_BUDGET_STORE)
			R2dbcWithingsRateBudgetStore withingsRateBudgetStore(io.r2dbc.spi.ConnectionFactory connectionFactory) {
				return new R2dbcWithingsRateBudgetStore(connectionFactory);
			}

		}

	}

	/** Compare before remove for the Withings registrations, Spring's rule for the others. */
	static WithingsAuthorizationFailureHandler failureHandler(OAuth2AuthorizedClientService authorizedClientService,
			WithingsClientRegistrations registrations) {
		WithingsAuthorizationFailureHandler failureHandler = new WithingsAuthorizationFailureHandler(
				authorizedClientService);
		failureHandler.setWithingsRegistrationIds(registrations.getRegistrationIds());
		return failureHandler;
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
		 * Makes the manager Spring builds remove a client after a failed refresh only if it still
		 * holds the refresh token that failed.
		 */
		@Bean
		@ConditionalOnSingleCandidate(OAuth2AuthorizedClientService.class)
		@ConditionalOnMissingBean(name = "withingsAuthorizedClientManagerCustomizer")
		Consumer<DefaultOAuth2AuthorizedClientManager> withingsAuthorizedClientManagerCustomizer(
				OAuth2AuthorizedClientService authorizedClientService, WithingsClientRegistrations registrations) {
			WithingsAuthorizationFailureHandler failureHandler = failureHandler(authorizedClientService, registrations);
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
