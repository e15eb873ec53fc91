package io.github.springwithings.sync;

import java.time.Instant;
import java.util.List;

/**
 * What the sync calls to fetch one kind of one user: the stack's adapter over the typed API
 * ({@link WithingsApiDataFetcher} for servlet applications, {@link WithingsReactiveApiDataFetcher}
 * for WebFlux ones), or a fake in a test. Called on the sync's worker thread, which may block.
 */
@FunctionalInterface
public interface WithingsDataFetcher {

	/**
	 * The records of a kind changed after {@code lastUpdate}, every page read.
	 * @param userId the Withings user id
	 * @param kind the kind
	 * @param lastUpdate the cursor (exclusive)
	 * @param now the current time
	 * @return the records, in Withings' order, of the kind's {@link WithingsDataKind#recordType()}
	 * @throws io.github.springwithings.api.WithingsRateLimitException on a 601 or no permit in time
	 * (the cursor is deferred)
	 * @throws WithingsIncompleteFetchException when Withings' paging could not be followed to its
	 * end (the cursor is not moved, the fetch is retried)
	 */
	List<?> fetch(String userId, WithingsDataKind kind, Instant lastUpdate, Instant now);

}
