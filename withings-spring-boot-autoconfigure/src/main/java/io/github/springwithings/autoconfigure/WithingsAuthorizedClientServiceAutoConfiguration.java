package io.github.springwithings.autoconfigure;

import javax.sql.DataSource;

import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.R2dbcWithingsAuthorizedClientService;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * Auto-configuration of the store of authorized clients, for servlet, WebFlux and non-web
 * applications alike: a {@link JdbcWithingsAuthorizedClientService} when the application has a
 * {@link DataSource}, else an {@link R2dbcWithingsAuthorizedClientService} when it has an R2DBC
 * {@link ConnectionFactory} (either with its schema applied per
 * {@code withings.store.initialize-schema}, and checked at start-up), an
 * {@link InMemoryWithingsAuthorizedClientService} otherwise; {@code withings.store.type} forces
 * one. Comes before Boot's OAuth2 client auto-configuration, whose in-memory service then backs
 * off.
 */
@AutoConfiguration(before = { OAuth2ClientAutoConfiguration.class, ReactiveOAuth2ClientAutoConfiguration.class },
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration" })
@ConditionalOnClass(ClientRegistration.class)
@ConditionalOnOAuth2ClientRegistrationProperties
@Import({ StoreConfigurations.ReactiveRegistrationsConfiguration.class, StoreConfigurations.JdbcStoreConfiguration.class,
		StoreConfigurations.R2dbcStoreConfiguration.class, StoreConfigurations.MemoryStoreConfiguration.class,
		StoreConfigurations.JdbcStoreWithoutDataSourceConfiguration.class,
		StoreConfigurations.R2dbcStoreWithoutConnectionFactoryConfiguration.class })
public final class WithingsAuthorizedClientServiceAutoConfiguration {

}
