package io.github.springwithings.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsOAuth2ClientEnvironmentPostProcessorTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final StandardEnvironment environment = new StandardEnvironment();

	private final Map<String, Object> properties = new HashMap<>();

	@Test
	void postProcessEnvironmentWhenOnlyClientIdAndSecretThenWithingsDefaults() {
		this.properties.put(REGISTRATION + "withings.client-id", "id");
		this.properties.put(REGISTRATION + "withings.client-secret", "secret");

		ClientRegistration registration = registrations().get("withings");

		assertThat(registration.getProviderDetails().getAuthorizationUri())
			.isEqualTo("https://account.withings.com/oauth2_user/authorize2");
		assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("https://wbsapi.withings.net/v2/oauth2");
		assertThat(registration.getProviderDetails().getUserInfoEndpoint().getUserNameAttributeName()).isEqualTo("userid");
		assertThat(registration.getClientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		assertThat(registration.getAuthorizationGrantType()).isEqualTo(AuthorizationGrantType.AUTHORIZATION_CODE);
		assertThat(registration.getRedirectUri()).isEqualTo("{baseUrl}/login/oauth2/code/{registrationId}");
		assertThat(registration.getScopes()).containsExactly("user.metrics", "user.activity");
		assertThat(registration.getClientName()).isEqualTo("Withings");
	}

	@Test
	void postProcessEnvironmentWhenProviderIsWithingsThenSameDefaultsForOtherId() {
		this.properties.put(REGISTRATION + "withings-demo.client-id", "id");
		this.properties.put(REGISTRATION + "withings-demo.provider", "withings");

		ClientRegistration registration = registrations().get("withings-demo");

		assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("https://wbsapi.withings.net/v2/oauth2");
		assertThat(registration.getScopes()).containsExactly("user.metrics", "user.activity");
		assertThat(registration.getClientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
	}

	@Test
	void postProcessEnvironmentWhenPropertiesSetThenTheyWin() {
		this.properties.put(REGISTRATION + "withings.client-id", "id");
		this.properties.put(REGISTRATION + "withings.scope", "user.metrics,user.sleepevents");
		this.properties.put(REGISTRATION + "withings.redirect-uri", "https://app.example.org/callback");
		this.properties.put(REGISTRATION + "withings.client-name", "My scale");
		this.properties.put("spring.security.oauth2.client.provider.withings.token-uri", "https://proxy.example.org/token");

		ClientRegistration registration = registrations().get("withings");

		assertThat(registration.getScopes()).containsExactly("user.metrics", "user.sleepevents");
		assertThat(registration.getRedirectUri()).isEqualTo("https://app.example.org/callback");
		assertThat(registration.getClientName()).isEqualTo("My scale");
		assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("https://proxy.example.org/token");
	}

	@Test
	void postProcessEnvironmentWhenBaseUrisSetLaterThenProviderFollows() {
		this.properties.put(REGISTRATION + "withings.client-id", "id");
		postProcess();
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("late", Map.of("withings.api-base-uri", "http://127.0.0.1:8090/",
					"withings.account-base-uri", "http://127.0.0.1:8091")));

		ClientRegistration registration = map().get("withings");

		assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("http://127.0.0.1:8090/v2/oauth2");
		assertThat(registration.getProviderDetails().getAuthorizationUri())
			.isEqualTo("http://127.0.0.1:8091/oauth2_user/authorize2");
	}

	@Test
	void postProcessEnvironmentWhenRegistrationFromEnvironmentVariablesThenDefaults() {
		this.environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_WITHINGS_CLIENTID", "id",
									"WITHINGS_APIBASEURI", "http://localhost:9999")));

		ClientRegistration registration = registrations().get("withings");

		assertThat(registration.getClientId()).isEqualTo("id");
		assertThat(registration.getScopes()).containsExactly("user.metrics", "user.activity");
		assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("http://localhost:9999/v2/oauth2");
	}

	@Test
	void postProcessEnvironmentWhenOtherRegistrationThenUntouched() {
		this.properties.put(REGISTRATION + "withings.client-id", "id");
		this.properties.put(REGISTRATION + "github.client-id", "gh");
		this.properties.put(REGISTRATION + "github.client-secret", "gh-secret");

		Map<String, ClientRegistration> registrations = registrations();

		ClientRegistration github = registrations.get("github");
		assertThat(github.getScopes()).containsExactly("read:user");
		assertThat(github.getProviderDetails().getTokenUri()).isEqualTo("https://github.com/login/oauth/access_token");
		assertThat(github.getClientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		assertThat(github.getRedirectUri()).isEqualTo("{baseUrl}/{action}/oauth2/code/{registrationId}");
		assertThat(registrations.get("withings").getScopes()).containsExactly("user.metrics", "user.activity");
	}

	@Test
	void postProcessEnvironmentWhenNoRegistrationThenOnlyProviderDefaults() {
		postProcess();

		assertThat(this.environment.getProperty("spring.security.oauth2.client.provider.withings.token-uri"))
			.isEqualTo("https://wbsapi.withings.net/v2/oauth2");
		assertThat(map()).isEmpty();
	}

	private Map<String, ClientRegistration> registrations() {
		postProcess();
		return map();
	}

	private void postProcess() {
		this.environment.getPropertySources().addFirst(new MapPropertySource("test", this.properties));
		ConfigurationPropertySources.attach(this.environment);
		new WithingsOAuth2ClientEnvironmentPostProcessor().postProcessEnvironment(this.environment, null);
	}

	private Map<String, ClientRegistration> map() {
		OAuth2ClientProperties properties = Binder.get(this.environment)
			.bind("spring.security.oauth2.client", OAuth2ClientProperties.class)
			.orElseGet(OAuth2ClientProperties::new);
		return new OAuth2ClientPropertiesMapper(properties).asClientRegistrations();
	}

}
