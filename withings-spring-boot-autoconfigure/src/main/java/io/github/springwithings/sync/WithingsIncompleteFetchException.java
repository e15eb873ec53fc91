package io.github.springwithings.sync;

/**
 * Withings' paging could not be followed to its end ({@code isComplete()} is {@code false}): the
 * sync publishes nothing and retries the fetch later, so that no record past the pages read is
 * skipped.
 */
public final class WithingsIncompleteFetchException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param kind the kind whose fetch stopped short
	 */
	public WithingsIncompleteFetchException(WithingsDataKind kind) {
		super("Withings' paging of " + kind + " could not be followed to its end");
	}

}
