package io.github.springwithings.autoconfigure;

import java.net.http.HttpClient;

import io.github.springwithings.oauth2.client.endpoint.WithingsReactiveAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.userinfo.WithingsReactiveOAuth2UserService;
import io.github.springwithings.oauth2.client.web.WithingsAuthorizationRequestCustomizer;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration for WebFlux applications: reactive token clients that speak Withings, a
 * reactive user service that builds the principal from {@code userid}, and an authorization
 * request resolver that joins scopes with commas. Spring's reactive manager and
 * {@code ServerHttpSecurity.oauth2Login()} pick them up. (Refreshes are not coordinated yet on
 * this stack: the single-flight store is servlet-only.)
 */
@AutoConfiguration(after = ReactiveOAuth2ClientAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ Flux.class, ClientRegistration.class, WebClient.class })
@EnableConfigurationProperties(WithingsProperties.class)
public final class WithingsReactiveOAuth2ClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WithingsClientRegistrations withingsClientRegistrations(Environment environment) {
		return WithingsClientRegistrations.withIds(WithingsRegistrationIds.find(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveOAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> withingsReactiveAuthorizationCodeTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			ObjectProvider<WebClient.Builder> webClientBuilder) {
		return WithingsReactiveAccessTokenResponseClient.authorizationCode(registrations,
				properties.getClientAuthentication(), webClient(webClientBuilder, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> withingsReactiveRefreshTokenTokenResponseClient(
			WithingsClientRegistrations registrations, WithingsProperties properties,
			ObjectProvider<WebClient.Builder> webClientBuilder) {
		return WithingsReactiveAccessTokenResponseClient.refreshToken(registrations, properties.getClientAuthentication(),
				webClient(webClientBuilder, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> withingsReactiveOAuth2UserService(
			WithingsClientRegistrations registrations) {
		return new WithingsReactiveOAuth2UserService(registrations);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ReactiveClientRegistrationRepository.class)
	ServerOAuth2AuthorizationRequestResolver withingsServerAuthorizationRequestResolver(
			ReactiveClientRegistrationRepository clientRegistrationRepository, WithingsClientRegistrations registrations,
			WithingsProperties properties) {
		WithingsAuthorizationRequestCustomizer customizer = new WithingsAuthorizationRequestCustomizer(
				registrations::isWithings);
		customizer.setDemoMode(properties.isDemoMode());
		DefaultServerOAuth2AuthorizationRequestResolver resolver = new DefaultServerOAuth2AuthorizationRequestResolver(
				clientRegistrationRepository);
		resolver.setAuthorizationRequestCustomizer(customizer);
		return resolver;
	}

	private static WebClient webClient(ObjectProvider<WebClient.Builder> webClientBuilder, WithingsProperties properties) {
		WithingsProperties.Http http = properties.getHttp();
		JdkClientHttpConnector connector = new JdkClientHttpConnector(
				HttpClient.newBuilder().connectTimeout(http.getConnectTimeout()).build());
		connector.setReadTimeout(http.getReadTimeout());
		return webClientBuilder.getIfAvailable(WebClient::builder).clientConnector(connector).build();
	}

}
