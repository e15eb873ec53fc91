package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.springwithings.actuate.metrics.WithingsSyncMetrics;
import io.github.springwithings.sync.InMemoryWithingsSyncCursorStore;
import io.github.springwithings.sync.JdbcWithingsSyncCursorStore;
import io.github.springwithings.sync.R2dbcWithingsSyncCursorStore;
import io.github.springwithings.sync.WithingsApiDataFetcher;
import io.github.springwithings.sync.WithingsDataFetcher;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsReactiveApiDataFetcher;
import io.github.springwithings.sync.WithingsSyncCursorStore;
import io.github.springwithings.sync.WithingsSyncPacer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsSyncAutoConfiguration}: off unless {@code withings.sync.enabled}; then the sync
 * with its cursors in the store's database (JDBC, R2DBC) or in memory, the servlet or reactive
 * fetcher after the application's stack, its pacer at the budget share; each bean replaceable.
 */
class WithingsSyncAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
		.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsApiClientAutoConfiguration.class, WithingsSyncAutoConfiguration.class));

	@Test
	void autoConfigurationWhenSyncNotEnabledThenBacksOff() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(WithingsDataSync.class)
			.doesNotHaveBean(WithingsSyncCursorStore.class)
			.doesNotHaveBean(WithingsDataFetcher.class));
		this.contextRunner.withPropertyValues("withings.sync.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsDataSync.class));
	}

	@Test
	void autoConfigurationWhenEnabledWithTheMemoryStoreThenCursorsInMemoryAndTheServletFetcher() {
		this.contextRunner
			.withPropertyValues("withings.sync.enabled=true", "withings.sync.budget-share=0.25",
					"withings.sync.kinds=measures,sleep-summaries", "withings.sync.backstop-period=2h")
			.run((context) -> {
				assertThat(context).hasSingleBean(WithingsDataSync.class)
					.hasSingleBean(WithingsSyncMetrics.class)
					.getBean(WithingsSyncCursorStore.class)
					.isInstanceOf(InMemoryWithingsSyncCursorStore.class);
				assertThat(context.getBean(WithingsDataFetcher.class)).isInstanceOf(WithingsApiDataFetcher.class);
				assertThat(context.getBean(WithingsSyncPacer.class).getSpacing()).as("30 requests a minute")
					.isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean(WithingsSyncProperties.class).getKinds())
					.containsExactlyInAnyOrder(WithingsDataKind.MEASURES, WithingsDataKind.SLEEP_SUMMARIES);
				assertThat(context.getBean(WithingsDataSync.class).isRunning()).isTrue();
			});
	}

	@Test
	void autoConfigurationWhenJdbcStoreThenCursorsInItsDatabase() {
		this.contextRunner
			.withPropertyValues("withings.sync.enabled=true",
					"spring.datasource.url=jdbc:h2:mem:sync-" + UUID.randomUUID())
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context.getBean(WithingsSyncCursorStore.class))
					.isInstanceOf(JdbcWithingsSyncCursorStore.class);
				assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
					.queryForObject("SELECT COUNT(*) FROM withings_sync_cursor", Integer.class)).isZero();
			});
	}

	@Test
	void autoConfigurationWhenUserBeansThenBacksOff() {
		this.contextRunner.withPropertyValues("withings.sync.enabled=true")
			.withUserConfiguration(UserBeans.class)
			.run((context) -> {
				assertThat(context.getBean(WithingsSyncCursorStore.class)).isSameAs(UserBeans.STORE);
				assertThat(context.getBean(WithingsDataFetcher.class)).isSameAs(UserBeans.FETCHER);
				assertThat(context).hasSingleBean(WithingsDataSync.class);
			});
	}

	@Test
	void autoConfigurationWhenWebFluxWithTheR2dbcStoreThenReactiveFetcherAndCursorsInItsDatabase() {
		new ReactiveWebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret",
					"withings.sync.enabled=true",
					"spring.r2dbc.url=r2dbc:h2:mem:///" + UUID.randomUUID() + "?options=DB_CLOSE_DELAY=-1")
			.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class,
					WithingsAuthorizedClientServiceAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
					ReactiveOAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
					WithingsReactiveOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
					WithingsAuthorizedClientsAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
					WithingsSyncAutoConfiguration.class))
			.run((context) -> {
				assertThat(context.getBean(WithingsDataFetcher.class))
					.isInstanceOf(WithingsReactiveApiDataFetcher.class);
				assertThat(context.getBean(WithingsSyncCursorStore.class))
					.isInstanceOf(R2dbcWithingsSyncCursorStore.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final WithingsSyncCursorStore STORE = new InMemoryWithingsSyncCursorStore();

		static final WithingsDataFetcher FETCHER = (userId, kind, lastUpdate, now) -> List.of();

		@Bean
		WithingsSyncCursorStore userCursorStore() {
			return STORE;
		}

		@Bean
		WithingsDataFetcher userFetcher() {
			return FETCHER;
		}

	}

}
