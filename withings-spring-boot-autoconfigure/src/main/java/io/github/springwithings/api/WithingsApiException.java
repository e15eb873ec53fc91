package io.github.springwithings.api;

/**
 * A Withings call that did not succeed: a non-zero {@code status} in the envelope (with its
 * family and text), or an answer that is not an envelope at all (an HTTP error, HTML, a broken
 * body), for which {@link #getStatus()} is {@code null}. Messages never quote tokens or bodies.
 *
 * <p>The one exception family of the starter: the data API, the subscriptions and the token
 * side's own calls (a nonce, a revocation on {@code disconnect}, a recovery) throw it, a
 * {@code 601} as its subclass {@link WithingsRateLimitException}. The token clients turn it into
 * Spring's {@code OAuth2AuthorizationException}.
 */
public class WithingsApiException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** The Withings status, {@code null} when the answer was not an envelope. */
	private final Integer status;

	/** The family of the status. */
	private final WithingsStatusFamily family;

	/** The Withings error text, or {@code null}. */
	private final String error;

	/**
	 * An envelope with a non-zero status.
	 * @param status the Withings status
	 * @param error the Withings error text, may be {@code null}
	 */
	public WithingsApiException(int status, String error) {
		super("Withings status " + status + " (" + WithingsStatusFamily.of(status) + ")"
				+ ((error != null) ? ": " + error : ""));
		this.status = status;
		this.family = WithingsStatusFamily.of(status);
		this.error = error;
	}

	/**
	 * An answer that is not an envelope.
	 * @param message what was wrong
	 * @param cause the cause, may be {@code null}
	 */
	public WithingsApiException(String message, Throwable cause) {
		super(message, cause);
		this.status = null;
		this.family = WithingsStatusFamily.ERROR;
		this.error = null;
	}

	/**
	 * An answer that is not an envelope but carries Withings' text (the {@code errors[]} shape).
	 * @param message what was wrong
	 * @param error Withings' text, may be {@code null}
	 * @param cause the cause, may be {@code null}
	 */
	WithingsApiException(String message, String error, Throwable cause) {
		super(message, cause);
		this.status = null;
		this.family = WithingsStatusFamily.ERROR;
		this.error = error;
	}

	/** {@return the Withings status, or {@code null} when the answer was not an envelope} */
	public Integer getStatus() {
		return this.status;
	}

	/** {@return the family of the status ({@code ERROR} when the answer was not an envelope)} */
	public WithingsStatusFamily getFamily() {
		return this.family;
	}

	/** {@return the Withings error text, or {@code null}} */
	public String getError() {
		return this.error;
	}

}
