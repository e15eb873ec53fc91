package io.github.springwithings.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Contributes the {@code withings} provider ({@code spring.security.oauth2.client.provider.withings.*})
 * and the defaults of every Withings registration, as Spring Security's {@code CommonOAuth2Provider}
 * does for Google or GitHub. The values go into a lowest-precedence property source, so every
 * property the application sets wins.
 */
public final class WithingsOAuth2ClientEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source holding the defaults. */
	public static final String PROPERTY_SOURCE_NAME = "withingsOAuth2ClientDefaults";

	static final String PROVIDER_PREFIX = "spring.security.oauth2.client.provider." + WithingsRegistrationIds.PROVIDER_ID + ".";

	static final String DEFAULT_SCOPE = "user.metrics,user.activity";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		WithingsProperties properties = binder.bind("withings", WithingsProperties.class).orElseGet(WithingsProperties::new);
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put(PROVIDER_PREFIX + "authorization-uri", trim(properties.getAccountBaseUri()) + "/oauth2_user/authorize2");
		defaults.put(PROVIDER_PREFIX + "token-uri", trim(properties.getApiBaseUri()) + "/v2/oauth2");
		defaults.put(PROVIDER_PREFIX + "user-name-attribute", "userid");
		for (String id : WithingsRegistrationIds.find(environment)) {
			String prefix = WithingsRegistrationIds.REGISTRATION_PREFIX + "." + id + ".";
			defaults.put(prefix + "provider", WithingsRegistrationIds.PROVIDER_ID);
			defaults.put(prefix + "client-authentication-method", "client_secret_post");
			defaults.put(prefix + "authorization-grant-type", "authorization_code");
			defaults.put(prefix + "redirect-uri", "{baseUrl}/login/oauth2/code/{registrationId}");
			defaults.put(prefix + "scope", DEFAULT_SCOPE);
			defaults.put(prefix + "client-name", "Withings");
		}
		environment.getPropertySources().remove(PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

	private static String trim(String uri) {
		return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
