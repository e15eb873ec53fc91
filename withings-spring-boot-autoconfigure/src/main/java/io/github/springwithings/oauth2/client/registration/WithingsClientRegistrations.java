package io.github.springwithings.oauth2.client.registration;

import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;

/**
 * Tells Withings registrations from the others in an application that has several (Withings and
 * GitHub, say), so that only Withings ones get Withings treatment.
 */
public final class WithingsClientRegistrations implements Predicate<ClientRegistration> {

	private final Set<String> registrationIds;

	private WithingsClientRegistrations(Set<String> registrationIds) {
		this.registrationIds = registrationIds;
	}

	/**
	 * Registrations with these ids are Withings ones.
	 * @param registrationIds the registration ids
	 * @return the predicate
	 */
	public static WithingsClientRegistrations withIds(Collection<String> registrationIds) {
		Assert.notNull(registrationIds, "registrationIds cannot be null");
		return new WithingsClientRegistrations(Set.copyOf(registrationIds));
	}

	@Override
	public boolean test(ClientRegistration registration) {
		return registration != null && this.registrationIds.contains(registration.getRegistrationId());
	}

	/**
	 * Whether a registration id is a Withings one.
	 * @param registrationId the id
	 * @return {@code true} for a Withings registration
	 */
	public boolean isWithings(String registrationId) {
		return this.registrationIds.contains(registrationId);
	}

	/** {@return the ids of the Withings registrations} */
	public Set<String> getRegistrationIds() {
		return this.registrationIds;
	}

}
