package io.github.springwithings.oauth2.client.endpoint;

/**
 * Thrown when a Withings answer is not a well-formed {@code {"status":..,"body":..}} envelope.
 * Its message describes the shape, never the content.
 */
public final class WithingsResponseException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what is wrong with the answer's shape
	 */
	public WithingsResponseException(String message) {
		super(message);
	}

}
