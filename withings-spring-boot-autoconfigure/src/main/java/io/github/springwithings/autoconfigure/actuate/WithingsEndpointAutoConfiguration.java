package io.github.springwithings.autoconfigure.actuate;

import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.actuate.endpoint.WithingsEndpoint;
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
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the {@code withings} actuator endpoint, when Spring Boot Actuator is
 * present and the starter has a store of authorized clients; available when exposed, as Boot's
 * own ({@code management.endpoints.web.exposure.include=health,withings}). Backs off when the
 * application defines its own.
 */
@AutoConfiguration(
		after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
				WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
				WithingsOAuth2ClientAutoConfiguration.class, WithingsReactiveOAuth2ClientAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsApiClientAutoConfiguration.class,
				WithingsNotificationsAutoConfiguration.class, WithingsRedirectUriHeadAutoConfiguration.class })
@ConditionalOnClass(value = ConditionalOnAvailableEndpoint.class,
		name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean({ WithingsAuthorizedClientService.class, WithingsClientRegistrations.class })
@Import(WithingsStatisticsConfiguration.class)
public final class WithingsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	WithingsEndpoint withingsEndpoint(WithingsStatistics statistics) {
		return new WithingsEndpoint(statistics);
	}

}
