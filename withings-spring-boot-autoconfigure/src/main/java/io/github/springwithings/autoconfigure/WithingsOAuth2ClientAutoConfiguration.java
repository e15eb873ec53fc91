package io.github.springwithings.autoconfigure;

import java.util.List;

import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.UserIdRememberingTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizationRecovery;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.userinfo.WithingsOAuth2UserService;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.DelegatingOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration that makes Withings registrations work with Spring Security's OAuth2 client:
 * token clients (sign-in, linking and refresh) that speak Withings, a user service that builds
 * the principal from {@code userid}, a nonce kept ready in signature mode, the recovery of lost
 * authorizations ({@code withings.recovery.enabled}) and, in servlet applications, an
 * authorization request resolver that joins scopes with commas. Spring's own authorized-client
 * manager picks these beans up; every one of them backs off when the application defines its own.
 */
@AutoConfiguration(after = OAuth2ClientAutoConfiguration.class)
@ConditionalOnClass({ ClientRegistration.class, RestClient.class })
@EnableConfigurationProperties(WithingsProperties.class)
@Import({ WithingsOAuth2ClientConfigurations.NonceConfiguration.class,
		WithingsOAuth2ClientConfigurations.RecoveryConfiguration.class,
		WithingsOAuth2ClientConfigurations.ServletConfiguration.class })
public final class WithingsOAuth2ClientAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WithingsOAuth2ClientAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	WithingsRestClientBuilders withingsRestClientBuilders(ObjectProvider<RestClient.Builder> restClientBuilder,
			WithingsProperties properties,
			@Qualifier("withingsRateLimitInterceptor") ObjectProvider<ClientHttpRequestInterceptor> rateLimitInterceptor) {
		return new WithingsRestClientBuilders(restClientBuilder, properties, rateLimitInterceptor.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	WithingsClientRegistrations withingsClientRegistrations(Environment environment) {
		return WithingsClientRegistrations.withIds(WithingsRegistrationIds.find(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> withingsAuthorizationCodeTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			WithingsRestClientBuilders restClientBuilders,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClientService,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher) {
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(registrations, properties.getClientAuthentication(), restClientBuilders.create());
		client.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		restClientBuilders.ifRateBudget(client::setRateBudget);
		noncePrefetcher.ifAvailable(client::setNoncePrefetcher);
		OAuth2AuthorizedClientService service = authorizedClientService.getIfUnique();
		if (service instanceof WithingsAuthorizedClientService store) {
			return new UserIdRememberingTokenResponseClient(client, store);
		}
		if (service != null) {
			logger.info("The OAuth2AuthorizedClientService is not a WithingsAuthorizedClientService: code exchanges are "
					+ "not remembered as consents, and the starter stores no Withings user ids");
		}
		else {
			logger.debug("No unique OAuth2AuthorizedClientService: code exchanges are not remembered as consents");
		}
		return client;
	}

	/**
	 * The refresh client Spring's manager uses: single-flight, persist-before-use refreshes when
	 * the store is a {@link WithingsAuthorizedClientService}.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withingsRefreshTokenTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			WithingsRestClientBuilders restClientBuilders,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClientService,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<WithingsNoncePrefetcher> noncePrefetcher,
			ObjectProvider<WithingsAuthorizationRecovery> recovery) {
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = WithingsAccessTokenResponseClient
			.refreshToken(registrations, properties.getClientAuthentication(), restClientBuilders.create());
		client.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		restClientBuilders.ifRateBudget(client::setRateBudget);
		noncePrefetcher.ifAvailable(client::setNoncePrefetcher);
		if (authorizedClientService.getIfUnique() instanceof WithingsAuthorizedClientService store) {
			SingleFlightRefreshTokenResponseClient singleFlight = new SingleFlightRefreshTokenResponseClient(client,
					store, registrations);
			singleFlight.setMaxRateLimitWait(properties.getRefresh().getMaxRateLimitWait());
			singleFlight.setLockTimeout(properties.getRefresh().getLockTimeout());
			singleFlight.setInDoubtRetryDelay(properties.getRefresh().getInDoubtRetryDelay());
			recovery.ifAvailable(singleFlight::setRecovery);
			return singleFlight;
		}
		SingleFlightRefreshTokenResponseClient singleFlight = new SingleFlightRefreshTokenResponseClient(client,
				registrations);
		singleFlight.setMaxRateLimitWait(properties.getRefresh().getMaxRateLimitWait());
		singleFlight.setLockTimeout(properties.getRefresh().getLockTimeout());
		return singleFlight;
	}

	/**
	 * The user service of {@code oauth2Login()}: Withings registrations first, Spring's default
	 * for the others. {@link WithingsOAuth2UserService} is deliberately not a bean of its own: two
	 * beans of this type would make Spring Security ignore both.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2UserService<OAuth2UserRequest, OAuth2User> withingsOAuth2UserService(
			WithingsClientRegistrations registrations) {
		return new DelegatingOAuth2UserService<>(
				List.of(new WithingsOAuth2UserService(registrations), new DefaultOAuth2UserService()));
	}

}
