package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.util.stream.StreamSupport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

/**
 * The registrations of a WebFlux application, for the starter's store and refresh core (which find
 * the registration of a stored client by id). Resolved lazily: Boot's reactive repository is
 * defined after the store. An in-memory repository (Boot's) is read without blocking; another
 * reactive repository is asked and waited for, which the core only does on threads that may
 * block.
 */
final class ReactiveClientRegistrationRepositoryAdapter implements ClientRegistrationRepository {

	private final ObjectProvider<ReactiveClientRegistrationRepository> repository;

	ReactiveClientRegistrationRepositoryAdapter(ObjectProvider<ReactiveClientRegistrationRepository> repository) {
		this.repository = repository;
	}

	@Override
	public ClientRegistration findByRegistrationId(String registrationId) {
		ReactiveClientRegistrationRepository reactive = this.repository.getIfAvailable();
		if (reactive == null) {
			return null;
		}
		if (reactive instanceof Iterable<?> registrations) {
			return StreamSupport.stream(registrations.spliterator(), false)
				.filter(ClientRegistration.class::isInstance)
				.map(ClientRegistration.class::cast)
				.filter((registration) -> registration.getRegistrationId().equals(registrationId))
				.findFirst()
				.orElse(null);
		}
		return reactive.findByRegistrationId(registrationId).block(Duration.ofSeconds(10));
	}

}
