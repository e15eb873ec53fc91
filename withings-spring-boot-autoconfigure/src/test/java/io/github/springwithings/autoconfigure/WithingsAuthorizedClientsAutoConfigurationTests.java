package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.keepalive.JdbcWithingsSweepLog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsAuthorizedClientsAutoConfiguration}: the facades over the starter's store and the
 * follow-up of refreshes in doubt, only with a Withings store.
 */
class WithingsAuthorizedClientsAutoConfigurationTests {

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
	void autoConfigurationWhenWithingsStoreThenAuthorizedClientsLinkedUsersAndInDoubtFollowUp() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsAuthorizedClients.class)
				.hasSingleBean(WithingsLinkedUsers.class)
				.hasSingleBean(WithingsInDoubtRefreshes.class)
				.hasBean("withingsInDoubtRefreshSchedule");
			assertThat(context.getBean(WithingsAuthorizedClients.class).getDefaultRegistrationId()).isEqualTo("withings");
		});
	}

	@Test
	void autoConfigurationWhenTheStoreIsNotAWithingsOneThenBacksOff() {
		this.contextRunner.withUserConfiguration(WithingsAuthorizedClientServiceAutoConfigurationTests.UserService.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsAuthorizedClients.class)
				.doesNotHaveBean(WithingsLinkedUsers.class)
				.doesNotHaveBean(WithingsInDoubtRefreshes.class)
				.doesNotHaveBean("withingsInDoubtRefreshSchedule"));
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
		this.contextRunner.withUserConfiguration(WithingsAuthorizedClientServiceAutoConfigurationTests.UserService.class)
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsInDoubtRefreshes.class));
	}

	private static ResolvableType refreshTokenClientType() {
		return ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
				OAuth2RefreshTokenGrantRequest.class);
	}

}
