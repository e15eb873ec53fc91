package io.github.springwithings.autoconfigure;

import io.github.springwithings.ratelimit.WithingsRateBudget;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsRateLimitAutoConfiguration}: the rate budget, shared through the JDBC store's
 * table or in this instance's memory, its interceptor, and {@code withings.rate-limit.enabled}.
 */
class WithingsRateLimitAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
		.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsKeepAliveAutoConfiguration.class, WithingsApiClientAutoConfiguration.class));

	private final ApplicationContextRunner withDataSource = this.contextRunner
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:autoconfig-${random.uuid}")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void autoConfigurationWhenRateLimitDisabledThenBacksOff() {
		this.withDataSource.run((context) -> assertThat(context).hasSingleBean(WithingsRateBudget.class)
			.hasBean("withingsRateLimitInterceptor")
			.hasBean(WithingsRateLimitAutoConfiguration.WITHINGS_RATE_BUDGET_STORE));
		this.withDataSource.withPropertyValues("withings.rate-limit.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsRateBudget.class)
				.doesNotHaveBean("withingsRateLimitInterceptor")
				.doesNotHaveBean(WithingsRateLimitAutoConfiguration.WITHINGS_RATE_BUDGET_STORE));
	}

	@Test
	void rateBudgetWhenJdbcStoreThenSharedThroughItsTableAndUsedByTheTokenAndApiClients() {
		this.withDataSource.run((context) -> {
			io.github.springwithings.ratelimit.WithingsRateBudget budget = context
				.getBean(io.github.springwithings.ratelimit.WithingsRateBudget.class);
			assertThat(budget.isShared()).isTrue();
			assertThat(context).getBean(WithingsRateLimitAutoConfiguration.WITHINGS_RATE_BUDGET_STORE)
				.isInstanceOf(io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore.class);
			assertThat(budget.tryTake()).isZero();
			assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM withings_rate_budget", Integer.class)).isOne();
			assertThat(((io.github.springwithings.web.client.WithingsRateLimitInterceptor) context
				.getBean("withingsRateLimitInterceptor")).getMaxWait()).isEqualTo(java.time.Duration.ofSeconds(30));
		});
	}

	@Test
	void rateBudgetStoreWhenJdbcStoreThenMadeAfterTheSchemaIsApplied() {
		// the budget reads its table as it starts: never before the store's schema exists (an
		// ahead-of-time processed application keeps no other order)
		this.withDataSource.run((context) -> {
			String[] dependsOn = context.getBeanFactory()
				.getBeanDefinition(WithingsRateLimitAutoConfiguration.WITHINGS_RATE_BUDGET_STORE)
				.getDependsOn();
			assertThat(dependsOn).isNotNull();
			assertThat(java.util.Arrays.stream(dependsOn).map(context::getType))
				.anySatisfy((type) -> assertThat(type).isAssignableTo(WithingsStoreSchemaInitializer.class));
		});
	}

	@Test
	void rateBudgetWhenScopeInstanceOrMemoryStoreThenInThisInstancesMemory() {
		this.withDataSource.withPropertyValues("withings.rate-limit.scope=instance")
			.run((context) -> assertThat(context.getBean(io.github.springwithings.ratelimit.WithingsRateBudget.class)
				.isShared()).isFalse());
		this.contextRunner.withPropertyValues("withings.rate-limit.requests-per-minute=60",
				"withings.rate-limit.burst=3", "withings.rate-limit.max-wait=5s")
			.run((context) -> {
				io.github.springwithings.ratelimit.WithingsRateBudget budget = context
					.getBean(io.github.springwithings.ratelimit.WithingsRateBudget.class);
				assertThat(budget.isShared()).isFalse();
				assertThat(budget.getRequestsPerMinute()).isEqualTo(60);
				int atOnce = 0;
				while (budget.tryTake() == 0) {
					atOnce++;
				}
				assertThat(atOnce).isEqualTo(3);
				assertThat(context).doesNotHaveBean(WithingsRateLimitAutoConfiguration.WITHINGS_RATE_BUDGET_STORE);
			});
	}

	@Test
	void rateBudgetWhenScopeClusterWithoutADatabaseStoreThenStartUpFailsSayingSo() {
		this.contextRunner.withPropertyValues("withings.rate-limit.scope=cluster")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("withings.rate-limit.scope=cluster needs the jdbc or r2dbc store"));
	}

	@Test
	void rateBudgetBeanIsConditionalOnMissingBean() {
		io.github.springwithings.ratelimit.WithingsRateBudget mine = io.github.springwithings.ratelimit.WithingsRateBudget
			.local(30, 3, java.time.Clock.systemUTC());
		this.withDataSource.withBean(io.github.springwithings.ratelimit.WithingsRateBudget.class, () -> mine)
			.run((context) -> assertThat(((io.github.springwithings.web.client.WithingsRateLimitInterceptor) context
				.getBean("withingsRateLimitInterceptor")).getBudget()).isSameAs(mine));
	}

}
