package io.github.springwithings.oauth2.client.endpoint;

import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Makes signed calls to Withings' {@code /v2/oauth2} actions other than {@code requesttoken}
 * ({@code revoke}, {@code recoverauthorizationcode}): a fresh nonce, the HMAC signature of
 * {@code action,client_id,nonce}, and the action's own parameters.
 */
final class WithingsSignedRequestClient {

	private final RestClient restClient;

	private final WithingsNonceClient nonceClient;

	private final WithingsSigner signer = new WithingsSigner();

	/**
	 * @param restClient the client used to call Withings (JSON and form converters, as
	 * {@code RestClient.create()} has)
	 */
	WithingsSignedRequestClient(RestClient restClient) {
		Assert.notNull(restClient, "restClient cannot be null");
		this.restClient = restClient.mutate()
			.requestInterceptor(RedactedFormParameters.restoring())
			.requestInterceptor(BoundedResponses.interceptor())
			.build();
		this.nonceClient = new WithingsNonceClient(restClient);
	}

	/**
	 * Call a signed action.
	 * @param registration the Withings registration (client id, secret, token URI)
	 * @param action the action
	 * @param parameters the action's parameters
	 * @return the {@code body} of the answer
	 * @throws WithingsApiException when Withings answers with a non-zero status
	 * ({@link WithingsRateLimitException} for a {@code 601}), or not with an envelope, or with more than
	 * 64 KiB
	 */
	Map<String, Object> call(ClientRegistration registration, String action, Map<String, String> parameters) {
		Assert.notNull(registration, "registration cannot be null");
		Assert.hasText(action, "action cannot be empty");
		String nonce = this.nonceClient.getNonce(registration);
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.set("action", action);
		form.set("client_id", registration.getClientId());
		form.set("nonce", nonce);
		form.set("signature", this.signer.sign(registration.getClientSecret(), action, registration.getClientId(), nonce));
		parameters.forEach(form::set);
		Map<String, Object> envelope = RedactedFormParameters.post(this.restClient,
				registration.getProviderDetails().getTokenUri(), form);
		return WithingsResponseEnvelope.unwrap(envelope);
	}

}
