package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.oauth2.client.keepalive.WithingsSweepLog;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of the keep-alive, when {@code withings.keep-alive.enabled} (off by
 * default): a sweep, at most every {@code withings.keep-alive.interval} for the whole cluster,
 * refreshes every client whose refresh token is older than
 * {@code withings.keep-alive.max-refresh-token-age}, spaced so that it uses at most its share of
 * the rate budget. Needs a {@link WithingsAuthorizedClientService}.
 */
@AutoConfiguration(after = { WithingsAuthorizedClientServiceAutoConfiguration.class,
		WithingsOAuth2ClientAutoConfiguration.class })
@ConditionalOnClass({ ClientRegistration.class, RestClient.class })
@ConditionalOnBooleanProperty("withings.keep-alive.enabled")
@EnableConfigurationProperties({ WithingsProperties.class, WithingsKeepAliveProperties.class,
		WithingsRateLimitProperties.class })
public final class WithingsKeepAliveAutoConfiguration {

	@Bean
	@ConditionalOnBean(WithingsAuthorizedClientService.class)
	@ConditionalOnMissingBean
	WithingsKeepAlive withingsKeepAlive(WithingsAuthorizedClientService authorizedClientService,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsClientRegistrations registrations, WithingsProperties properties,
			WithingsKeepAliveProperties settings, WithingsRateLimitProperties rateLimit,
			ObjectProvider<WithingsSweepLog> sweepLog) {
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(authorizedClientService, refreshTokenResponseClient,
				registrations.getRegistrationIds());
		keepAlive.setInterval(settings.getInterval());
		keepAlive.setMaxRefreshTokenAge(settings.getMaxRefreshTokenAge());
		keepAlive.setPageSize(settings.getPageSize());
		keepAlive.setSpacing(WithingsKeepAliveSpacing.of(properties, settings, rateLimit));
		sweepLog.ifAvailable(keepAlive::setSweepLog);
		return keepAlive;
	}

	/**
	 * Looks every few minutes whether a keep-alive sweep is due for the cluster (the last start
	 * is stored), so that restarts never postpone it.
	 */
	@Bean
	@ConditionalOnBean(WithingsKeepAlive.class)
	WithingsSchedule withingsKeepAliveSchedule(WithingsKeepAlive keepAlive, WithingsKeepAliveProperties settings) {
		Duration check = WithingsKeepAliveSpacing.min(settings.getInterval(), Duration.ofMinutes(10));
		return new WithingsSchedule("withings-keep-alive", keepAlive::sweepIfDue, Duration.ofSeconds(30), check);
	}

}
