package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsInDoubtRefreshes;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of what the application uses of the starter's store:
 * {@link WithingsAuthorizedClients} (a user's client, refreshed and revoked), the
 * {@link WithingsLinkedUsers} and the follow-up of refreshes in doubt, at start-up and on a
 * schedule. Needs a {@link WithingsAuthorizedClientService}; every bean backs off when the
 * application defines its own.
 */
@AutoConfiguration(after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
		WithingsOAuth2ClientAutoConfiguration.class })
@ConditionalOnClass({ ClientRegistration.class, RestClient.class })
@ConditionalOnBean(WithingsAuthorizedClientService.class)
@EnableConfigurationProperties({ WithingsProperties.class, WithingsKeepAliveProperties.class,
		WithingsRateLimitProperties.class })
public final class WithingsAuthorizedClientsAutoConfiguration {

	@Bean
	@ConditionalOnBean(ClientRegistrationRepository.class)
	@ConditionalOnMissingBean
	WithingsAuthorizedClients withingsAuthorizedClients(ClientRegistrationRepository clientRegistrationRepository,
			WithingsAuthorizedClientService authorizedClientService, WithingsClientRegistrations registrations,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsRestClientBuilders restClientBuilders) {
		String registrationId = registrations.getRegistrationIds().contains("withings") ? "withings"
				: registrations.getRegistrationIds().stream().findFirst().orElse("withings");
		return new WithingsAuthorizedClients(clientRegistrationRepository, authorizedClientService,
				refreshTokenResponseClient, new WithingsRevocationClient(restClientBuilders.create().build()),
				registrationId);
	}

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClients.class)
	@ConditionalOnMissingBean
	WithingsLinkedUsers withingsLinkedUsers(WithingsAuthorizedClientService authorizedClientService,
			WithingsAuthorizedClients authorizedClients) {
		return new WithingsLinkedUsers(authorizedClientService, authorizedClients.getDefaultRegistrationId());
	}

	@Bean
	@ConditionalOnMissingBean
	WithingsInDoubtRefreshes withingsInDoubtRefreshes(WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsClientRegistrations registrations, WithingsProperties properties,
			WithingsKeepAliveProperties keepAlive, WithingsRateLimitProperties rateLimit) {
		WithingsInDoubtRefreshes inDoubtRefreshes = new WithingsInDoubtRefreshes(authorizedClientService,
				refreshTokenResponseClient, registrations.getRegistrationIds(),
				properties.getRefresh().getInDoubtRetryDelay());
		inDoubtRefreshes.setSpacing(WithingsKeepAliveSpacing.of(properties, keepAlive, rateLimit));
		return inDoubtRefreshes;
	}

	/**
	 * Follows refreshes in doubt: at start-up (a crash before the restart left them), then every
	 * in-doubt delay.
	 */
	@Bean
	@ConditionalOnBean(WithingsInDoubtRefreshes.class)
	WithingsSchedule withingsInDoubtRefreshSchedule(WithingsInDoubtRefreshes inDoubtRefreshes,
			WithingsProperties properties) {
		Duration delay = properties.getRefresh().getInDoubtRetryDelay();
		return new WithingsSchedule("withings-in-doubt-refreshes", inDoubtRefreshes::retry,
				WithingsKeepAliveSpacing.min(delay, Duration.ofSeconds(5)), delay);
	}

}
