package io.github.springwithings.oauth2.client.endpoint;

import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * Asks Withings for a new authorization code for a user whose refresh token chain broke: signed
 * {@code POST /v2/oauth2 action=recoverauthorizationcode} with the {@code userid}, answered with
 * {@code {"user":{"code":"..."}}}. Withings allows it to partners with a contract only.
 */
public final class WithingsRecoveryClient {

	private final WithingsSignedRequestClient signedRequests;

	/**
	 * @param restClient the client used to call Withings
	 */
	public WithingsRecoveryClient(RestClient restClient) {
		this.signedRequests = new WithingsSignedRequestClient(restClient);
	}

	/**
	 * Get a new authorization code.
	 * @param registration the Withings registration
	 * @param userId the Withings user id
	 * @return the code, to exchange with {@code requesttoken}
	 * @throws WithingsApiException when Withings refuses ({@link WithingsRateLimitException} for a
	 * {@code 601}), or when the answer is not an envelope or has no code
	 */
	public String recoverAuthorizationCode(ClientRegistration registration, String userId) {
		Assert.hasText(userId, "userId cannot be empty");
		Map<String, Object> body = this.signedRequests.call(registration, "recoverauthorizationcode",
				Map.of("userid", userId));
		if (body.get("user") instanceof Map<?, ?> user && user.get("code") instanceof String code && !code.isBlank()) {
			return code;
		}
		throw WithingsResponseEnvelope.notAnEnvelope("Withings recovery answer has status 0 but no user.code");
	}

}
