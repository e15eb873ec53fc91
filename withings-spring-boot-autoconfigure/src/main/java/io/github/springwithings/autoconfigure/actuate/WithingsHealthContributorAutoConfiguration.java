package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.autoconfigure.WithingsApiClientAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsAuthorizedClientServiceAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsAuthorizedClientsAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsKeepAliveAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsNotificationsAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsRateLimitAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsReactiveAuthorizedClientServiceAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsReactiveOAuth2ClientAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsRedirectUriHeadAutoConfiguration;
import io.github.springwithings.autoconfigure.WithingsSyncAutoConfiguration;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.sync.WithingsDataSync;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * Auto-configuration of the {@code withings} health contributor, when Spring Boot Actuator's
 * health module is present and the starter has a store of authorized clients (switched by
 * {@code management.health.withings.enabled}). Backs off when the application defines its own.
 */
@AutoConfiguration(
		after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
				WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
				WithingsOAuth2ClientAutoConfiguration.class, WithingsReactiveOAuth2ClientAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
				WithingsNotificationsAutoConfiguration.class, WithingsRedirectUriHeadAutoConfiguration.class,
				WithingsSyncAutoConfiguration.class })
@ConditionalOnClass(value = { HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class },
		name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean({ WithingsAuthorizedClientService.class, WithingsClientRegistrations.class })
@ConditionalOnEnabledHealthIndicator("withings")
@Import(WithingsStatisticsConfiguration.class)
public final class WithingsHealthContributorAutoConfiguration {

	/**
	 * Withings' state in the details; DOWN for a Withings outage only when
	 * {@code withings.health.strict}.
	 */
	@Bean
	@ConditionalOnBean(ClientRegistrationRepository.class)
	@ConditionalOnMissingBean(name = { "withingsHealthIndicator", "withingsHealthContributor" })
	WithingsHealthIndicator withingsHealthIndicator(WithingsReachability reachability,
			WithingsClientRegistrations registrations, WithingsAuthorizedClientService authorizedClientService,
			WithingsHealthProperties properties, ObjectProvider<WithingsDataSync> sync) {
		WithingsHealthIndicator indicator = new WithingsHealthIndicator(reachability,
				registrations.getRegistrationIds(), authorizedClientService);
		indicator.setStrict(properties.isStrict());
		sync.ifAvailable((dataSync) -> indicator.setSyncStatistics(dataSync.getStatistics()));
		return indicator;
	}

}
