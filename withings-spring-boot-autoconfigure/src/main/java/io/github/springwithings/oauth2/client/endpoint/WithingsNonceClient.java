package io.github.springwithings.oauth2.client.endpoint;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Gets single-use nonces from Withings ({@code POST /v2/signature action=getnonce}, signed with
 * the current timestamp). The signature URI is the registration's token URI with its last path
 * segment replaced: {@code https://wbsapi.withings.net/v2/oauth2} gives
 * {@code https://wbsapi.withings.net/v2/signature}.
 */
public final class WithingsNonceClient {

	private static final String ACTION = "getnonce";


	private final RestClient restClient;

	private final WithingsSigner signer = new WithingsSigner();

	private Clock clock = Clock.systemUTC();

	/** Name of the observation of nonce requests. */
	public static final String NONCE_OBSERVATION = "withings.oauth2.nonce";

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private WithingsNoncePrefetcher prefetcher;

	/**
	 * @param restClient the client used to call Withings; it must read JSON into a {@code Map}
	 * and write form bodies, as {@code RestClient.create()} does
	 */
	public WithingsNonceClient(RestClient restClient) {
		Assert.notNull(restClient, "restClient cannot be null");
		this.restClient = restClient.mutate()
			.requestInterceptor(RedactedFormParameters.restoring())
			.requestInterceptor(BoundedResponses.interceptor())
			.build();
	}

	/**
	 * Get a fresh nonce.
	 * @param registration the Withings registration (client id, secret and token URI)
	 * @return the nonce
	 * @throws WithingsApiException when Withings refuses ({@link WithingsRateLimitException} for a
	 * {@code 601}), or when the answer is not an envelope with a nonce, or is larger than 64 KiB
	 */
	public String getNonce(ClientRegistration registration) {
		if (this.prefetcher != null) {
			return this.prefetcher.take(registration);
		}
		Observation observation = Observation.createNotStarted(NONCE_OBSERVATION, this.observationRegistry)
			.lowCardinalityKeyValue("registration.id", registration.getRegistrationId())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			String nonce = requestNonce(registration);
			observation.lowCardinalityKeyValue("outcome", "success");
			return nonce;
		}
		catch (RuntimeException ex) {
			observation.lowCardinalityKeyValue("outcome", "failure");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private String requestNonce(ClientRegistration registration) {
		MultiValueMap<String, String> form = nonceRequest(registration, this.clock.instant(), this.signer);
		Map<String, Object> envelope = RedactedFormParameters.post(this.restClient, signatureUri(registration), form);
		return nonceOf(envelope);
	}

	/** The signed {@code getnonce} form. */
	private static MultiValueMap<String, String> nonceRequest(ClientRegistration registration, Instant now,
			WithingsSigner signer) {
		String clientId = registration.getClientId();
		String timestamp = Long.toString(now.getEpochSecond());
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.set("action", ACTION);
		form.set("client_id", clientId);
		form.set("timestamp", timestamp);
		form.set("signature", signer.sign(registration.getClientSecret(), ACTION, clientId, timestamp));
		return form;
	}

	/** The nonce of a {@code getnonce} answer. */
	private static String nonceOf(Map<String, Object> envelope) {
		Object nonce = WithingsResponseEnvelope.unwrap(envelope).get("nonce");
		if (!(nonce instanceof String value) || value.isBlank()) {
			throw WithingsResponseEnvelope.notAnEnvelope("Withings nonce answer has status 0 but no nonce");
		}
		return value;
	}

	private static String signatureUri(ClientRegistration registration) {
		String tokenUri = registration.getProviderDetails().getTokenUri();
		int slash = tokenUri.lastIndexOf('/');
		Assert.state(slash > 0, "Token URI of registration '" + registration.getRegistrationId() + "' has no path");
		return tokenUri.substring(0, slash) + "/signature";
	}

	/**
	 * Record {@value #NONCE_OBSERVATION} observations (tags {@code registration.id}, {@code outcome}).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Take nonces from a prefetcher (a nonce fetched ahead, so that a signed call costs one round
	 * trip), which fetches them with a client of its own.
	 * @param prefetcher the prefetcher
	 */
	public void setPrefetcher(WithingsNoncePrefetcher prefetcher) {
		Assert.notNull(prefetcher, "prefetcher cannot be null");
		Assert.isTrue(prefetcher.getNonceClient() != this, "the prefetcher must fetch with another nonce client");
		this.prefetcher = prefetcher;
	}

	/**
	 * Whether nonces come from a prefetcher.
	 * @return the prefetcher, or {@code null}
	 */
	WithingsNoncePrefetcher getPrefetcher() {
		return this.prefetcher;
	}

	/**
	 * Set the clock that gives the signed timestamp.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

}
