package io.github.springwithings.api;

/**
 * The families of Withings status codes.
 */
public enum WithingsStatusFamily {

	/** {@code 0}. */
	OK,

	/** {@code 100}-{@code 102}, {@code 200}, {@code 401}: the token or the credentials were refused. */
	AUTHENTICATION_FAILED,

	/** {@code 214}, {@code 277}, {@code 2553}, {@code 2555}: not allowed (missing scope, contract). */
	UNAUTHORIZED,

	/** {@code 2554}: wrong action or path. */
	NOT_IMPLEMENTED,

	/** {@code 522}: Withings timed out; try again. */
	TIMEOUT,

	/** {@code 524}: bad state. */
	BAD_STATE,

	/** {@code 601}: too many requests; honour {@code wait_seconds}. */
	TOO_MANY_REQUESTS,

	/** Most of {@code 201}-{@code 533}: invalid parameters. */
	INVALID_PARAMS,

	/** Anything else. */
	ERROR;

	/**
	 * The family of a status.
	 * @param status the Withings status
	 * @return its family
	 */
	public static WithingsStatusFamily of(int status) {
		if (status == 0) {
			return OK;
		}
		if ((status >= 100 && status <= 102) || status == 200 || status == 401) {
			return AUTHENTICATION_FAILED;
		}
		if (status == 214 || status == 277 || status == 2553 || status == 2555) {
			return UNAUTHORIZED;
		}
		if (status == 2554) {
			return NOT_IMPLEMENTED;
		}
		if (status == 522) {
			return TIMEOUT;
		}
		if (status == 524) {
			return BAD_STATE;
		}
		if (status == 601) {
			return TOO_MANY_REQUESTS;
		}
		if (status >= 201 && status <= 533) {
			return INVALID_PARAMS;
		}
		return ERROR;
	}

}
