package io.github.springwithings.web.client;

import java.util.concurrent.atomic.AtomicBoolean;

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
	 * @return the started observation, ended once by the first of its outcomes
	 */
	public static Call start(ObservationRegistry registry, String registrationId, String action, Observation parent) {
		return new Call(Observation.createNotStarted(NAME, registry)
			.contextualName("withings " + action)
			.parentObservation(parent)
			.lowCardinalityKeyValue("registration.id", String.valueOf(registrationId))
			.lowCardinalityKeyValue("action", action)
			.start());
	}

	/**
	 * The observation of one call: the first outcome tags and stops it, later ones (a cancel after
	 * the answer, as reactive operators send) change nothing.
	 */
	public static final class Call {

		private final Observation observation;

		private final AtomicBoolean ended = new AtomicBoolean();

		private Call(Observation observation) {
			this.observation = observation;
		}

		/** @return the observation, to open a scope on or to hand to the exchange as parent */
		public Observation observation() {
			return this.observation;
		}

		/** The call answered with status 0. */
		public void succeeded() {
			end("success", "OK", null);
		}

		/**
		 * The call failed.
		 * @param failure why
		 */
		public void failed(Throwable failure) {
			end("failure", (failure instanceof WithingsApiException api) ? api.getFamily().name()
					: (failure instanceof ClientAuthorizationRequiredException) ? "AUTHENTICATION_FAILED" : "NONE",
					failure);
		}

		/** The caller gave up before the answer (a reactive subscription cancelled). */
		public void cancelled() {
			end("cancelled", "NONE", null);
		}

		private void end(String outcome, String family, Throwable failure) {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			this.observation.lowCardinalityKeyValue("outcome", outcome)
				.lowCardinalityKeyValue("withings.status.family", family);
			if (failure != null) {
				this.observation.error(failure);
			}
			this.observation.stop();
		}

	}

}
