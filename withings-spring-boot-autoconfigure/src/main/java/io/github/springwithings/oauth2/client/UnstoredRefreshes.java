package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The refreshes of clients the store does not hold (an HTTP-session client of an anonymous user,
 * say, or any client when the store is not a {@link WithingsAuthorizedClientService}): made under
 * {@link SingleFlightRefreshTokenResponseClient}'s in-process lock, and their answer kept for a
 * minute, so that a second caller with the same refresh token gets it instead of sending a
 * rotated token again. At most {@value #UNSTORED_ANSWERS} answers are kept, the oldest forgotten
 * first.
 */
final class UnstoredRefreshes {

	private static final Duration UNSTORED_ANSWER_LIFETIME = Duration.ofMinutes(1);

	private static final int UNSTORED_ANSWERS = 1_000;

	private final Map<String, UnstoredAnswer> answers = Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, UnstoredAnswer> eldest) {
				return size() > UNSTORED_ANSWERS;
			}

		});

	/**
	 * The answer to the refresh of {@code key} (registration and refresh-token hash): the one kept
	 * from the last minute, else a new one from {@code call}, kept from now on.
	 * @param key the lock key of the refresh token
	 * @param now the time of the decorator's clock
	 * @param call calls Withings
	 * @return the answer
	 */
	OAuth2AccessTokenResponse refresh(String key, Instant now, Supplier<OAuth2AccessTokenResponse> call) {
		UnstoredAnswer answer = this.answers.get(key);
		if (answer != null && now.isBefore(answer.until())) {
			return answer.response();
		}
		OAuth2AccessTokenResponse response = call.get();
		this.answers.put(key, new UnstoredAnswer(response, now.plus(UNSTORED_ANSWER_LIFETIME)));
		return response;
	}

	private record UnstoredAnswer(OAuth2AccessTokenResponse response, Instant until) {
	}

}
