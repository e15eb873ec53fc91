package io.github.springwithings.oauth2.client.endpoint;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Revokes a user's access at Withings: signed {@code POST /v2/oauth2 action=revoke} with the
 * {@code userid}. Both tokens die and Withings removes the user's notification subscriptions.
 */
public final class WithingsRevocationClient {

	private static final String ACTION = "revoke";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final RestClient restClient;

	private final WithingsNonceClient nonceClient;

	private final WithingsSigner signer = new WithingsSigner();

	/**
	 * @param restClient the client used to call Withings (JSON and form converters, as
	 * {@code RestClient.create()} has)
	 */
	public WithingsRevocationClient(RestClient restClient) {
		Assert.notNull(restClient, "restClient cannot be null");
		this.restClient = restClient;
		this.nonceClient = new WithingsNonceClient(restClient);
	}

	/**
	 * Revoke a user.
	 * @param registration the Withings registration
	 * @param userId the Withings user id
	 * @throws WithingsStatusException when Withings answers with a non-zero status
	 */
	public void revoke(ClientRegistration registration, String userId) {
		Assert.notNull(registration, "registration cannot be null");
		Assert.hasText(userId, "userId cannot be empty");
		String nonce = this.nonceClient.getNonce(registration);
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.set("action", ACTION);
		form.set("client_id", registration.getClientId());
		form.set("nonce", nonce);
		form.set("signature", this.signer.sign(registration.getClientSecret(), ACTION, registration.getClientId(), nonce));
		form.set("userid", userId);
		Map<String, Object> envelope = this.restClient.post()
			.uri(registration.getProviderDetails().getTokenUri())
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.accept(MediaType.APPLICATION_JSON)
			.body(form)
			.retrieve()
			.body(JSON_OBJECT);
		WithingsResponseEnvelope.unwrap(envelope);
	}

}
