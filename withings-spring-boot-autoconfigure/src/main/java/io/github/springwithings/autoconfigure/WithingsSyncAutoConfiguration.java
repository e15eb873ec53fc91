package io.github.springwithings.autoconfigure;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import io.github.springwithings.actuate.metrics.WithingsSyncMetrics;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.sync.InMemoryWithingsSyncCursorStore;
import io.github.springwithings.sync.JdbcWithingsSyncCursorStore;
import io.github.springwithings.sync.R2dbcWithingsSyncCursorStore;
import io.github.springwithings.sync.WithingsApiDataFetcher;
import io.github.springwithings.sync.WithingsDataFetcher;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsReactiveApiDataFetcher;
import io.github.springwithings.sync.WithingsSyncCursorStore;
import io.github.springwithings.sync.WithingsSyncPacer;
import io.github.springwithings.sync.WithingsSyncPacingFilter;
import io.github.springwithings.sync.WithingsSyncPacingInterceptor;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the data sync, when {@code withings.sync.enabled} (off by default):
 * {@link WithingsDataSync} with its cursors in the store's database (the JDBC or R2DBC store's
 * {@code withings_sync_cursor} table) or in memory with the memory store, fetching through the
 * typed API of the application's stack ({@link WithingsApi}, or {@link WithingsReactiveApi} in a
 * WebFlux application) whose requests {@link WithingsSyncPacer} spaces to
 * {@code withings.sync.budget-share} of the rate budget. Needs the API clients and a store of
 * authorized clients.
 */
@AutoConfiguration(after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
		WithingsReactiveAuthorizedClientServiceAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
		WithingsReactiveOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
		WithingsRateLimitAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
		WithingsNotificationsAutoConfiguration.class })
@ConditionalOnClass(RestClient.class)
@ConditionalOnBooleanProperty("withings.sync.enabled")
@ConditionalOnBean({ WithingsAuthorizedClientService.class, WithingsApi.class })
@EnableConfigurationProperties({ WithingsSyncProperties.class, WithingsRateLimitProperties.class })
public final class WithingsSyncAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsSyncPacer withingsSyncPacer(WithingsSyncProperties properties, WithingsRateLimitProperties rateLimit) {
		return WithingsSyncPacer.share(rateLimit.getRequestsPerMinute(), properties.getBudgetShare(),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	WithingsDataSync withingsDataSync(WithingsSyncCursorStore store, WithingsDataFetcher fetcher,
			WithingsAuthorizedClientService authorizedClientService, ApplicationEventPublisher publisher,
			WithingsSyncProperties properties, ObjectProvider<WithingsLinkedUsers> linkedUsers,
			ObjectProvider<WithingsClientRegistrations> registrations) {
		WithingsDataSync sync = new WithingsDataSync(store, fetcher, authorizedClientService, publisher);
		if (!properties.getKinds().isEmpty()) {
			sync.setKinds(properties.getKinds());
		}
		sync.setBackstopPeriod(properties.getBackstopPeriod());
		sync.setInitialLookBack(properties.getInitialLookBack());
		sync.setLease(properties.getLease());
		sync.setRetryDelays(properties.getRetryDelay(), properties.getMaxRetryDelay());
		sync.setPollInterval(properties.getPollInterval());
		sync.setMissedGrace(properties.getMissedGrace());
		WithingsLinkedUsers users = linkedUsers.getIfAvailable();
		WithingsClientRegistrations withings = registrations.getIfAvailable();
		if (users != null) {
			sync.setLinkedUsers(users, (withings != null) ? withings.getRegistrationIds()
					: List.of(users.getDefaultRegistrationId()));
		}
		return sync;
	}

	/** The cursors in the memory store's absence of a database: lost on a restart. */
	@Bean
	@ConditionalOnMissingBean
	WithingsSyncCursorStore withingsSyncCursorStore() {
		return new InMemoryWithingsSyncCursorStore();
	}

	/** The servlet stack (and applications without a web server): the typed blocking API. */
	@Bean
	@ConditionalOnMissingBean
	WithingsDataFetcher withingsDataFetcher(@Qualifier("withingsRestClient") RestClient withingsRestClient,
			WithingsSyncPacer pacer) {
		RestClient paced = withingsRestClient.mutate()
			.requestInterceptors((interceptors) -> interceptors.add(0, new WithingsSyncPacingInterceptor(pacer)))
			.build();
		return new WithingsApiDataFetcher(new WithingsApi(paced));
	}

	/** The cursors in the JDBC store's database. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcOperations")
	@ConditionalOnBean(name = "jdbcWithingsAuthorizedClientService")
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcCursorStoreConfiguration {

		@Bean
		@DependsOnDatabaseInitialization
		@ConditionalOnMissingBean
		WithingsSyncCursorStore withingsSyncCursorStore(DataSource dataSource) {
			return new JdbcWithingsSyncCursorStore(dataSource);
		}

	}

	/** The cursors in the R2DBC store's database. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.r2dbc.core.DatabaseClient")
	@ConditionalOnBean(name = "r2dbcWithingsAuthorizedClientService")
	static class R2dbcCursorStoreConfiguration {

		@Bean
		@DependsOnDatabaseInitialization
		@ConditionalOnMissingBean
		WithingsSyncCursorStore withingsSyncCursorStore(ConnectionFactory connectionFactory) {
			return new R2dbcWithingsSyncCursorStore(connectionFactory);
		}

	}

	/** A WebFlux application: the reactive API, awaited on the sync's worker thread. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebClient.class, Mono.class })
	@ConditionalOnBean(WithingsReactiveApi.class)
	static class ReactiveFetcherConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsDataFetcher withingsDataFetcher(@Qualifier("withingsWebClient") WebClient withingsWebClient,
				WithingsSyncPacer pacer) {
			WebClient paced = withingsWebClient.mutate()
				.filters((filters) -> filters.add(0, new WithingsSyncPacingFilter(pacer)))
				.build();
			return new WithingsReactiveApiDataFetcher(new WithingsReactiveApi(paced));
		}

	}

	/** The sync's counts as Micrometer meters. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsSyncMetrics withingsSyncMetrics(WithingsDataSync sync) {
			return new WithingsSyncMetrics(sync.getStatistics());
		}

	}

}
