package io.github.springwithings.oauth2.client.endpoint;

import java.util.function.Predicate;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.api.WithingsStatusFamily;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.client.UnknownContentTypeException;

/**
 * Turns what can go wrong while talking to Withings' token endpoint into an
 * {@link OAuth2AuthorizationException} with a precise code and a description that names the
 * problem but never quotes a response body or a request value. Exceptions whose messages may
 * quote the body (HTTP errors, JSON parse errors) are not kept as causes.
 */
final class WithingsTokenErrors {

	static final String INVALID_TOKEN_RESPONSE = "invalid_token_response";

	private static final Log logger = LogFactory.getLog(WithingsAccessTokenResponseClient.class);

	private WithingsTokenErrors() {
	}

	/**
	 * Log a request Withings refused as such ({@code 2554}, "invalid params":
	 * {@link WithingsOAuth2Error#isRequestRefused()}) once, at WARN, as the configuration error or
	 * bug it is: nothing was done at Withings and the same request would be refused again. The line
	 * names the status and its family, never Withings' text (it could echo a request value).
	 * @param ex the translated failure of one token call
	 * @param grant the grant type
	 * @param registrationId the registration
	 */
	static void warnIfRequestRefused(OAuth2AuthorizationException ex, String grant, String registrationId) {
		if (ex.getError() instanceof WithingsOAuth2Error error && error.isRequestRefused()) {
			logger.warn("Withings refused the " + grant + " request of registration '" + registrationId
					+ "' as malformed (Withings status " + error.getStatus() + ", "
					+ WithingsStatusFamily.of(error.getStatus()) + "): a configuration error (token URI, "
					+ "client authentication) or a bug, not a user's state; nothing was done at Withings, "
					+ "the stored tokens stay and the request is not retried");
		}
	}

	/**
	 * Whether the client-side rate budget held the request back ({@link WithingsRateLimitException}
	 * not {@link WithingsRateLimitException#isAnswered() answered}): nothing was sent, nothing is
	 * translated, the caller sees the exception as it is.
	 * @param ex the failure
	 * @return {@code true} when nothing was sent
	 */
	static boolean isHeldBack(Throwable ex) {
		return ex instanceof WithingsRateLimitException limit && !limit.isAnswered();
	}

	static OAuth2AuthorizationException translate(RuntimeException ex) {
		WithingsApiException status = find(ex, WithingsApiException.class,
				(answer) -> answer.getStatus() != null && !isHeldBack(answer));
		if (status != null) {
			return new OAuth2AuthorizationException(WithingsOAuth2Error.from(status), status);
		}
		WithingsApiException response = find(ex, WithingsApiException.class, (answer) -> answer.getStatus() == null);
		if (response != null) {
			return invalidResponse(response.getMessage(), response);
		}
		RedactedFormParameters.PlaceholderNotRestoredException notSent = find(ex,
				RedactedFormParameters.PlaceholderNotRestoredException.class);
		if (notSent != null) {
			return invalidResponse(notSent.getMessage(), notSent);
		}
		RestClientResponseException http = find(ex, RestClientResponseException.class);
		if (http != null) {
			return invalidResponse("Withings answered HTTP " + http.getStatusCode().value(), null);
		}
		UnknownContentTypeException contentType = find(ex, UnknownContentTypeException.class);
		if (contentType != null) {
			return invalidResponse("Withings answered with content type '" + contentType.getContentType()
					+ "' instead of a JSON envelope", null);
		}
		if (find(ex, HttpMessageNotReadableException.class) != null) {
			return invalidResponse("Withings answered with a body that is not valid JSON (malformed or truncated)",
					null);
		}
		ResourceAccessException io = find(ex, ResourceAccessException.class);
		if (io != null) {
			Throwable root = io.getMostSpecificCause();
			return invalidResponse("Withings could not be reached: " + root.getClass().getSimpleName(), io);
		}
		if (ex instanceof OAuth2AuthorizationException authorization
				&& INVALID_TOKEN_RESPONSE.equals(authorization.getError().getErrorCode())
				&& authorization.getCause() == null) {
			return invalidResponse("Withings answered with an empty body", null);
		}
		if (ex instanceof OAuth2AuthorizationException authorization
				&& !INVALID_TOKEN_RESPONSE.equals(authorization.getError().getErrorCode())) {
			return authorization;
		}
		return invalidResponse("Withings token request failed: " + ex.getClass().getSimpleName(), null);
	}

	private static OAuth2AuthorizationException invalidResponse(String description, Throwable cause) {
		OAuth2Error error = new OAuth2Error(INVALID_TOKEN_RESPONSE, description, null);
		return (cause != null) ? new OAuth2AuthorizationException(error, cause) : new OAuth2AuthorizationException(error);
	}

	private static <E extends Throwable> E find(Throwable ex, Class<E> type) {
		return find(ex, type, (candidate) -> true);
	}

	private static <E extends Throwable> E find(Throwable ex, Class<E> type, Predicate<E> matching) {
		for (Throwable candidate = ex; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate) && matching.test(type.cast(candidate))) {
				return type.cast(candidate);
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return null;
	}

}
