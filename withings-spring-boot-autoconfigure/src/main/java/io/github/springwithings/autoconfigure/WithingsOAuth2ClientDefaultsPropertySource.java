package io.github.springwithings.autoconfigure;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Default values for the {@code withings} provider and for Withings registrations, computed when
 * they are looked up so that they follow {@code withings.*} and registrations from every other
 * property source, including those added after start-up (tests' dynamic properties, for
 * example). Any property the application sets elsewhere wins, wherever its property source stands.
 *
 * <p>Only the provider keys are enumerated (Boot discovers the {@code withings} provider that
 * way); registration defaults are answered when asked for, for registrations declared elsewhere.
 * A registration is a Withings one when its {@code provider} is {@code withings}, or when it has no
 * provider and its id is {@code withings}. Lookups read the other property sources only, never
 * this one, so they cannot recurse.
 */
final class WithingsOAuth2ClientDefaultsPropertySource extends EnumerablePropertySource<Object> {

	static final String NAME = "withingsOAuth2ClientDefaults";

	static final String PROVIDER_PREFIX = "spring.security.oauth2.client.provider." + WithingsRegistrationIds.PROVIDER_ID
			+ ".";

	static final String REGISTRATION_PREFIX = WithingsRegistrationIds.REGISTRATION_PREFIX + ".";

	static final String DEFAULT_API_BASE_URI = "https://wbsapi.withings.net";

	static final String DEFAULT_ACCOUNT_BASE_URI = "https://account.withings.com";

	private static final String[] PROVIDER_NAMES = List.of("authorization-uri", "token-uri", "user-name-attribute")
		.stream()
		.map((key) -> PROVIDER_PREFIX + key)
		.toArray(String[]::new);

	private static final Map<String, String> REGISTRATION_DEFAULTS = Map.of("client-authentication-method",
			"client_secret_post", "authorization-grant-type", "authorization_code", "redirect-uri",
			"{baseUrl}/login/oauth2/code/{registrationId}", "scope", "user.metrics,user.activity", "client-name",
			"Withings");

	private final ConfigurableEnvironment environment;

	/**
	 * The environment is kept in a field, not as the property source's source: Boot walks into
	 * property sources whose source is an environment, which would loop back here.
	 */
	WithingsOAuth2ClientDefaultsPropertySource(ConfigurableEnvironment environment) {
		super(NAME, new Object());
		this.environment = environment;
	}

	@Override
	public String[] getPropertyNames() {
		return PROVIDER_NAMES.clone();
	}

	@Override
	public Object getProperty(String name) {
		Object value = defaultValue(name);
		// a value set anywhere else wins, even in a source Boot later moves behind this one
		// (SpringApplication's default properties)
		return (value != null && otherValue(name) == null) ? value : null;
	}

	private Object defaultValue(String name) {
		if (name.startsWith(PROVIDER_PREFIX)) {
			return switch (name.substring(PROVIDER_PREFIX.length())) {
				case "authorization-uri" -> baseUri("withings.account-base-uri", DEFAULT_ACCOUNT_BASE_URI)
						+ "/oauth2_user/authorize2";
				case "token-uri" -> baseUri("withings.api-base-uri", DEFAULT_API_BASE_URI) + "/v2/oauth2";
				case "user-name-attribute" -> "userid";
				default -> null;
			};
		}
		if (name.startsWith(REGISTRATION_PREFIX)) {
			String rest = name.substring(REGISTRATION_PREFIX.length());
			int dot = rest.lastIndexOf('.');
			if (dot > 0 && REGISTRATION_DEFAULTS.containsKey(rest.substring(dot + 1))) {
				String registrationId = rest.substring(0, dot);
				Object provider = otherValue(REGISTRATION_PREFIX + registrationId + ".provider");
				if (WithingsRegistrationIds.isWithings(registrationId, (provider != null) ? provider.toString() : null)) {
					return REGISTRATION_DEFAULTS.get(rest.substring(dot + 1));
				}
			}
		}
		return null;
	}

	private String baseUri(String property, String defaultValue) {
		Object value = otherValue(property);
		String uri = (value != null) ? value.toString() : defaultValue;
		return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
	}

	private Object otherValue(String name) {
		if (!ConfigurationPropertyName.isValid(name)) {
			return null;
		}
		ConfigurationPropertyName propertyName = ConfigurationPropertyName.of(name);
		List<PropertySource<?>> others = this.environment.getPropertySources()
			.stream()
			.filter((propertySource) -> !(propertySource instanceof WithingsOAuth2ClientDefaultsPropertySource)
					&& !(propertySource.getSource() instanceof Iterable))
			.toList();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.from(others)) {
			ConfigurationProperty property = source.getConfigurationProperty(propertyName);
			if (property != null) {
				return this.environment.resolvePlaceholders(String.valueOf(property.getValue()));
			}
		}
		return null;
	}

}
