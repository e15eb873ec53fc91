package io.github.springwithings.autoconfigure;

import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.keepalive.JdbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
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
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsAuthorizedClientServiceAutoConfigurationTests {

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
		new WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
					OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
					WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
					WithingsKeepAliveAutoConfiguration.class))
			.withUserConfiguration(UserService.class)
			.run((context) -> {
				assertThat(context).hasBean("withingsAuthorizedClientManagerCustomizer")
					.hasSingleBean(WithingsAuthorizationFailureHandler.class);
				assertThat(installedFailureHandler(context))
					.isSameAs(context.getBean(WithingsAuthorizationFailureHandler.class));
			});
	}

	@Test
	void failureHandlerWhenTheApplicationDefinesItsOwnThenTheManagerCustomizerInstallsThatOne() {
		WithingsAuthorizationFailureHandler own = new WithingsAuthorizationFailureHandler(
				new InMemoryOAuth2AuthorizedClientService(new InMemoryClientRegistrationRepository(
						ClientRegistration.withRegistrationId("own")
							.clientId("id")
							.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
							.tokenUri("https://example.com/token")
							.build())));
		new WebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class,
					OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
					WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
					WithingsKeepAliveAutoConfiguration.class))
			.withUserConfiguration(UserService.class)
			.withBean(WithingsAuthorizationFailureHandler.class, () -> own)
			.run((context) -> {
				assertThat(context).getBean(WithingsAuthorizationFailureHandler.class).isSameAs(own);
				assertThat(installedFailureHandler(context)).isSameAs(own);
			});
	}

	/** The failure handler the manager customizer installs on a manager Spring would build. */
	@SuppressWarnings("unchecked")
	private static Object installedFailureHandler(ApplicationContext context) {
		DefaultOAuth2AuthorizedClientManager manager = new DefaultOAuth2AuthorizedClientManager(
				context.getBean(ClientRegistrationRepository.class),
				new HttpSessionOAuth2AuthorizedClientRepository());
		((Consumer<DefaultOAuth2AuthorizedClientManager>) context.getBean("withingsAuthorizedClientManagerCustomizer"))
			.accept(manager);
		return ReflectionTestUtils.getField(manager, "authorizationFailureHandler");
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
