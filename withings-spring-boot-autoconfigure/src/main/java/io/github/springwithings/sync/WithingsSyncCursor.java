package io.github.springwithings.sync;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * Where the sync of one kind of one user stands (a row of {@code withings_sync_cursor}).
 *
 * @param registrationId the Withings registration
 * @param userId the Withings user id
 * @param kind the data kind
 * @param principalName the principal the link is stored under
 * @param lastUpdate the {@code lastupdate} reached: the next fetch asks for what changed after it
 * @param requestedAt when a notification last asked for a fetch not done yet, {@code null} when none
 * @param dueAt when the next fetch is due (asked for, deferred, or the backstop)
 * @param claimedUntil the lease of the instance fetching it, {@code null} when none
 * @param claimedBy who holds the lease, {@code null} when none
 * @param attempts failed attempts since the last fetch that succeeded
 * @param lastNotifiedAt when a notification last announced this kind, {@code null} when never
 * @param lastSyncedAt when a fetch last succeeded, {@code null} when never
 * @param version grows with each claim and each move: the compare-and-set of claims and moves
 */
public record WithingsSyncCursor(String registrationId, String userId, WithingsDataKind kind, String principalName,
		Instant lastUpdate, Instant requestedAt, Instant dueAt, Instant claimedUntil, String claimedBy, long attempts,
		Instant lastNotifiedAt, Instant lastSyncedAt, long version) {

	/**
	 * Creates a cursor.
	 * @param registrationId the Withings registration
	 * @param userId the Withings user id
	 * @param kind the data kind
	 * @param principalName the principal the link is stored under
	 * @param lastUpdate the {@code lastupdate} reached
	 * @param requestedAt when a notification asked for a fetch, {@code null} when none
	 * @param dueAt when the next fetch is due
	 * @param claimedUntil the lease, {@code null} when none
	 * @param claimedBy who holds the lease, {@code null} when none
	 * @param attempts failed attempts
	 * @param lastNotifiedAt when a notification last announced this kind
	 * @param lastSyncedAt when a fetch last succeeded
	 * @param version the version
	 */
	public WithingsSyncCursor {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.hasText(userId, "userId cannot be empty");
		Assert.notNull(kind, "kind cannot be null");
		Assert.hasText(principalName, "principalName cannot be empty");
		Assert.notNull(dueAt, "dueAt cannot be null");
	}

	/**
	 * A new cursor: nothing fetched, due at once.
	 * @param registrationId the Withings registration
	 * @param userId the Withings user id
	 * @param kind the data kind
	 * @param principalName the principal the link is stored under
	 * @param lastUpdate where the first fetch starts
	 * @param now the current time (due then)
	 * @return the cursor
	 */
	public static WithingsSyncCursor start(String registrationId, String userId, WithingsDataKind kind,
			String principalName, Instant lastUpdate, Instant now) {
		return new WithingsSyncCursor(registrationId, userId, kind, principalName, lastUpdate, null, now, null, null, 0,
				null, null, 0);
	}

	/**
	 * Whether another instance holds a lease on it at {@code now}.
	 * @param now the current time
	 * @return {@code true} while claimed
	 */
	public boolean isClaimed(Instant now) {
		return this.claimedUntil != null && this.claimedUntil.isAfter(now);
	}

}
