package io.github.springwithings.autoconfigure;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import io.github.springwithings.oauth2.client.WithingsAuthorizationRecovery;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.oauth2.client.web.WithingsAuthorizationRequestCustomizer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.DelegatingOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.user.OAuth2User;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsOAuth2ClientAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class));

	private final WebApplicationContextRunner withingsAndGitHub = this.contextRunner.withPropertyValues(
			REGISTRATION + "withings.client-id=withings-id", REGISTRATION + "withings.client-secret=withings-secret",
			REGISTRATION + "github.client-id=github-id", REGISTRATION + "github.client-secret=github-secret",
			REGISTRATION + "github.scope=read:user,repo");

	@Test
	void autoConfigurationWhenOnlyClientIdAndSecretThenWithingsRegistrationAndBeans() {
		this.contextRunner
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
			.run((context) -> {
				ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
					.findByRegistrationId("withings");
				assertThat(registration.getProviderDetails().getAuthorizationUri())
					.isEqualTo("https://account.withings.com/oauth2_user/authorize2");
				assertThat(registration.getProviderDetails().getTokenUri())
					.isEqualTo("https://wbsapi.withings.net/v2/oauth2");
				assertThat(registration.getClientAuthenticationMethod())
					.isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
				assertThat(registration.getScopes()).containsExactly("user.metrics", "user.activity");
				assertThat(context.getBean(WithingsClientRegistrations.class).getRegistrationIds())
					.containsExactly("withings");
				assertThat(context.getBean(WithingsProperties.class).getClientAuthentication().name())
					.isEqualTo("SIGNATURE");
				assertThat(context.getBeanProvider(authorizationCodeClientType()).getObject())
					.isInstanceOf(WithingsAccessTokenResponseClient.class);
				assertThat(context.getBeanProvider(refreshTokenClientType()).getObject())
					.isInstanceOf(io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient.class);
				assertThat(context.getBeanProvider(userServiceType()).getObject())
					.isInstanceOf(DelegatingOAuth2UserService.class);
				assertThat(context).hasSingleBean(OAuth2AuthorizationRequestResolver.class)
					.hasSingleBean(WithingsAuthorizationRequestCustomizer.class);
			});
	}

	@Test
	void autoConfigurationWhenBaseUrisSetThenProviderUsesThem() {
		this.contextRunner
			.withPropertyValues(REGISTRATION + "withings.client-id=id", "withings.api-base-uri=http://127.0.0.1:9000",
					"withings.account-base-uri=http://127.0.0.1:9001/", "withings.client-authentication=client-secret")
			.run((context) -> {
				ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
					.findByRegistrationId("withings");
				assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("http://127.0.0.1:9000/v2/oauth2");
				assertThat(registration.getProviderDetails().getAuthorizationUri())
					.isEqualTo("http://127.0.0.1:9001/oauth2_user/authorize2");
				assertThat(context.getBean(WithingsProperties.class).getClientAuthentication().name())
					.isEqualTo("CLIENT_SECRET");
			});
	}

	@Test
	void authorizationRequestResolverWhenWithingsAndGitHubThenOnlyWithingsScopesCommaJoined() {
		this.withingsAndGitHub.run((context) -> {
			OAuth2AuthorizationRequestResolver resolver = context.getBean(OAuth2AuthorizationRequestResolver.class);

			OAuth2AuthorizationRequest withings = resolver.resolve(authorizationRequest("withings"));
			OAuth2AuthorizationRequest github = resolver.resolve(authorizationRequest("github"));

			assertThat(withings.getAuthorizationRequestUri()).startsWith("https://account.withings.com/oauth2_user/authorize2?")
				.contains("scope=user.metrics,user.activity")
				.contains("state=")
				.doesNotContain("code_challenge")
				.doesNotContain("mode=demo");
			assertThat(github.getAuthorizationRequestUri()).startsWith("https://github.com/login/oauth/authorize?")
				.contains("scope=read:user%20repo");
			ClientRegistration githubRegistration = context.getBean(ClientRegistrationRepository.class)
				.findByRegistrationId("github");
			assertThat(githubRegistration.getClientAuthenticationMethod())
				.isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
			assertThat(githubRegistration.getProviderDetails().getTokenUri())
				.isEqualTo("https://github.com/login/oauth/access_token");
			assertThat(context.getBean(WithingsClientRegistrations.class).getRegistrationIds())
				.containsExactly("withings");
		});
	}

	@Test
	void authorizationRequestResolverWhenDemoModeThenModeDemo() {
		this.withingsAndGitHub.withPropertyValues("withings.demo-mode=true").run((context) -> {
			OAuth2AuthorizationRequestResolver resolver = context.getBean(OAuth2AuthorizationRequestResolver.class);

			assertThat(resolver.resolve(authorizationRequest("withings")).getAuthorizationRequestUri())
				.contains("mode=demo");
			assertThat(resolver.resolve(authorizationRequest("github")).getAuthorizationRequestUri())
				.doesNotContain("mode=demo");
		});
	}

	@Test
	void autoConfigurationWhenProviderWithingsOnOtherIdThenThatRegistrationIsWithings() {
		this.contextRunner
			.withPropertyValues(REGISTRATION + "withings-demo.client-id=id", REGISTRATION + "withings-demo.provider=withings")
			.run((context) -> {
				assertThat(context.getBean(WithingsClientRegistrations.class).getRegistrationIds())
					.containsExactly("withings-demo");
				assertThat(context.getBean(ClientRegistrationRepository.class)
					.findByRegistrationId("withings-demo")
					.getScopes()).containsExactly("user.metrics", "user.activity");
			});
	}

	@Test
	void autoConfigurationWhenUserDefinesBeansThenStarterBacksOff() {
		this.contextRunner.withPropertyValues(REGISTRATION + "withings.client-id=id")
			.withUserConfiguration(UserBeans.class)
			.run((context) -> {
				assertThat(context.getBeanProvider(authorizationCodeClientType()).getObject())
					.isSameAs(context.getBean("userAuthorizationCodeClient"));
				assertThat(context.getBeanProvider(refreshTokenClientType()).getObject())
					.isInstanceOf(RestClientRefreshTokenTokenResponseClient.class);
				assertThat(context.getBeanProvider(userServiceType()).getObject())
					.isInstanceOf(DefaultOAuth2UserService.class);
				assertThat(context.getBean(OAuth2AuthorizationRequestResolver.class))
					.isSameAs(context.getBean("userResolver"));
				assertThat(context.getBean(WithingsClientRegistrations.class).getRegistrationIds())
					.containsExactly("mine");
			});
	}

	@Test
	void autoConfigurationWhenRecoveryDisabledThenBacksOff() {
		WebApplicationContextRunner withStore = this.contextRunner
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
			.withConfiguration(AutoConfigurations.of(WithingsAuthorizedClientServiceAutoConfiguration.class));
		withStore.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(WithingsAuthorizationRecovery.class);
			assertThat(recovery(context)).isNull();
		});
		withStore.withPropertyValues("withings.recovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsAuthorizationRecovery.class));
		withStore.withPropertyValues("withings.recovery.enabled=true", "withings.recovery.redirect-uri=https://app.example.com/cb")
			.run((context) -> {
				assertThat(context).hasSingleBean(WithingsAuthorizationRecovery.class);
				assertThat(recovery(context)).isSameAs(context.getBean(WithingsAuthorizationRecovery.class));
			});
	}

	private static Object recovery(org.springframework.context.ApplicationContext context) {
		Object refresh = context.getBeanProvider(ResolvableType.forClassWithGenerics(
				org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient.class,
				OAuth2RefreshTokenGrantRequest.class))
			.getObject();
		return org.springframework.test.util.ReflectionTestUtils.getField(refresh, "recovery");
	}

	@Test
	void autoConfigurationWhenSpringSecurityOAuth2ClientAbsentThenBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ClientRegistration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WithingsClientRegistrations.class)
				.doesNotHaveBean(WithingsProperties.class));
	}

	@Test
	void autoConfigurationWhenNoRegistrationThenNoResolverButTokenClientsStillHandOthersToSpring() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(OAuth2AuthorizationRequestResolver.class);
			assertThat(context.getBean(WithingsClientRegistrations.class).getRegistrationIds()).isEmpty();
		});
	}

	@Test
	void configurationMetadataWhenBuiltThenDescribesEveryWithingsProperty() throws Exception {
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).isNotNull();
			Map<?, ?> json = JsonMapper.builder().build().readValue(metadata, Map.class);
			List<?> properties = (List<?>) json.get("properties");
			List<String> names = properties.stream().map((property) -> String.valueOf(((Map<?, ?>) property).get("name"))).toList();
			assertThat(names).contains("withings.api-base-uri", "withings.account-base-uri", "withings.client-authentication",
						"withings.demo-mode", "withings.rate-limit.scope", "withings.rate-limit.burst",
						"withings.nonce.prefetch", "withings.nonce.max-age", "withings.notifications.subscribe-spacing",
						"withings.notifications.subscribe-retry-delays");
			assertThat(properties).allSatisfy((property) -> assertThat(((Map<?, ?>) property).get("description"))
				.isNotNull());
		}
	}

	@Test
	void noncePrefetcherWhenSignatureModeThenKeptReadyAndOffOtherwise() {
		this.contextRunner.run((context) -> assertThat(context)
			.hasSingleBean(io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher.class)
			.hasBean("withingsNonceSchedule"));
		this.contextRunner.withPropertyValues("withings.client-authentication=client-secret")
			.run((context) -> assertThat(context)
				.doesNotHaveBean(io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher.class)
				.doesNotHaveBean("withingsNonceSchedule"));
		this.contextRunner.withPropertyValues("withings.nonce.prefetch=false")
			.run((context) -> assertThat(context)
				.doesNotHaveBean(io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher.class));
		this.contextRunner.withPropertyValues("withings.nonce.max-age=31m")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void autoConfigurationWhenTheAuthorizedClientServiceIsNotAWithingsOneThenTheCodeClientSaysConsentsAreNotRecognised(
			org.springframework.boot.test.system.CapturedOutput output) {
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger(WithingsOAuth2ClientAutoConfiguration.class);
		logger.setLevel(ch.qos.logback.classic.Level.INFO);
		try {
			autoConfigurationWhenTheAuthorizedClientServiceIsNotAWithingsOne(output);
		}
		finally {
			logger.setLevel(null);
		}
	}

	private void autoConfigurationWhenTheAuthorizedClientServiceIsNotAWithingsOne(
			org.springframework.boot.test.system.CapturedOutput output) {
		this.contextRunner
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
			.withBean(org.springframework.security.oauth2.client.OAuth2AuthorizedClientService.class,
					() -> new org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService(
							(registrationId) -> null))
			.run((context) -> {
				assertThat(context.getBeanProvider(authorizationCodeClientType()).getObject())
					.isInstanceOf(WithingsAccessTokenResponseClient.class);
				assertThat(output).contains("not a WithingsAuthorizedClientService: code exchanges are not remembered");
			});
		this.contextRunner
			.withPropertyValues(REGISTRATION + "withings.client-id=id", REGISTRATION + "withings.client-secret=secret")
			.withBean(org.springframework.security.oauth2.client.OAuth2AuthorizedClientService.class,
					() -> new io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService(
							(registrationId) -> null))
			.run((context) -> assertThat(context.getBeanProvider(authorizationCodeClientType()).getObject())
				.isInstanceOf(io.github.springwithings.oauth2.client.UserIdRememberingTokenResponseClient.class));
	}

	private static MockHttpServletRequest authorizationRequest(String registrationId) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/oauth2/authorization/" + registrationId);
		request.setServletPath("/oauth2/authorization/" + registrationId);
		return request;
	}

	private static ResolvableType authorizationCodeClientType() {
		return ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
				OAuth2AuthorizationCodeGrantRequest.class);
	}

	private static ResolvableType refreshTokenClientType() {
		return ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
				OAuth2RefreshTokenGrantRequest.class);
	}

	private static ResolvableType userServiceType() {
		return ResolvableType.forClassWithGenerics(OAuth2UserService.class, OAuth2UserRequest.class, OAuth2User.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> userAuthorizationCodeClient() {
			return (request) -> {
				throw new UnsupportedOperationException();
			};
		}

		@Bean
		OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> userRefreshClient() {
			return new RestClientRefreshTokenTokenResponseClient();
		}

		@Bean
		OAuth2UserService<OAuth2UserRequest, OAuth2User> userOAuth2UserService() {
			return new DefaultOAuth2UserService();
		}

		@Bean
		OAuth2AuthorizationRequestResolver userResolver(ClientRegistrationRepository repository) {
			return new DefaultOAuth2AuthorizationRequestResolver(repository, "/oauth2/authorization");
		}

		@Bean
		WithingsClientRegistrations userWithingsClientRegistrations() {
			return WithingsClientRegistrations.withIds(List.of("mine"));
		}

	}

}
