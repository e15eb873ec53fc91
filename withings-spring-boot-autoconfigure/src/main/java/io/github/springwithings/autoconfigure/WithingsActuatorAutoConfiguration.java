package io.github.springwithings.autoconfigure;

import io.github.springwithings.actuate.endpoint.WithingsEndpoint;
import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.actuate.metrics.WithingsMetrics;
import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * the starter's Spring Boot Actuator support, when Actuator is present and the starter has a
 * store of authorized clients: the {@code withings} health contributor (switched by
 * {@code management.health.withings.enabled}), the {@code withings} endpoint (available when
 * exposed, as Boot's own: {@code management.endpoints.web.exposure.include=health,withings}) and
 * the {@code withings.*} metrics (with a {@link MeterRegistry}). Each backs off when the
 * application defines its own.
 */
@AutoConfiguration(
		after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
				WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
				WithingsOAuth2ClientAutoConfiguration.class, WithingsReactiveOAuth2ClientAutoConfiguration.class,
				WithingsApiClientAutoConfiguration.class, WithingsNotificationsAutoConfiguration.class,
				WithingsRedirectUriProbeAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean({ WithingsAuthorizedClientService.class, WithingsClientRegistrations.class })
@EnableConfigurationProperties(WithingsHealthProperties.class)
public final class WithingsActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsStatistics withingsStatistics(WithingsAuthorizedClientService authorizedClientService,
			WithingsClientRegistrations registrations, ObjectProvider<WithingsKeepAlive> keepAlive,
			ObjectProvider<WithingsInDoubtRefreshes> inDoubtRefreshes, ObjectProvider<WithingsRateBudget> rateBudget,
			ObjectProvider<WithingsNotificationReceiver> notificationReceiver,
			ObjectProvider<WithingsSubscribeOnLink> subscribeOnLink, ObjectProvider<WithingsReachability> reachability) {
		WithingsStatistics statistics = new WithingsStatistics(authorizedClientService,
				registrations.getRegistrationIds());
		inDoubtRefreshes.ifUnique(statistics::setInDoubtRefreshes);
		keepAlive.ifUnique(statistics::setKeepAlive);
		rateBudget.ifUnique(statistics::setRateBudget);
		notificationReceiver.ifUnique(statistics::setNotificationReceiver);
		subscribeOnLink.ifUnique(statistics::setSubscribeOnLink);
		reachability.ifUnique(statistics::setReachability);
		return statistics;
	}

	/**
	 * Probes Withings for the health contributor, the endpoint and the metrics, in the background,
	 * without the rate limit's interceptor: it takes a permit free now itself, never waiting for
	 * one.
	 */
	@Bean
	@ConditionalOnBean(ClientRegistrationRepository.class)
	@ConditionalOnMissingBean
	WithingsReachability withingsReachability(WithingsRestClientBuilders restClientBuilders,
			ClientRegistrationRepository clientRegistrationRepository, WithingsClientRegistrations registrations,
			ObjectProvider<WithingsRateBudget> rateBudget, WithingsHealthProperties properties) {
		WithingsReachability reachability = new WithingsReachability(restClientBuilders.create()
			.requestInterceptors((interceptors) -> interceptors.removeIf(WithingsRateLimitInterceptor.class::isInstance))
			.build(), clientRegistrationRepository, registrations.getRegistrationIds());
		rateBudget.ifUnique(reachability::setRateBudget);
		reachability.setCache(properties.getCache());
		reachability.setMaxAge(properties.getMaxAge());
		return reachability;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("withings")
	static class HealthConfiguration {

		/**
		 * Withings' state in the details; DOWN for a Withings outage only when
		 * {@code withings.health.strict}.
		 */
		@Bean
		@ConditionalOnBean(ClientRegistrationRepository.class)
		@ConditionalOnMissingBean(name = { "withingsHealthIndicator", "withingsHealthContributor" })
		WithingsHealthIndicator withingsHealthIndicator(WithingsReachability reachability,
				WithingsClientRegistrations registrations, WithingsAuthorizedClientService authorizedClientService,
				WithingsHealthProperties properties) {
			WithingsHealthIndicator indicator = new WithingsHealthIndicator(reachability,
					registrations.getRegistrationIds(), authorizedClientService);
			indicator.setStrict(properties.isStrict());
			return indicator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		WithingsEndpoint withingsEndpoint(WithingsStatistics statistics) {
			return new WithingsEndpoint(statistics);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsMetrics withingsMetrics(WithingsStatistics statistics) {
			return new WithingsMetrics(statistics);
		}

	}

}
