package io.github.springwithings.oauth2.client.endpoint;

/**
 * Thrown when Withings answers with a non-zero {@code status} in its response envelope. Its
 * message holds the Withings status and error text only, never request values.
 */
public final class WithingsStatusException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** The Withings status. */
	private final int status;

	/** The Withings error text, or {@code null}. */
	private final String error;

	/** {@code body.wait_seconds} of a 601, or {@code null}. */
	private final Integer waitSeconds;

	/**
	 * @param status the Withings status
	 * @param error the Withings error text, may be {@code null}
	 * @param waitSeconds {@code body.wait_seconds} of a 601 answer, may be {@code null}
	 */
	public WithingsStatusException(int status, String error, Integer waitSeconds) {
		super("Withings status " + status + ((error != null) ? ": " + error : ""));
		this.status = status;
		this.error = error;
		this.waitSeconds = waitSeconds;
	}

	/** {@return the Withings status} */
	public int getStatus() {
		return this.status;
	}

	/** {@return the Withings error text, or {@code null}} */
	public String getError() {
		return this.error;
	}

	/** {@return {@code body.wait_seconds} of a 601 answer, or {@code null}} */
	public Integer getWaitSeconds() {
		return this.waitSeconds;
	}

}
