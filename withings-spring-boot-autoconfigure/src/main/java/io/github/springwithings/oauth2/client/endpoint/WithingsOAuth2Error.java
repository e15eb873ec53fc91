package io.github.springwithings.oauth2.client.endpoint;

import java.util.Locale;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

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
 * <li>anything else: {@code server_error}</li>
 * </ul>
 * The description always reads {@code Withings status <status>: <text>}.
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
	 * @param exception the status
	 * @return the error
	 */
	public static WithingsOAuth2Error from(WithingsStatusException exception) {
		return new WithingsOAuth2Error(errorCode(exception.getStatus(), exception.getError()), exception.getStatus(),
				exception.getMessage(), exception.getWaitSeconds());
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
		return OAuth2ErrorCodes.SERVER_ERROR;
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
