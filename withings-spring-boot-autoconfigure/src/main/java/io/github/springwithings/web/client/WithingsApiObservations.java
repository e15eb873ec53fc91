package io.github.springwithings.web.client;

import io.github.springwithings.api.WithingsApiException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;

/**
 * The {@value #NAME} observation of an API call, the same for the {@code RestClient} interceptor
 * and the {@code WebClient} filter: tags {@code registration.id}, {@code action}, {@code outcome}
 * ({@code success}, {@code failure}, {@code cancelled}) and {@code withings.status.family} (the
 * family of the answer's status, {@code AUTHENTICATION_FAILED} when consent is required,
 * {@code NONE} without an answer).
 */
public final class WithingsApiObservations {

	/** Name of the observation of API calls. */
	public static final String NAME = "withings.api";

	private WithingsApiObservations() {
	}

	/**
	 * Start the observation of a call.
	 * @param registry the registry
	 * @param registrationId the registration of the call
	 * @param action its Withings {@code action}, {@code -} when unknown
	 * @param parent the current observation, may be {@code null}
	 * @return the started observation
	 */
	public static Observation start(ObservationRegistry registry, String registrationId, String action,
			Observation parent) {
		return Observation.createNotStarted(NAME, registry)
			.contextualName("withings " + action)
			.parentObservation(parent)
			.lowCardinalityKeyValue("registration.id", String.valueOf(registrationId))
			.lowCardinalityKeyValue("action", action)
			.start();
	}

	/**
	 * The call answered with status 0: tag and stop.
	 * @param observation the started observation
	 */
	public static void succeeded(Observation observation) {
		observation.lowCardinalityKeyValue("outcome", "success").lowCardinalityKeyValue("withings.status.family", "OK");
		observation.stop();
	}

	/**
	 * The call failed: tag with the status family, record the error and stop.
	 * @param observation the started observation
	 * @param failure why
	 */
	public static void failed(Observation observation, Throwable failure) {
		String family = (failure instanceof WithingsApiException api) ? api.getFamily().name()
				: (failure instanceof ClientAuthorizationRequiredException) ? "AUTHENTICATION_FAILED" : "NONE";
		observation.lowCardinalityKeyValue("outcome", "failure").lowCardinalityKeyValue("withings.status.family", family);
		observation.error(failure);
		observation.stop();
	}

	/**
	 * The caller gave up before the answer (a reactive subscription cancelled): tag and stop.
	 * @param observation the started observation
	 */
	public static void cancelled(Observation observation) {
		observation.lowCardinalityKeyValue("outcome", "cancelled").lowCardinalityKeyValue("withings.status.family", "NONE");
		observation.stop();
	}

}
