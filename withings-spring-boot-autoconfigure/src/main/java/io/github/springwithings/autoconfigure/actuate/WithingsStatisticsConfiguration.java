package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.autoconfigure.WithingsRestClientBuilders;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * What the health contributor, the endpoint and the metrics read: the statistics of the starter's
 * features and Withings' reachability. Imported by each of their auto-configurations.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WithingsHealthProperties.class)
class WithingsStatisticsConfiguration {

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

}
