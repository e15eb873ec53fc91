package io.github.springwithings.autoconfigure;

import java.util.UUID;

import javax.sql.DataSource;

import io.github.springwithings.notification.JdbcWithingsNotificationInbox;
import io.github.springwithings.notification.R2dbcWithingsNotificationInbox;
import io.github.springwithings.notification.WithingsNotificationInbox;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable inbox of {@link WithingsNotificationsAutoConfiguration}: on with the JDBC or the
 * R2DBC store (in the store's database, its table made by the store's schema), off with the
 * memory store or {@code withings.notifications.inbox.enabled=false}, an application's own inbox
 * used instead, and its properties bound.
 */
class WithingsNotificationInboxAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private static final String CALLBACK = "withings.notifications.callback-url=https://app.example.com/withings/notify/s3cret";

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
			ReactiveOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientServiceAutoConfiguration.class,
			WithingsReactiveAuthorizedClientServiceAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
			WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
			TaskExecutionAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
			WithingsNotificationsAutoConfiguration.class);

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret", CALLBACK)
		.withConfiguration(CONFIGURATIONS);

	private final WebApplicationContextRunner withDataSource = this.servlet
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:inbox-${random.uuid}")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void inboxWhenJdbcStoreThenTheReceiverCommitsToTheStoresDatabaseAndPolls() {
		this.withDataSource.withPropertyValues("withings.notifications.inbox.lease=30s",
				"withings.notifications.inbox.max-attempts=3", "withings.notifications.inbox.instance-id=pod-7")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(JdbcWithingsNotificationInbox.class)
					.hasBean("withingsNotificationInboxSchedule")
					.hasBean("withingsNotificationInboxExecutor");
				WithingsNotificationInbox inbox = context.getBean(WithingsNotificationInbox.class);
				assertThat(context.getBean(WithingsNotificationReceiver.class).getInbox()).isSameAs(inbox);
				assertThat(inbox.getInstanceId()).isEqualTo("pod-7");
				assertThat(ReflectionTestUtils.getField(inbox, "lease")).isEqualTo(java.time.Duration.ofSeconds(30));
				assertThat(ReflectionTestUtils.getField(inbox, "maxAttempts")).isEqualTo(3);
				assertThat(inbox.countPending()).isZero();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class))
					.queryForObject("SELECT COUNT(*) FROM withings_notification_inbox", Integer.class)).isZero();
			});
	}

	@Test
	void inboxWhenDisabledOrMemoryStoreThenNotificationsAsBefore() {
		this.withDataSource.withPropertyValues("withings.notifications.inbox.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsNotificationInbox.class)
				.doesNotHaveBean("withingsNotificationInboxSchedule");
			assertThat(context.getBean(WithingsNotificationReceiver.class).getInbox()).isNull();
		});
		this.servlet.withPropertyValues("withings.store.type=memory").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsNotificationInbox.class)
				.doesNotHaveBean("withingsNotificationInboxSchedule");
			assertThat(context.getBean(WithingsNotificationReceiver.class).getInbox()).isNull();
		});
	}

	@Test
	void inboxWhenItsTableIsMissingThenTheStartupFailsNamingItAndTheFix() {
		// no script applied, and the store's own check off: the inbox's check is the one that speaks
		this.withDataSource
			.withPropertyValues("withings.store.initialize-schema=never", "withings.store.verify-schema=false")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("withings_notification_inbox")
				.hasMessageContaining("withings.notifications.inbox.enabled=false"));
	}

	@Test
	void inboxWhenTheApplicationDefinesOneThenItIsUsed() {
		this.withDataSource.withUserConfiguration(OwnInbox.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(WithingsNotificationInbox.class);
			assertThat(context.getBean(WithingsNotificationReceiver.class).getInbox())
				.isSameAs(context.getBean("ownInbox"));
		});
	}

	@Test
	void inboxWhenR2dbcStoreThenInTheR2dbcDatabase() {
		new ReactiveWebApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret", CALLBACK,
					"spring.r2dbc.url=r2dbc:h2:mem:///" + UUID.randomUUID() + "?options=DB_CLOSE_DELAY=-1")
			.withConfiguration(CONFIGURATIONS)
			.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(R2dbcWithingsNotificationInbox.class)
					.hasBean("withingsNotificationInboxSchedule");
				WithingsNotificationInbox inbox = context.getBean(WithingsNotificationInbox.class);
				assertThat(context.getBean(WithingsNotificationReceiver.class).getInbox()).isSameAs(inbox);
				assertThat(inbox.countPending()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnInbox {

		@Bean
		JdbcWithingsNotificationInbox ownInbox(DataSource dataSource) {
			return new JdbcWithingsNotificationInbox(dataSource);
		}

	}

}
