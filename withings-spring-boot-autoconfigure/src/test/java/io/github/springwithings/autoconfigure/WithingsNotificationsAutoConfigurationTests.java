package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.notification.WithingsNotificationFilter;
import io.github.springwithings.notification.WithingsNotificationObservationFilter;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsNotificationWebFilter;
import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.notification.WithingsReactiveNotifications;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.oauth2.client.web.WithingsRedirectUriHeadFilter;
import io.github.springwithings.oauth2.client.web.server.WithingsRedirectUriHeadWebFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class WithingsNotificationsAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private static final String CALLBACK = "withings.notifications.callback-url=https://app.example.com/withings/notify/s3cret";

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
			ReactiveOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientServiceAutoConfiguration.class,
			WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
			WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
			WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
			TaskExecutionAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
			WithingsNotificationsAutoConfiguration.class, WithingsRedirectUriHeadAutoConfiguration.class);

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
				"withings.store.type=memory")
		.withConfiguration(CONFIGURATIONS);

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
				"withings.store.type=memory")
		.withConfiguration(CONFIGURATIONS);

	@Test
	void autoConfigurationWhenNoCallbackUrlThenNoEndpointButRedirectUriHeadFilter() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsNotificationReceiver.class)
				.doesNotHaveBean(WithingsNotificationProperties.class)
				.hasBean("withingsRedirectUriHeadFilterRegistration");
			assertThat(context.getBean("withingsRedirectUriHeadFilterRegistration", FilterRegistrationBean.class)
				.getFilter()).isInstanceOf(WithingsRedirectUriHeadFilter.class);
		});
	}

	@Test
	void autoConfigurationWhenNotificationsDisabledThenBacksOff() {
		this.contextRunner.withPropertyValues(CALLBACK)
			.run((context) -> assertThat(context).hasSingleBean(WithingsNotificationReceiver.class)
				.hasSingleBean(WithingsNotifications.class)
				.hasBean("withingsNotificationFilterRegistration"));
		this.contextRunner.withPropertyValues(CALLBACK, "withings.notifications.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsNotificationReceiver.class)
				.doesNotHaveBean(WithingsNotifications.class)
				.doesNotHaveBean(WithingsNotificationProperties.class)
				.doesNotHaveBean("withingsNotificationFilterRegistration")
				.hasBean("withingsRedirectUriHeadFilterRegistration"));
	}

	@Test
	void autoConfigurationWhenCallbackUrlOnServletThenFilterBeforeSpringSecurityOnThePath() {
		this.contextRunner.withPropertyValues(CALLBACK).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WithingsNotificationReceiver.class).getPath()).isEqualTo("/withings/notify/s3cret");
			FilterRegistrationBean<?> registration = context.getBean("withingsNotificationFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isInstanceOf(WithingsNotificationFilter.class);
			assertThat(registration.getOrder()).isEqualTo(-101);
			assertThat(context).doesNotHaveBean(WithingsNotificationWebFilter.class)
				.doesNotHaveBean(org.springframework.security.web.SecurityFilterChain.class);
		});
	}

	@Test
	void autoConfigurationWhenSecurityFilterOrderMovedThenFilterStillJustBefore() {
		this.contextRunner.withPropertyValues(CALLBACK, "spring.security.filter.order=10")
			.run((context) -> assertThat(
					context.getBean("withingsNotificationFilterRegistration", FilterRegistrationBean.class).getOrder())
				.isEqualTo(9));
	}

	@Test
	void autoConfigurationWhenPathSetThenItIsServed() {
		this.contextRunner.withPropertyValues(CALLBACK, "withings.notifications.path=/internal/withings")
			.run((context) -> assertThat(context.getBean(WithingsNotificationReceiver.class).getPath())
				.isEqualTo("/internal/withings"));
	}

	@Test
	void autoConfigurationWhenPropertiesThenBound() {
		this.contextRunner
			.withPropertyValues(CALLBACK, "withings.notifications.appli=1,44,46",
					"withings.notifications.subscribe-on-link=false")
			.run((context) -> {
				WithingsNotificationProperties properties = context.getBean(WithingsNotificationProperties.class);
				assertThat(properties.getAppli()).containsExactly(1, 44, 46);
				assertThat(properties.isSubscribeOnLink()).isFalse();
			});
		this.contextRunner.withPropertyValues(CALLBACK).run((context) -> {
			WithingsNotificationProperties properties = context.getBean(WithingsNotificationProperties.class);
			assertThat(properties.getAppli()).containsExactly(1, 46);
			assertThat(properties.isSubscribeOnLink()).isTrue();
			assertThat(properties.getAllowedSources()).isEmpty();
		});
	}

	@Test
	void autoConfigurationWhenBadCallbackUrlOrSourcesThenStartupFails() {
		this.contextRunner.withPropertyValues("withings.notifications.callback-url=/relative/path")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("withings.notifications.callback-url"));
		this.contextRunner.withPropertyValues(CALLBACK, "withings.notifications.allowed-sources=withings.net")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void autoConfigurationWhenCallbackUrlOnWebFluxThenWebFilterBeforeSpringSecurity() {
		this.reactiveRunner.withPropertyValues(CALLBACK).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsNotificationWebFilter.class)
				.hasSingleBean(WithingsRedirectUriHeadWebFilter.class)
				.doesNotHaveBean("withingsNotificationFilterRegistration");
			assertThat(context.getBean(WithingsNotificationWebFilter.class).getOrder()).isEqualTo(-101);
		});
	}

	/**
	 * Review #9: Boot's applicationTaskExecutor (an unbounded queue, shared with {@code @Async})
	 * is never the hand-off by default; the starter's own is bounded, rejects when full, and Boot
	 * still makes its executor.
	 */
	@Test
	void autoConfigurationWhenBootsTaskExecutorThenHandedOffToTheStartersOwnBoundedRejectingExecutor() {
		this.contextRunner.withPropertyValues(CALLBACK).run((context) -> {
			assertThat(context).hasNotFailed().hasBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME);
			Object executor = ReflectionTestUtils.getField(context.getBean(WithingsNotificationReceiver.class), "executor");
			assertThat(executor).isNotSameAs(context.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME))
				.isInstanceOfSatisfying(ThreadPoolExecutor.class, (pool) -> {
					assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
					assertThat(pool.getQueue().remainingCapacity()).isEqualTo(1000);
					assertThat(pool.getRejectedExecutionHandler()).isInstanceOf(ThreadPoolExecutor.AbortPolicy.class);
				});
			WithingsNotificationProperties properties = context.getBean(WithingsNotificationProperties.class);
			assertThat(properties.getExecutor().getThreads()).isEqualTo(2);
			assertThat(properties.getExecutor().getQueueCapacity()).isEqualTo(1000);
			assertThat(properties.getExecutor().isUseApplicationExecutor()).isFalse();
		});
	}

	@Test
	void autoConfigurationWhenExecutorSizesSetThenFullMeansRejectedAndClosedWithTheContext() {
		this.contextRunner
			.withPropertyValues(CALLBACK, "withings.notifications.executor.threads=1",
					"withings.notifications.executor.queue-capacity=1")
			.run((context) -> {
				ThreadPoolExecutor pool = (ThreadPoolExecutor) ReflectionTestUtils
					.getField(context.getBean(WithingsNotificationReceiver.class), "executor");
				CountDownLatch running = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				try {
					pool.execute(() -> {
						running.countDown();
						await(release);
					});
					assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
					assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
						.anyMatch((name) -> name.startsWith("withings-notification-"));
					pool.execute(() -> {
					});
					assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.execute(() -> {
					}));
				}
				finally {
					release.countDown();
				}
				context.close();
				assertThat(pool.isShutdown()).isTrue();
			});
	}

	@Test
	void autoConfigurationWhenUseApplicationExecutorThenItsExecutorAndNoneOfTheStarters() {
		this.contextRunner.withPropertyValues(CALLBACK, "withings.notifications.executor.use-application-executor=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("withingsNotificationExecutor");
				assertThat(ReflectionTestUtils.getField(context.getBean(WithingsNotificationReceiver.class), "executor"))
					.isSameAs(context.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME));
			});
	}

	@Test
	void autoConfigurationWhenCallbackUrlThenObservationFilterMasksThePathOnBothStacks() {
		this.contextRunner.withPropertyValues(CALLBACK)
			.run((context) -> assertThat(context).hasSingleBean(WithingsNotificationObservationFilter.class));
		this.reactiveRunner.withPropertyValues(CALLBACK)
			.run((context) -> assertThat(context).hasSingleBean(WithingsNotificationObservationFilter.class));
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void receiverBeanIsConditionalOnMissingBean() {
		this.contextRunner.withPropertyValues(CALLBACK)
			.withUserConfiguration(OwnReceiverConfiguration.class)
			.run((context) -> assertThat(context).getBean(WithingsNotificationReceiver.class)
				.isSameAs(context.getBean(OwnReceiverConfiguration.class).receiver));
	}

	@Test
	void autoConfigurationWhenNotAWebApplicationThenNoCallbackButSubscriptions() {
		new ApplicationContextRunner()
			.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret",
					CALLBACK)
			.withConfiguration(CONFIGURATIONS)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WithingsNotificationReceiver.class)
				.hasSingleBean(WithingsNotifications.class)
				.hasSingleBean(WithingsSubscribeOnLink.class));
	}

	@Test
	void autoConfigurationWhenCallbackUrlThenSubscriptionsClientWithTheSettingsAndSubscribeOnLink() {
		this.contextRunner
			.withPropertyValues(CALLBACK, "withings.notifications.appli=1,44,46",
					"withings.notifications.subscribe-spacing=2s",
					"withings.notifications.subscribe-retry-delays=10s,1m")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(WithingsSubscribeOnLink.class)
					.hasSingleBean(WithingsReactiveNotifications.class);
				WithingsNotifications notifications = context.getBean(WithingsNotifications.class);
				assertThat(notifications.getDefaultAppli()).containsExactly(1, 44, 46);
				assertThat(notifications.getCallbackUrl()).isEqualTo("https://app.example.com/withings/notify/s3cret");
				assertThat(notifications.getRegistrationId()).isEqualTo("withings");
				assertThat(context.getBean(WithingsNotificationProperties.class).getSubscribeSpacing())
					.isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean(WithingsNotificationProperties.class).getSubscribeRetryDelays())
					.containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1));
			});
		this.reactiveRunner.withPropertyValues(CALLBACK)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsNotifications.class)
				.hasSingleBean(WithingsReactiveNotifications.class)
				.hasSingleBean(WithingsSubscribeOnLink.class));
	}

	@Test
	void autoConfigurationWhenSubscribeOnLinkOffThenSubscriptionsClientOnly() {
		this.contextRunner.withPropertyValues(CALLBACK, "withings.notifications.subscribe-on-link=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WithingsNotifications.class)
				.doesNotHaveBean(WithingsSubscribeOnLink.class));
	}

	@Test
	void notificationsBeanIsConditionalOnMissingBean() {
		this.contextRunner.withPropertyValues(CALLBACK)
			.withBean("myNotifications", WithingsNotifications.class,
					() -> new WithingsNotifications(new io.github.springwithings.api.WithingsApi(
							org.springframework.web.client.RestClient.create()),
							new io.github.springwithings.oauth2.client.WithingsLinkedUsers(
									new io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService(
											(id) -> null),
									"withings"),
							"https://mine.example.com/notify"))
			.run((context) -> {
				assertThat(context).hasSingleBean(WithingsNotifications.class).hasBean("myNotifications");
				assertThat(context.getBean(WithingsNotifications.class).getCallbackUrl())
					.isEqualTo("https://mine.example.com/notify");
			});
	}

	@Test
	void resolveCallbackUrlWhenPortZeroThenTheServersPort() {
		WithingsNotificationProperties properties = new WithingsNotificationProperties();
		properties.setCallbackUrl("http://127.0.0.1:0/withings/notify/s3cret?x=1");
		assertThat(properties.resolveCallbackUrl("8443")).isEqualTo("http://127.0.0.1:8443/withings/notify/s3cret?x=1");
		assertThat(properties.resolvePath()).isEqualTo("/withings/notify/s3cret");
		assertThatIllegalStateException().isThrownBy(() -> properties.resolveCallbackUrl(null))
			.withMessageContaining("port 0");
		properties.setCallbackUrl(" https://app.example.com/withings/notify/s3cret ");
		assertThat(properties.resolveCallbackUrl(null)).isEqualTo("https://app.example.com/withings/notify/s3cret");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReceiverConfiguration {

		final WithingsNotificationReceiver receiver = new WithingsNotificationReceiver("/mine",
				new io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService((id) -> null),
				java.util.List.of("withings"), (event) -> {
				}, (Executor) Runnable::run);

		@Bean
		WithingsNotificationReceiver withingsNotificationReceiver() {
			return this.receiver;
		}

	}

}
