package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.notification.JdbcWithingsNotificationInbox;
import io.github.springwithings.notification.R2dbcWithingsNotificationInbox;
import io.github.springwithings.notification.WithingsNotificationFilter;
import io.github.springwithings.notification.WithingsNotificationInbox;
import io.github.springwithings.notification.WithingsNotificationObservationFilter;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsNotificationWebFilter;
import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.notification.WithingsReactiveNotifications;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.micrometer.observation.ObservationRegistry;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.server.WebFilter;

/**
 * Auto-configuration of Withings notifications, when {@code withings.notifications.callback-url}
 * is set (and {@code withings.notifications.enabled} is not {@code false}): in web
 * applications the callback (a servlet filter or a WebFlux web filter, before Spring Security's,
 * serving that exact path, so that Boot's default security chain and the application's own both
 * stay as they are), handing notifications off to a bounded executor of its own (or, with
 * {@code withings.notifications.executor.use-application-executor}, to the application's), and an
 * {@code ObservationFilter} that masks the callback's secret path; with the API clients the
 * {@link WithingsNotifications} subscriptions client, its reactive face, and subscribe-on-link.
 */
@AutoConfiguration(after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
		WithingsOAuth2ClientAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
		WithingsApiClientAutoConfiguration.class, TaskExecutionAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "withings.notifications.enabled", matchIfMissing = true)
@ConditionalOnProperty("withings.notifications.callback-url")
@EnableConfigurationProperties(WithingsNotificationProperties.class)
public final class WithingsNotificationsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WithingsNotificationsAutoConfiguration.class);

	/**
	 * The subscriptions client, subscribing to {@code callback-url} (port 0: the server's port,
	 * known once it runs, read at each call).
	 */
	@Bean
	@ConditionalOnBean({ WithingsApi.class, WithingsLinkedUsers.class })
	@ConditionalOnMissingBean
	WithingsNotifications withingsNotifications(WithingsApi withingsApi, WithingsLinkedUsers linkedUsers,
			WithingsNotificationProperties properties, Environment environment) {
		properties.resolvePath(); // fail at start-up on a URL that is not one
		WithingsNotifications notifications = new WithingsNotifications(withingsApi, linkedUsers,
				() -> properties.resolveCallbackUrl(environment.getProperty("local.server.port")));
		if (!properties.getAppli().isEmpty()) {
			notifications.setDefaultAppli(properties.getAppli());
		}
		notifications.setSpacing(properties.getSubscribeSpacing());
		return notifications;
	}

	@Bean
	@ConditionalOnBean(WithingsNotifications.class)
	@ConditionalOnProperty(name = "withings.notifications.subscribe-on-link", havingValue = "true", matchIfMissing = true)
	@ConditionalOnMissingBean
	WithingsSubscribeOnLink withingsSubscribeOnLink(WithingsNotifications notifications,
			WithingsNotificationProperties properties, ObjectProvider<ObservationRegistry> observationRegistry) {
		WithingsSubscribeOnLink subscribeOnLink = new WithingsSubscribeOnLink(notifications);
		subscribeOnLink.setRetryDelays(properties.getSubscribeRetryDelays());
		subscribeOnLink.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		return subscribeOnLink;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Mono.class)
	static class ReactiveNotificationsConfiguration {

		@Bean
		@ConditionalOnBean({ WithingsApi.class, WithingsLinkedUsers.class }) // as withingsNotifications
		@ConditionalOnMissingBean
		WithingsReactiveNotifications withingsReactiveNotifications(WithingsNotifications notifications) {
			return new WithingsReactiveNotifications(notifications);
		}

	}

	/**
	 * The starter's own notification executor (not an {@link Executor} bean, so that Boot's
	 * {@code applicationTaskExecutor} is still made): bounded, rejecting when full.
	 */
	@Bean
	@ConditionalOnWebApplication
	@ConditionalOnProperty(name = "withings.notifications.executor.use-application-executor", havingValue = "false",
			matchIfMissing = true)
	NotificationExecutor withingsNotificationExecutor(WithingsNotificationProperties properties) {
		return new NotificationExecutor(properties.getExecutor().getThreads(),
				properties.getExecutor().getQueueCapacity());
	}

	@Bean
	@ConditionalOnWebApplication
	@ConditionalOnMissingBean
	WithingsNotificationReceiver withingsNotificationReceiver(WithingsNotificationProperties properties,
			ObjectProvider<WithingsAuthorizedClientService> authorizedClientService,
			ObjectProvider<WithingsClientRegistrations> registrations, Environment environment,
			ApplicationEventPublisher publisher, ObjectProvider<NotificationExecutor> ownExecutor,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> applicationTaskExecutor,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WithingsAuthorizedClients> authorizedClients,
			ObjectProvider<WithingsNotificationInbox> inbox, ObjectProvider<NotificationInboxExecutor> inboxExecutor) {
		WithingsAuthorizedClientService store = authorizedClientService.getIfUnique();
		if (store == null) {
			throw new IllegalStateException("withings.notifications.callback-url is set, but there is no "
					+ "WithingsAuthorizedClientService to find the notified users in (a Withings registration "
					+ "and the starter's store are needed)");
		}
		List<String> registrationIds = new ArrayList<>(registrations
			.getIfAvailable(() -> WithingsClientRegistrations.withIds(WithingsRegistrationIds.find(environment)))
			.getRegistrationIds());
		registrationIds.sort((a, b) -> "withings".equals(a) ? -1 : "withings".equals(b) ? 1 : a.compareTo(b));
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(properties.resolvePath(), store,
				registrationIds, publisher, executor(properties, ownExecutor, applicationTaskExecutor));
		receiver.setAllowedSources(properties.getAllowedSources());
		receiver.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		authorizedClients.ifAvailable(receiver::setAuthorizedClients);
		WithingsNotificationInbox durable = properties.getInbox().isEnabled() ? inbox.getIfUnique() : null;
		if (durable != null) {
			receiver.setInbox(durable, inboxExecutor.getObject().executor.executor);
			logger.debug("Withings notifications go through the durable inbox (withings_notification_inbox) as "
					+ durable.getInstanceId());
		}
		return receiver;
	}

	/**
	 * Polls the inbox for notifications due (a retry, or a claim whose instance died): at
	 * start-up, then every {@code withings.notifications.inbox.poll-interval}.
	 */
	@Bean
	@ConditionalOnWebApplication
	@ConditionalOnBean(WithingsNotificationInbox.class)
	@ConditionalOnBooleanProperty(name = "withings.notifications.inbox.enabled", matchIfMissing = true)
	WithingsSchedule withingsNotificationInboxSchedule(WithingsNotificationReceiver receiver,
			WithingsNotificationProperties properties) {
		return new WithingsSchedule("withings-notification-inbox", (carryOn) -> receiver.pollInbox(), Duration.ZERO,
				properties.getInbox().getPollInterval());
	}

	/**
	 * Where the inbox's inserts run (not the request thread, which may be an event loop, nor the
	 * listeners' executor, which a slow listener may fill): bounded, rejecting when full (503).
	 */
	@Bean
	@ConditionalOnWebApplication
	@ConditionalOnBean(WithingsNotificationInbox.class)
	@ConditionalOnBooleanProperty(name = "withings.notifications.inbox.enabled", matchIfMissing = true)
	NotificationInboxExecutor withingsNotificationInboxExecutor(WithingsNotificationProperties properties) {
		return new NotificationInboxExecutor(new NotificationExecutor("withings-notification-inbox-",
				properties.getInbox().getThreads(), properties.getInbox().getQueueCapacity()));
	}

	private static <T extends WithingsNotificationInbox> T configured(T inbox, WithingsNotificationProperties.Inbox settings) {
		if (StringUtils.hasText(settings.getInstanceId())) {
			inbox.setInstanceId(settings.getInstanceId().trim());
		}
		inbox.setLease(settings.getLease());
		inbox.setMaxAttempts(settings.getMaxAttempts());
		inbox.setBackoff(settings.getInitialBackoff(), settings.getMaxBackoff());
		inbox.setDoneRetention(settings.getDoneRetention());
		inbox.setGivenUpRetention(settings.getGivenUpRetention());
		inbox.setBatchSize(settings.getBatchSize());
		return inbox;
	}

	/**
	 * The durable inbox in the JDBC store's database (the table is in the store's schema), when
	 * the starter's JDBC store is the one in use.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication
	@ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcOperations")
	@ConditionalOnBean(name = "jdbcWithingsAuthorizedClientService")
	@ConditionalOnBooleanProperty(name = "withings.notifications.inbox.enabled", matchIfMissing = true)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcInboxConfiguration {

		@Bean(initMethod = "verify")
		@DependsOnDatabaseInitialization
		@ConditionalOnMissingBean(WithingsNotificationInbox.class)
		JdbcWithingsNotificationInbox withingsNotificationInbox(DataSource dataSource,
				WithingsNotificationProperties properties) {
			return configured(new JdbcWithingsNotificationInbox(dataSource), properties.getInbox());
		}

	}

	/**
	 * The durable inbox in the R2DBC store's database, when the starter's R2DBC store is the one
	 * in use (its statements run on the receiver's executor, never on an event loop).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication
	@ConditionalOnClass(name = "org.springframework.r2dbc.core.DatabaseClient")
	@ConditionalOnBean(name = "r2dbcWithingsAuthorizedClientService")
	@ConditionalOnBooleanProperty(name = "withings.notifications.inbox.enabled", matchIfMissing = true)
	static class R2dbcInboxConfiguration {

		@Bean(initMethod = "verify")
		@DependsOnDatabaseInitialization
		@ConditionalOnMissingBean(WithingsNotificationInbox.class)
		R2dbcWithingsNotificationInbox withingsNotificationInbox(ConnectionFactory connectionFactory,
				WithingsNotificationProperties properties) {
			return configured(new R2dbcWithingsNotificationInbox(connectionFactory), properties.getInbox());
		}

	}

	private static Executor executor(WithingsNotificationProperties properties,
			ObjectProvider<NotificationExecutor> ownExecutor, ObjectProvider<Executor> applicationTaskExecutor) {
		if (!properties.getExecutor().isUseApplicationExecutor()) {
			return ownExecutor.getObject().executor;
		}
		Executor executor = applicationTaskExecutor.getIfAvailable();
		if (executor == null) {
			throw new IllegalStateException("withings.notifications.executor.use-application-executor is true, but "
					+ "there is no " + TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME + " bean");
		}
		logger.debug("Withings notifications are handed to the application's task executor: it must reject, "
				+ "not block, when full");
		return executor;
	}

	/**
	 * Masks the callback's secret path in every observation ({@code http.url} of the server
	 * request observations, on either web stack).
	 */
	@Bean
	@ConditionalOnWebApplication
	@ConditionalOnMissingBean
	WithingsNotificationObservationFilter withingsNotificationObservationFilter(
			WithingsNotificationProperties properties) {
		return new WithingsNotificationObservationFilter(properties.resolvePath());
	}

	/**
	 * The starter's notification executor: named daemon threads, a bounded queue, and
	 * {@link ThreadPoolExecutor.AbortPolicy}: a full executor throws at once, never blocks the
	 * request thread or the event loop, and the callback answers 503. Stopped with the context.
	 */
	static final class NotificationExecutor implements DisposableBean {

		final ThreadPoolExecutor executor;

		NotificationExecutor(int threads, int queueCapacity) {
			this("withings-notification-", threads, queueCapacity);
		}

		NotificationExecutor(String threadNamePrefix, int threads, int queueCapacity) {
			Assert.isTrue(threads > 0, "threads must be positive");
			Assert.isTrue(queueCapacity >= 0, "queue-capacity must not be negative");
			CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(threadNamePrefix);
			threadFactory.setDaemon(true);
			this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
					(queueCapacity > 0) ? new LinkedBlockingQueue<>(queueCapacity) : new SynchronousQueue<>(),
					threadFactory, new ThreadPoolExecutor.AbortPolicy());
			this.executor.allowCoreThreadTimeOut(true);
		}

		@Override
		public void destroy() {
			int dropped = this.executor.shutdownNow().size();
			if (dropped > 0) {
				logger.info("Withings notifications: stopping with " + dropped + " acknowledged notifications not "
						+ "handled (Withings does not send them again; with the durable inbox they are handled by "
						+ "another instance, or after a restart, once their claim ran out)");
			}
		}

	}

	/**
	 * The executor of the inbox's inserts (a type of its own: the receiver finds the listeners'
	 * executor by its type).
	 */
	static final class NotificationInboxExecutor implements DisposableBean {

		final NotificationExecutor executor;

		NotificationInboxExecutor(NotificationExecutor executor) {
			this.executor = executor;
		}

		@Override
		public void destroy() {
			this.executor.executor.shutdownNow();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "jakarta.servlet.Filter")
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "withingsNotificationFilterRegistration")
		FilterRegistrationBean<WithingsNotificationFilter> withingsNotificationFilterRegistration(
				WithingsNotificationReceiver receiver, Environment environment) {
			return BeforeSpringSecurity.register(new WithingsNotificationFilter(receiver), "withingsNotificationFilter",
					environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(WebFilter.class)
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsNotificationWebFilter withingsNotificationWebFilter(WithingsNotificationReceiver receiver) {
			return new WithingsNotificationWebFilter(receiver);
		}

	}

}
