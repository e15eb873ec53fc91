package io.github.springwithings.oauth2.client.endpoint;

import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * Revokes a user's access at Withings: signed {@code POST /v2/oauth2 action=revoke} with the
 * {@code userid}. Both tokens die and Withings removes the user's notification subscriptions.
 */
public final class WithingsRevocationClient {

	private final WithingsSignedRequestClient signedRequests;

	/**
	 * @param restClient the client used to call Withings
	 */
	public WithingsRevocationClient(RestClient restClient) {
		this.signedRequests = new WithingsSignedRequestClient(restClient);
	}

	/**
	 * Revoke a user.
	 * @param registration the Withings registration
	 * @param userId the Withings user id
	 * @throws WithingsApiException when Withings answers with a non-zero status
	 * ({@link WithingsRateLimitException} for a {@code 601}) or not with an envelope
	 */
	public void revoke(ClientRegistration registration, String userId) {
		Assert.hasText(userId, "userId cannot be empty");
		this.signedRequests.call(registration, "revoke", Map.of("userid", userId));
	}

}
