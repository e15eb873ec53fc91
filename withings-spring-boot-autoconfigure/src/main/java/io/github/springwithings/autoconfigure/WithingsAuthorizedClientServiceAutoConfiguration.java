package io.github.springwithings.autoconfigure;

import javax.sql.DataSource;

import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsStoreSchema;
import io.github.springwithings.oauth2.client.JdbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.WithingsSweepLog;

import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the store of authorized clients, for servlet, WebFlux and non-web
 * applications alike: a {@link JdbcWithingsAuthorizedClientService}
 * when the application has a {@link DataSource} (schema applied per
 * {@code withings.store.initialize-schema}, and checked at start-up), an {@link InMemoryWithingsAuthorizedClientService}
 * otherwise; {@code withings.store.type} forces one. Comes before Boot's OAuth2 client
 * auto-configuration, whose in-memory service then backs off.
 */
@AutoConfiguration(before = { OAuth2ClientAutoConfiguration.class, ReactiveOAuth2ClientAutoConfiguration.class },
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration" })
@ConditionalOnClass(ClientRegistration.class)
@ConditionalOnOAuth2ClientRegistrationProperties
@Import({ WithingsAuthorizedClientServiceAutoConfiguration.ReactiveRegistrationsConfiguration.class,
		WithingsAuthorizedClientServiceAutoConfiguration.JdbcStoreConfiguration.class,
		WithingsAuthorizedClientServiceAutoConfiguration.MemoryStoreConfiguration.class,
		WithingsAuthorizedClientServiceAutoConfiguration.JdbcStoreWithoutDataSourceConfiguration.class })
public final class WithingsAuthorizedClientServiceAutoConfiguration {

	static final String STORE_TYPE = "withings.store.type";

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
	@ConditionalOnClass({ JdbcOperations.class, DatabaseInitializationProperties.class })
	@ConditionalOnBean(DataSource.class)
	@ConditionalOnProperty(name = STORE_TYPE, havingValue = "jdbc", matchIfMissing = true)
	@EnableConfigurationProperties(WithingsStoreProperties.class)
	static class JdbcStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		JdbcWithingsAuthorizedClientService jdbcWithingsAuthorizedClientService(DataSource dataSource,
				ClientRegistrationRepository clientRegistrationRepository, WithingsStoreProperties properties) {
			JdbcWithingsAuthorizedClientService service = new JdbcWithingsAuthorizedClientService(dataSource,
					clientRegistrationRepository);
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

		@Bean
		@ConditionalOnBean(JdbcWithingsAuthorizedClientService.class)
		@ConditionalOnMissingBean(WithingsSweepLog.class)
		JdbcWithingsSweepLog jdbcWithingsSweepLog(DataSource dataSource) {
			return new JdbcWithingsSweepLog(dataSource);
		}

		@Bean
		@ConditionalOnBean(JdbcWithingsAuthorizedClientService.class)
		@ConditionalOnMissingBean(name = "withingsStoreSchemaInitializer")
		PropertiesBasedDataSourceScriptDatabaseInitializer<WithingsStoreProperties> withingsStoreSchemaInitializer(
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

	@Configuration(proxyBeanMethods = false)
	@Conditional(MemoryStoreCondition.class)
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
	@ConditionalOnProperty(name = STORE_TYPE, havingValue = "jdbc")
	@ConditionalOnMissingBean(DataSource.class)
	static class JdbcStoreWithoutDataSourceConfiguration {

		JdbcStoreWithoutDataSourceConfiguration() {
			throw new IllegalStateException("withings.store.type=jdbc, but the application has no DataSource: "
					+ "add spring-boot-starter-jdbc and a database, or set withings.store.type=memory");
		}

	}

	/**
	 * Memory when asked for, or when nothing is said and there is no {@link DataSource} or no
	 * Spring JDBC.
	 */
	static class MemoryStoreCondition extends AnyNestedCondition {

		MemoryStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory")
		static class Asked {

		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory", matchIfMissing = true)
		@ConditionalOnMissingBean(DataSource.class)
		static class NoDataSource {

		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory", matchIfMissing = true)
		@ConditionalOnMissingClass("org.springframework.jdbc.core.JdbcOperations")
		static class NoSpringJdbc {

		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory", matchIfMissing = true)
		@ConditionalOnMissingClass("org.springframework.boot.jdbc.init.DatabaseInitializationProperties")
		static class NoBootJdbc {

		}

	}

}
