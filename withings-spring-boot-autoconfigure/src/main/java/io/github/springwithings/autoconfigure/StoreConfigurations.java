package io.github.springwithings.autoconfigure;

import javax.sql.DataSource;

import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsStoreSchema;
import io.github.springwithings.oauth2.client.R2dbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.R2dbcWithingsStoreSchema;
import io.github.springwithings.oauth2.client.SqlWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.keepalive.JdbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.keepalive.R2dbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.keepalive.WithingsSweepLog;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.boot.r2dbc.init.R2dbcScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.util.StringUtils;

/**
 * The store configurations {@link WithingsAuthorizedClientServiceAutoConfiguration} imports: one
 * per store, and one per store asked for but impossible, which fails the start-up.
 */
final class StoreConfigurations {

	private StoreConfigurations() {
	}

	/**
	 * WebFlux applications have reactive registrations only: the store and the refresh core see
	 * them through a (non-blocking, lazily resolved) adapter.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(ReactiveClientRegistrationRepository.class)
	static class ReactiveRegistrationsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientRegistrationRepository withingsClientRegistrationRepository(
				ObjectProvider<ReactiveClientRegistrationRepository> reactiveClientRegistrationRepository) {
			return new ReactiveClientRegistrationRepositoryAdapter(reactiveClientRegistrationRepository);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JdbcOperations.class, DataSourceScriptDatabaseInitializer.class })
	@ConditionalOnBean(DataSource.class)
	@ConditionalOnProperty(name = StoreConditions.STORE_TYPE, havingValue = "jdbc", matchIfMissing = true)
	@EnableConfigurationProperties(WithingsStoreProperties.class)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		JdbcWithingsAuthorizedClientService jdbcWithingsAuthorizedClientService(DataSource dataSource,
				ClientRegistrationRepository clientRegistrationRepository, WithingsStoreProperties properties) {
			return configured(new JdbcWithingsAuthorizedClientService(dataSource, clientRegistrationRepository),
					properties);
		}

		@Bean
		@ConditionalOnBean(JdbcWithingsAuthorizedClientService.class)
		@ConditionalOnMissingBean(WithingsSweepLog.class)
		JdbcWithingsSweepLog jdbcWithingsSweepLog(DataSource dataSource) {
			return new JdbcWithingsSweepLog(dataSource);
		}

		@Bean
		@ConditionalOnBean(JdbcWithingsAuthorizedClientService.class)
		@ConditionalOnMissingBean(name = "withingsStoreSchemaInitializer")
		DataSourceScriptDatabaseInitializer withingsStoreSchemaInitializer(
				DataSource dataSource, WithingsStoreProperties properties) {
			return new WithingsStoreSchemaInitializer(dataSource, properties);
		}

		/**
		 * Fails the start-up when a table is missing, after every database initializer (the
		 * script above, Flyway, Liquibase) ran: never a failed sign-in after Withings issued tokens.
		 * Only for the store built here, on this data source (an application's own store bean may
		 * use another one).
		 */
		@Bean(initMethod = "verify")
		@DependsOnDatabaseInitialization
		@ConditionalOnBean(name = "jdbcWithingsAuthorizedClientService", value = JdbcWithingsAuthorizedClientService.class)
		@ConditionalOnProperty(name = "withings.store.verify-schema", matchIfMissing = true)
		@ConditionalOnMissingBean
		JdbcWithingsStoreSchema withingsStoreSchema(DataSource dataSource) {
			return new JdbcWithingsStoreSchema(dataSource);
		}

		@Bean
		static LazyInitializationExcludeFilter withingsStoreSchemaEagerly() {
			return LazyInitializationExcludeFilter.forBeanTypes(JdbcWithingsStoreSchema.class);
		}

	}

	/**
	 * The store of an application with a {@link ConnectionFactory} and no {@link DataSource}
	 * (or Spring JDBC), or when {@code withings.store.type=r2dbc}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ DatabaseClient.class, R2dbcScriptDatabaseInitializer.class })
	@ConditionalOnBean(ConnectionFactory.class)
	@Conditional(StoreConditions.R2dbcStoreCondition.class)
	@EnableConfigurationProperties(WithingsStoreProperties.class)
	static class R2dbcStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		R2dbcWithingsAuthorizedClientService r2dbcWithingsAuthorizedClientService(ConnectionFactory connectionFactory,
				ClientRegistrationRepository clientRegistrationRepository, WithingsStoreProperties properties) {
			return configured(new R2dbcWithingsAuthorizedClientService(connectionFactory, clientRegistrationRepository),
					properties);
		}

		@Bean
		@ConditionalOnBean(R2dbcWithingsAuthorizedClientService.class)
		@ConditionalOnMissingBean(WithingsSweepLog.class)
		R2dbcWithingsSweepLog r2dbcWithingsSweepLog(ConnectionFactory connectionFactory) {
			return new R2dbcWithingsSweepLog(connectionFactory);
		}

		@Bean
		@ConditionalOnBean(R2dbcWithingsAuthorizedClientService.class)
		@ConditionalOnMissingBean(name = "withingsStoreSchemaInitializer")
		R2dbcScriptDatabaseInitializer withingsStoreSchemaInitializer(ConnectionFactory connectionFactory,
				ObjectProvider<R2dbcProperties> r2dbcProperties, WithingsStoreProperties properties) {
			R2dbcProperties r2dbc = r2dbcProperties.getIfAvailable();
			return new R2dbcWithingsStoreSchemaInitializer(connectionFactory, (r2dbc != null) ? r2dbc.getUrl() : null,
					properties);
		}

		/**
		 * As for the JDBC store: fails the start-up when a table is missing, after every database
		 * initializer ran.
		 */
		@Bean(initMethod = "verify")
		@DependsOnDatabaseInitialization
		@ConditionalOnBean(name = "r2dbcWithingsAuthorizedClientService", value = R2dbcWithingsAuthorizedClientService.class)
		@ConditionalOnProperty(name = "withings.store.verify-schema", matchIfMissing = true)
		@ConditionalOnMissingBean
		R2dbcWithingsStoreSchema withingsR2dbcStoreSchema(ConnectionFactory connectionFactory) {
			return new R2dbcWithingsStoreSchema(connectionFactory);
		}

		@Bean
		static LazyInitializationExcludeFilter withingsR2dbcStoreSchemaEagerly() {
			return LazyInitializationExcludeFilter.forBeanTypes(R2dbcWithingsStoreSchema.class);
		}

	}

	/**
	 * Memory when asked for, or when nothing is said and neither relational store was configured
	 * (no {@link DataSource} or Spring JDBC, no R2DBC {@link ConnectionFactory} or Spring R2DBC).
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(StoreConditions.MemoryStoreCondition.class)
	static class MemoryStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		InMemoryWithingsAuthorizedClientService inMemoryWithingsAuthorizedClientService(
				ClientRegistrationRepository clientRegistrationRepository) {
			return new InMemoryWithingsAuthorizedClientService(clientRegistrationRepository);
		}

	}

	/**
	 * {@code withings.store.type=jdbc} without a {@link DataSource}: fail at start-up rather than
	 * silently keep tokens in memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = StoreConditions.STORE_TYPE, havingValue = "jdbc")
	@ConditionalOnMissingBean(DataSource.class)
	static class JdbcStoreWithoutDataSourceConfiguration {

		JdbcStoreWithoutDataSourceConfiguration() {
			throw new IllegalStateException("withings.store.type=jdbc, but the application has no DataSource: "
					+ "add spring-boot-starter-jdbc and a database, or set withings.store.type=memory (with an R2DBC "
					+ "ConnectionFactory, Boot builds no DataSource: use withings.store.type=r2dbc, or define the "
					+ "DataSource yourself)");
		}

	}

	/**
	 * {@code withings.store.type=r2dbc} without an R2DBC {@link ConnectionFactory}: fail at
	 * start-up rather than silently keep tokens in memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = StoreConditions.STORE_TYPE, havingValue = "r2dbc")
	@ConditionalOnMissingBean(type = "io.r2dbc.spi.ConnectionFactory")
	static class R2dbcStoreWithoutConnectionFactoryConfiguration {

		R2dbcStoreWithoutConnectionFactoryConfiguration() {
			throw new IllegalStateException("withings.store.type=r2dbc, but the application has no R2DBC "
					+ "ConnectionFactory: add spring-boot-starter-r2dbc and a driver (r2dbc-h2, r2dbc-postgresql), "
					+ "or set withings.store.type=memory");
		}

	}

	/** The statement timeout and the encryption at rest of either relational store. */
	static <S extends SqlWithingsAuthorizedClientService> S configured(S service,
			WithingsStoreProperties properties) {
		service.setQueryTimeout(properties.getQueryTimeout());
		WithingsStoreProperties.Encryption encryption = properties.getEncryption();
		if (StringUtils.hasText(encryption.getPassword())) {
			service.setEncryptor(encryptor(encryption));
		}
		return service;
	}

	private static TextEncryptor encryptor(WithingsStoreProperties.Encryption encryption) {
		String salt = encryption.getSalt();
		if (salt == null || !salt.matches("([0-9a-fA-F]{2}){8,}")) {
			throw new IllegalStateException("withings.store.encryption.salt must be set, as hex of at least 8 bytes "
					+ "(16 hex digits), when withings.store.encryption.password is set");
		}
		return Encryptors.delux(encryption.getPassword(), salt);
	}

}
