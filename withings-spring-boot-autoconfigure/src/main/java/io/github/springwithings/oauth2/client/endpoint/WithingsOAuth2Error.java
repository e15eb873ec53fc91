package io.github.springwithings.oauth2.client.endpoint;

import java.util.Locale;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.api.WithingsStatusFamily;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * An {@link OAuth2Error} for a Withings status, keeping the Withings status, its text and (for
 * 601) {@code wait_seconds}.
 *
 * <p>Withings reports dead codes and refresh tokens, bad credentials and throttling alike with HTTP
 * 200; only the status and text tell them apart. They are mapped so that Spring keeps their
 * meaning:
 * <ul>
 * <li>invalid or expired code, dead refresh token: {@code invalid_grant} (Spring removes the
 * authorized client; the user must consent again)</li>
 * <li>invalid client id or secret, bad signature, authentication failed ({@code 100}-{@code 102},
 * {@code 200}, {@code 401}): {@code invalid_client}</li>
 * <li>{@code 601} (too many requests) and {@code 522} (timeout): {@code temporarily_unavailable},
 * never removing anything; {@link #getWaitSeconds()} says when to try again</li>
 * <li>{@code 2554} (not implemented: a missing or unknown {@code action}) and the other "invalid
 * params" statuses ({@code 201}-{@code 533} but {@code 214}, {@code 277}, {@code 401},
 * {@code 522} and {@code 524}): {@code invalid_request}, the request itself was refused, a
 * configuration error or a bug</li>
 * <li>anything else: {@code server_error}</li>
 * </ul>
 * The description always reads {@code Withings status <status>: <text>}, and with no text (an
 * answer with no {@code error}) {@code Withings status <status>}.
 *
 * <p>{@link #provesNothingWasDone()} tells a definite refusal (Withings did nothing, a retry of the
 * same request cannot succeed or is throttled) from an answer that may hide a rotation.
 */
public final class WithingsOAuth2Error extends OAuth2Error {

	private static final long serialVersionUID = 1L;

	/** The Withings status. */
	private final int status;

	/** {@code body.wait_seconds} of a 601, or {@code null}. */
	private final Integer waitSeconds;

	private WithingsOAuth2Error(String errorCode, int status, String description, Integer waitSeconds) {
		super(errorCode, description, null);
		this.status = status;
		this.waitSeconds = waitSeconds;
	}

	/**
	 * Map a Withings status answer.
	 * @param exception the answer, with its status ({@link WithingsRateLimitException} for a
	 * {@code 601}, carrying its {@code wait_seconds})
	 * @return the error
	 */
	public static WithingsOAuth2Error from(WithingsApiException exception) {
		Assert.notNull(exception, "exception cannot be null");
		Assert.notNull(exception.getStatus(), "exception must carry a Withings status");
		int status = exception.getStatus();
		String error = exception.getError();
		Integer waitSeconds = (exception instanceof WithingsRateLimitException limit) ? limit.getWaitSeconds() : null;
		return new WithingsOAuth2Error(errorCode(status, error), status, description(status, error), waitSeconds);
	}

	/** {@code Withings status <status>: <text>}, or {@code Withings status <status>} with no text. */
	private static String description(int status, String error) {
		return "Withings status " + status + ((error != null) ? ": " + error : "");
	}

	private static String errorCode(int status, String error) {
		String text = (error != null) ? error.toLowerCase(Locale.ROOT) : "";
		if (status == 601 || status == 522) {
			return OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE;
		}
		if (text.contains("invalid code") || text.contains("invalid refresh_token")) {
			return OAuth2ErrorCodes.INVALID_GRANT;
		}
		if (text.contains("client id") || text.contains("client_id") || text.contains("signature")
				|| (status >= 100 && status <= 102) || status == 200 || status == 401) {
			return OAuth2ErrorCodes.INVALID_CLIENT;
		}
		if (refusesTheRequest(status)) {
			return OAuth2ErrorCodes.INVALID_REQUEST;
		}
		return OAuth2ErrorCodes.SERVER_ERROR;
	}

	/**
	 * Statuses by which Withings refuses the request itself before doing anything: {@code 2554}
	 * (not implemented, a missing or unknown {@code action}) and the "invalid params" family.
	 */
	private static boolean refusesTheRequest(int status) {
		WithingsStatusFamily family = WithingsStatusFamily.of(status);
		return family == WithingsStatusFamily.NOT_IMPLEMENTED || family == WithingsStatusFamily.INVALID_PARAMS;
	}

	/**
	 * Whether this answer proves that Withings did nothing with the request (a definite refusal):
	 * throttled ({@code 601}), refused credentials ({@code invalid_client}), or a request refused
	 * as such ({@code invalid_request}: {@code 2554} and the "invalid params" statuses). A refresh
	 * refused so is not in doubt: the refresh token was not rotated. Dead codes and refresh tokens
	 * ({@code invalid_grant}) are refusals too, but of the grant, handled as such; {@code 522}
	 * (timeout), {@code 524} and unmapped statuses may hide a rotation.
	 * @return {@code true} when nothing was done at Withings
	 */
	public boolean provesNothingWasDone() {
		return this.status == 601 || OAuth2ErrorCodes.INVALID_CLIENT.equals(getErrorCode())
				|| OAuth2ErrorCodes.INVALID_REQUEST.equals(getErrorCode());
	}

	/**
	 * Whether this answer says the request the starter built is wrong ({@code invalid_request}:
	 * {@code 2554}, "invalid params"), a configuration error or a bug rather than a user's or
	 * Withings' state.
	 * @return {@code true} for a refused request
	 */
	public boolean isRequestRefused() {
		return OAuth2ErrorCodes.INVALID_REQUEST.equals(getErrorCode());
	}

	/** {@return the Withings status} */
	public int getStatus() {
		return this.status;
	}

	/** {@return seconds to wait before trying again ({@code body.wait_seconds} of a 601), or {@code null}} */
	public Integer getWaitSeconds() {
		return this.waitSeconds;
	}

}
