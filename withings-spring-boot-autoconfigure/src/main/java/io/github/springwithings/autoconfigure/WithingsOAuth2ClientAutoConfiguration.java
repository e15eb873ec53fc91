package io.github.springwithings.autoconfigure;

import java.util.List;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.userinfo.WithingsOAuth2UserService;
import io.github.springwithings.oauth2.client.web.WithingsAuthorizationRequestCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.DelegatingOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration that makes Withings registrations work with Spring Security's OAuth2 client:
 * token clients (sign-in, linking and refresh) that speak Withings, a user service that builds
 * the principal from {@code userid}, and an authorization request resolver that joins scopes
 * with commas. Spring's own authorized-client manager picks these beans up; every one of them
 * backs off when the application defines its own.
 */
@AutoConfiguration(after = OAuth2ClientAutoConfiguration.class)
@ConditionalOnClass({ ClientRegistration.class, RestClient.class })
@EnableConfigurationProperties(WithingsProperties.class)
public final class WithingsOAuth2ClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsClientRegistrations withingsClientRegistrations(Environment environment) {
		return WithingsClientRegistrations.withIds(WithingsRegistrationIds.find(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> withingsAuthorizationCodeTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			ObjectProvider<RestClient.Builder> restClientBuilder) {
		return WithingsAccessTokenResponseClient.authorizationCode(registrations, properties.getClientAuthentication(),
				restClientBuilder.getIfAvailable(RestClient::builder));
	}

	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withingsRefreshTokenTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			ObjectProvider<RestClient.Builder> restClientBuilder) {
		return WithingsAccessTokenResponseClient.refreshToken(registrations, properties.getClientAuthentication(),
				restClientBuilder.getIfAvailable(RestClient::builder));
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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsAuthorizationRequestCustomizer withingsAuthorizationRequestCustomizer(
				WithingsClientRegistrations registrations, WithingsProperties properties) {
			WithingsAuthorizationRequestCustomizer customizer = new WithingsAuthorizationRequestCustomizer(
					registrations::isWithings);
			customizer.setDemoMode(properties.isDemoMode());
			return customizer;
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ClientRegistrationRepository.class)
		OAuth2AuthorizationRequestResolver withingsAuthorizationRequestResolver(
				ClientRegistrationRepository clientRegistrationRepository,
				WithingsAuthorizationRequestCustomizer customizer) {
			DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
					clientRegistrationRepository,
					OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
			resolver.setAuthorizationRequestCustomizer(customizer);
			return resolver;
		}

	}

}
