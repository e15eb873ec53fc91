package io.github.springwithings.autoconfigure;

import java.time.Instant;
import java.util.Set;

import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.keepalive.JdbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsAuthorizedClientServiceAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
		.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
				WithingsApiClientAutoConfiguration.class));

	private final ApplicationContextRunner withDataSource = this.contextRunner
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:autoconfig-${random.uuid}")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void storeWhenDataSourceThenJdbcWithSchemaCreatedAndSingleFlightRefresh() {
		this.withDataSource.run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizedClientService.class)
				.hasSingleBean(JdbcWithingsAuthorizedClientService.class)
				.hasSingleBean(WithingsAuthorizedClients.class);
			assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM withings_authorized_client", Integer.class)).isZero();
			assertThat(context.getBeanProvider(refreshTokenClientType()).getObject())
				.isInstanceOf(SingleFlightRefreshTokenResponseClient.class);
		});
	}

	@Test
	void storeWhenNoDataSourceThenInMemory() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizedClientService.class)
				.hasSingleBean(InMemoryWithingsAuthorizedClientService.class)
				.hasSingleBean(WithingsAuthorizedClients.class);
			assertThat(context.getBeanProvider(refreshTokenClientType()).getObject())
				.isInstanceOf(SingleFlightRefreshTokenResponseClient.class);
		});
	}

	@Test
	void storeWhenTypeMemoryThenInMemoryEvenWithDataSource() {
		this.withDataSource.withPropertyValues("withings.store.type=memory")
			.run((context) -> assertThat(context).hasSingleBean(InMemoryWithingsAuthorizedClientService.class)
				.doesNotHaveBean(JdbcWithingsAuthorizedClientService.class));
	}

	@Test
	void autoConfigurationWhenOptionalLibrariesAbsentThenTheirPartsBackOff() {
		this.withDataSource
			.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
					org.springframework.jdbc.core.JdbcOperations.class,
					org.springframework.web.reactive.function.client.WebClient.class,
					io.github.bucket4j.Bucket.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(InMemoryWithingsAuthorizedClientService.class)
				.hasBean("withingsRestClient")
				.doesNotHaveBean("withingsWebClient")
				.doesNotHaveBean("withingsRateBudget"));
	}

	/** A servlet application has no Reactor unless it asks for WebFlux: nothing reactive is created. */
	@Test
	void autoConfigurationWhenServletApplicationWithoutReactorThenStartsWithoutReactivePieces() {
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
					WithingsReactiveOAuth2ClientAutoConfiguration.class))
			.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader("reactor."))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(InMemoryWithingsAuthorizedClientService.class)
				.hasSingleBean(WithingsAuthorizedClients.class)
				.hasSingleBean(WithingsApi.class)
				.doesNotHaveBean("withingsWebClient")
				.doesNotHaveBean(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients.class)
				.doesNotHaveBean(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService.class));
	}

	/** Boot's reactive OAuth2 client configuration also applies to non-web applications: the store backs it. */
	@Test
	void autoConfigurationWhenNonWebApplicationWithReactorThenSpringsReactiveServiceIsTheStore() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration.class,
					WithingsReactiveAuthorizedClientServiceAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService.class)
				.isInstanceOfSatisfying(io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService.class,
						(service) -> assertThat(service.getAuthorizedClientService())
							.isSameAs(context.getBean(InMemoryWithingsAuthorizedClientService.class))));
	}

	@Test
	void storeWhenTypeJdbcWithoutDataSourceThenStartUpFailsClearly() {
		this.contextRunner.withPropertyValues("withings.store.type=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("withings.store.type=jdbc, but the application has no DataSource"));
	}

	@Test
	void storeWhenInitializeSchemaNeverThenScriptNotAppliedAndStartupRefused() {
		this.withDataSource.withPropertyValues("withings.store.initialize-schema=never").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(io.github.springwithings.oauth2.client.WithingsStoreSchemaException.class);
		});
	}

	@Test
	void managerCustomizerWhenServletAppWithItsOwnServiceThenCompareBeforeRemoveInstalled() {
		new org.springframework.boot.test.context.runner.WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
					OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class))
			.withUserConfiguration(UserService.class)
			.run((context) -> assertThat(context).hasBean("withingsAuthorizedClientManagerCustomizer"));
	}

	@Test
	void storeWhenUserDefinesAServiceThenBacksOffWithInProcessSingleFlightAndCompareBeforeRemove() {
		this.withDataSource.withUserConfiguration(UserService.class).run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizedClientService.class)
				.doesNotHaveBean(WithingsAuthorizedClientService.class)
				.doesNotHaveBean(WithingsAuthorizedClients.class);
			assertThat(context.getBeanProvider(refreshTokenClientType()).getObject())
				.isInstanceOf(SingleFlightRefreshTokenResponseClient.class);
		});
	}

	@Test
	void storeWhenEncryptionConfiguredThenTokensUnreadableAtRestAndReadableThroughTheService() {
		this.withDataSource
			.withPropertyValues("withings.store.encryption.password=correct-horse-battery-staple",
					"withings.store.encryption.salt=5c0744940b5c369b")
			.run((context) -> {
				WithingsAuthorizedClientService service = context.getBean(WithingsAuthorizedClientService.class);
				Instant now = Instant.now();
				OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(
						context.getBean(ClientRegistrationRepository.class).findByRegistrationId("withings"), "363",
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-value-0123456789", now,
								now.plusSeconds(10800), Set.of("user.metrics")),
						new OAuth2RefreshToken("refresh-value-0123456789", now));
				service.saveAuthorizedClient(client, new TestingAuthenticationToken("363", null));

				String atRest = new JdbcTemplate(context.getBean(javax.sql.DataSource.class)).queryForObject(
						"SELECT access_token_value || refresh_token_value FROM withings_authorized_client", String.class);
				assertThat(atRest).doesNotContain("access-value").doesNotContain("refresh-value");
				OAuth2AuthorizedClient loaded = service.loadAuthorizedClient("withings", "363");
				assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("access-value-0123456789");
				assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo("refresh-value-0123456789");
			});
	}

	@Test
	void inDoubtRefreshesWhenWithingsStoreThenFollowedOnAScheduleWithTheConfiguredDelays() {
		this.withDataSource
			.withPropertyValues("withings.refresh.in-doubt-retry-delay=2m", "withings.refresh.lock-timeout=3s",
					"withings.store.query-timeout=2s")
			.run((context) -> {
				assertThat(context).hasSingleBean(WithingsInDoubtRefreshes.class)
					.hasBean("withingsInDoubtRefreshSchedule")
					.hasSingleBean(JdbcWithingsSweepLog.class);
				assertThat(context.getBean("withingsInDoubtRefreshSchedule", WithingsSchedule.class).isRunning()).isTrue();
				SingleFlightRefreshTokenResponseClient refresh = (SingleFlightRefreshTokenResponseClient) context
					.getBeanProvider(refreshTokenClientType())
					.getObject();
				assertThat(refresh.getInDoubtRetryDelay()).isEqualTo(java.time.Duration.ofMinutes(2));
				assertThat(context.getBean(WithingsProperties.class).getRefresh().getLockTimeout())
					.isEqualTo(java.time.Duration.ofSeconds(3));
				assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
					.queryForObject("SELECT COUNT(*) FROM withings_sweep", Integer.class)).isZero();
			});
		this.contextRunner.withUserConfiguration(UserService.class)
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsInDoubtRefreshes.class));
	}

	@Test
	void encryptionWhenPasswordWithoutAHexSaltThenStartupFailsNamingTheProperty() {
		this.withDataSource.withPropertyValues("withings.store.encryption.password=secret-password")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("withings.store.encryption.salt"));
		this.withDataSource
			.withPropertyValues("withings.store.encryption.password=secret-password",
					"withings.store.encryption.salt=not-hex")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("hex of at least 8 bytes"));
	}

	@Test
	void apiClientsWhenStoreThenRestClientWebClientApiAndSharedRateLimiter() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("withingsRestClient")
				.hasBean("withingsWebClient")
				.hasSingleBean(WithingsApi.class)
				.hasSingleBean(WithingsRestClientConfigurer.class)
				.hasSingleBean(WithingsExchangeFilterFunction.class)
				.hasBean("withingsRateBudget")
				.hasBean("withingsRateLimitInterceptor");
			io.github.springwithings.ratelimit.WithingsRateBudget budget = context
				.getBean(io.github.springwithings.ratelimit.WithingsRateBudget.class);
			assertThat(budget.getRequestsPerMinute()).isEqualTo(120);
			assertThat(((io.github.springwithings.web.client.WithingsRateLimitInterceptor) context
				.getBean("withingsRateLimitInterceptor")).getBudget()).isSameAs(budget);
		});
	}

	@Test
	void apiClientsWhenRateLimitDisabledOrUserClientsThenBackOff() {
		this.contextRunner.withPropertyValues("withings.rate-limit.enabled=false")
			.withBean("withingsRestClient", org.springframework.web.client.RestClient.class,
					org.springframework.web.client.RestClient::create)
			.run((context) -> {
				assertThat(context).doesNotHaveBean("withingsRateBudget").doesNotHaveBean("withingsRateLimitInterceptor");
				assertThat(context.getBean("withingsRestClient")).isNotNull();
				assertThat(context).hasSingleBean(WithingsApi.class);
			});
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

	private static ResolvableType refreshTokenClientType() {
		return ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
				OAuth2RefreshTokenGrantRequest.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserService {

		@Bean
		OAuth2AuthorizedClientService userAuthorizedClientService(ClientRegistrationRepository repository) {
			return new InMemoryOAuth2AuthorizedClientService(repository);
		}

	}

}
