package io.github.springwithings.autoconfigure;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.core.env.Environment;

/**
 * Finds the registrations of {@code spring.security.oauth2.client.registration.*} that are
 * Withings ones: provider {@code withings}, or id {@code withings} with no provider.
 */
final class WithingsRegistrationIds {

	static final String PROVIDER_ID = "withings";

	static final String REGISTRATION_PREFIX = "spring.security.oauth2.client.registration";

	private WithingsRegistrationIds() {
	}

	static Set<String> find(Environment environment) {
		Map<String, OAuth2ClientProperties.Registration> registrations = Binder.get(environment)
			.bind(REGISTRATION_PREFIX, Bindable.mapOf(String.class, OAuth2ClientProperties.Registration.class))
			.orElse(Map.of());
		Set<String> ids = new TreeSet<>();
		registrations.forEach((id, registration) -> {
			String provider = registration.getProvider();
			if (PROVIDER_ID.equals(provider) || (provider == null && PROVIDER_ID.equals(id))) {
				ids.add(id);
			}
		});
		return ids;
	}

}
