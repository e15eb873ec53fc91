package io.github.springwithings.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.notify.WithingsNotificationFilter;
import io.github.springwithings.notify.WithingsNotificationReceiver;
import io.github.springwithings.notify.WithingsNotificationWebFilter;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.server.WebFilter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * the Withings notification callback, when {@code withings.notifications.callback-url} is set:
 * a servlet filter or a WebFlux web filter, before Spring Security's, serving that exact path,
 * so that Boot's default security chain and the application's own both stay as they are.
 */
@AutoConfiguration(after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
		WithingsOAuth2ClientAutoConfiguration.class, TaskExecutionAutoConfiguration.class })
@ConditionalOnWebApplication
@ConditionalOnProperty("withings.notifications.callback-url")
@EnableConfigurationProperties(WithingsNotificationProperties.class)
public final class WithingsNotificationsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WithingsNotificationsAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	WithingsNotificationReceiver withingsNotificationReceiver(WithingsNotificationProperties properties,
			ObjectProvider<WithingsAuthorizedClientService> authorizedClientService,
			ObjectProvider<WithingsClientRegistrations> registrations, Environment environment,
			ApplicationEventPublisher publisher,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> applicationTaskExecutor,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WithingsAuthorizedClients> authorizedClients) {
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
				registrationIds, publisher, applicationTaskExecutor.getIfAvailable(
						WithingsNotificationsAutoConfiguration::ownExecutor));
		receiver.setAllowedSources(properties.getAllowedSources());
		receiver.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		authorizedClients.ifAvailable(receiver::setAuthorizedClients);
		return receiver;
	}

	/** Without Boot's task executor: two daemon threads, a bounded queue (beyond it, 503). */
	private static Executor ownExecutor() {
		logger.debug("No applicationTaskExecutor: Withings notifications are handed to their own executor");
		ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1000),
				daemonThreads());
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private static CustomizableThreadFactory daemonThreads() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("withings-notification-");
		threads.setDaemon(true);
		return threads;
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
