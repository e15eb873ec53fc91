package io.github.springwithings.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore;
import io.github.springwithings.ratelimit.R2dbcWithingsRateBudgetStore;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of the client-side rate budget shared by token, nonce and API calls, when
 * {@code withings.rate-limit.enabled} (on by default) and Bucket4j is on the class path: the
 * budget, in the store's database when there is a shared one (its JDBC or R2DBC table) and the
 * scope is not {@code instance}, else in memory, and the interceptor of the starter's
 * {@code RestClient}s that takes its permits.
 */
@AutoConfiguration(after = WithingsAuthorizedClientServiceAutoConfiguration.class,
		before = WithingsOAuth2ClientAutoConfiguration.class)
@ConditionalOnClass(value = { ClientRegistration.class, RestClient.class }, name = "io.github.bucket4j.Bucket")
@ConditionalOnBooleanProperty(name = "withings.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WithingsRateLimitProperties.class)
public final class WithingsRateLimitAutoConfiguration {

	/** Name of the bean of the shared rate budget's store (a Bucket4j {@code ProxyManager<String>}). */
	public static final String WITHINGS_RATE_BUDGET_STORE = "withingsRateBudgetStore";

	/**
	 * The rate budget: in the store's database when there is a shared one
	 * ({@code withingsRateBudgetStore}) and the scope is not {@code instance}, else in memory.
	 */
	@Bean
	@ConditionalOnMissingBean
	WithingsRateBudget withingsRateBudget(WithingsRateLimitProperties rateLimit,
			@Qualifier(WITHINGS_RATE_BUDGET_STORE) ObjectProvider<ProxyManager<String>> store) {
		ProxyManager<String> shared = (rateLimit.getScope() != WithingsRateLimitProperties.Scope.INSTANCE)
				? store.getIfAvailable() : null;
		if (rateLimit.getScope() == WithingsRateLimitProperties.Scope.CLUSTER && shared == null) {
			throw new IllegalStateException("withings.rate-limit.scope=cluster needs the jdbc or r2dbc store "
					+ "(withings.store.type) to share the rate budget through; with the memory store set "
					+ "withings.rate-limit.scope=instance");
		}
		if (shared != null) {
			return WithingsRateBudget.shared(shared, rateLimit.getRequestsPerMinute(), rateLimit.getBurst());
		}
		return WithingsRateBudget.local(rateLimit.getRequestsPerMinute(), rateLimit.getBurst(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(name = "withingsRateLimitInterceptor")
	ClientHttpRequestInterceptor withingsRateLimitInterceptor(WithingsRateBudget rateBudget,
			WithingsRateLimitProperties rateLimit) {
		return new WithingsRateLimitInterceptor(rateBudget, rateLimit.getMaxWait());
	}

	/** The shared budget's table on the JDBC store's data source (the store's schema creates it). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcOperations")
	@ConditionalOnBean(name = "jdbcWithingsAuthorizedClientService")
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcRateBudgetStoreConfiguration {

		@Bean(WITHINGS_RATE_BUDGET_STORE)
		@DependsOnDatabaseInitialization
		@ConditionalOnMissingBean(name = WITHINGS_RATE_BUDGET_STORE)
		JdbcWithingsRateBudgetStore withingsRateBudgetStore(DataSource dataSource) {
			return new JdbcWithingsRateBudgetStore(dataSource);
		}

	}

	/** The shared budget's table on the R2DBC store's connection factory. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.r2dbc.core.DatabaseClient")
	@ConditionalOnBean(name = "r2dbcWithingsAuthorizedClientService")
	static class R2dbcRateBudgetStoreConfiguration {

		@Bean(WITHINGS_RATE_BUDGET_STORE)
		@DependsOnDatabaseInitialization
		@ConditionalOnMissingBean(name = WITHINGS_RATE_BUDGET_STORE)
		R2dbcWithingsRateBudgetStore withingsRateBudgetStore(ConnectionFactory connectionFactory) {
			return new R2dbcWithingsRateBudgetStore(connectionFactory);
		}

	}

}
