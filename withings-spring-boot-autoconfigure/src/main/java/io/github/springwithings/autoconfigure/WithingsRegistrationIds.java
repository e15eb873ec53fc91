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

	private static final Bindable<Map<String, OAuth2ClientProperties.Registration>> REGISTRATIONS = Bindable
		.mapOf(String.class, OAuth2ClientProperties.Registration.class);

	private WithingsRegistrationIds() {
	}

	/** The Withings registrations of a ready environment. */
	static Set<String> find(Environment environment) {
		Set<String> ids = new TreeSet<>();
		Binder.get(environment).bind(REGISTRATION_PREFIX, REGISTRATIONS).orElse(Map.of()).forEach((id, registration) -> {
			if (isWithings(id, registration.getProvider())) {
				ids.add(id);
			}
		});
		return ids;
	}

	static boolean isWithings(String registrationId, String provider) {
		return PROVIDER_ID.equals(provider) || (provider == null && PROVIDER_ID.equals(registrationId));
	}

}
