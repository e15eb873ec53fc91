package io.github.springwithings.oauth2.client.endpoint;

/**
 * Thrown when Withings answers with a non-zero {@code status} in its response envelope. Its
 * message holds the Withings status and error text only, never request values.
 */
public final class WithingsStatusException extends RuntimeException {

	private final int status;

	private final String error;

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

	public int getStatus() {
		return this.status;
	}

	public String getError() {
		return this.error;
	}

	public Integer getWaitSeconds() {
		return this.waitSeconds;
	}

}
