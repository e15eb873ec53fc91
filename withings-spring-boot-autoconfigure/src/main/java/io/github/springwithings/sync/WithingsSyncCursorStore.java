package io.github.springwithings.sync;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Where the sync's cursors are kept: the store's database
 * ({@link JdbcWithingsSyncCursorStore}, {@link R2dbcWithingsSyncCursorStore}), shared by every
 * instance, or this instance's memory ({@link InMemoryWithingsSyncCursorStore}). Every write is
 * committed on its own before it returns. Claims and moves compare the cursor's version, so that
 * one instance fetches a cursor at a time and a removed cursor is never brought back.
 */
public interface WithingsSyncCursorStore {

	/**
	 * Add a cursor unless one exists for its user and kind.
	 * @param cursor the cursor
	 * @return {@code true} when added
	 */
	boolean create(WithingsSyncCursor cursor);

	/**
	 * The cursors of a user.
	 * @param registrationId the Withings registration
	 * @param userId the Withings user id
	 * @return the cursors, none when the user is not synced
	 */
	List<WithingsSyncCursor> findByUser(String registrationId, String userId);

	/**
	 * The users of a registration that have cursors.
	 * @param registrationId the Withings registration
	 * @return their Withings user ids
	 */
	Set<String> findUserIds(String registrationId);

	/**
	 * Cursors due at {@code now} and not claimed: those a notification asked for first (they keep
	 * their priority when the backstop runs late), then the earliest due.
	 * @param now the current time
	 * @param limit the most returned
	 * @return the cursors
	 */
	List<WithingsSyncCursor> findDue(Instant now, int limit);

	/**
	 * When the earliest cursor not claimed is due (a lease that ran out is found by {@link #findDue}).
	 * @return the instant, {@code null} when there is no cursor
	 */
	Instant nextDue();

	/**
	 * A notification asked for a fetch: {@code requestedAt} and {@code lastNotifiedAt} set to
	 * {@code now}, and due now unless a failed or deferred attempt made it due later. Leaves the version (and so a
	 * fetch running) alone: the fetch's move sees the request and makes the cursor due again.
	 * @param registrationId the Withings registration
	 * @param userId the Withings user id
	 * @param kind the kind
	 * @param now the current time
	 * @return {@code true} when the cursor exists
	 */
	boolean request(String registrationId, String userId, WithingsDataKind kind, Instant now);

	/**
	 * Claim a cursor for a fetch: only if its version and its request are still those of
	 * {@code cursor} and no lease runs at {@code now}. The request is taken by the claim
	 * ({@code requestedAt} cleared in the store, kept in the claimed cursor): a notification during
	 * the fetch asks again.
	 * @param cursor the cursor as read
	 * @param owner who claims it
	 * @param now the current time
	 * @param until the end of the lease
	 * @return the claimed cursor (its version grown), {@code null} when another claim or a move won
	 */
	WithingsSyncCursor claim(WithingsSyncCursor cursor, String owner, Instant now, Instant until);

	/**
	 * Whether a claim still holds: the cursor exists with the claim's version.
	 * @param claimed the claimed cursor
	 * @return {@code true} when it does
	 */
	boolean holds(WithingsSyncCursor claimed);

	/**
	 * Move a claimed cursor after a fetch whose listeners returned, and release it: only if its
	 * version is still the claim's. When a notification asked again during the fetch, the cursor
	 * stays requested and is due at {@code now} (one more fetch, however many notifications came);
	 * otherwise it is due at {@code nextDue}.
	 * @param claimed the claimed cursor
	 * @param lastUpdate the new cursor
	 * @param now the current time
	 * @param nextDue when it is due next when nothing asked again (the backstop)
	 * @return {@code true} when moved; {@code false} when the cursor was removed or claimed again
	 */
	boolean complete(WithingsSyncCursor claimed, Instant lastUpdate, Instant now, Instant nextDue);

	/**
	 * Release a claimed cursor without moving it, due again at {@code dueAt}, its request given
	 * back, one more attempt counted (a notification does not make a deferred cursor due earlier).
	 * @param claimed the claimed cursor
	 * @param dueAt when it is due again
	 * @return {@code true} when released; {@code false} when the cursor was removed or claimed again
	 */
	boolean release(WithingsSyncCursor claimed, Instant dueAt);

	/**
	 * Remove the cursors of a user (who unlinked, or whose link died).
	 * @param registrationId the Withings registration
	 * @param userId the Withings user id
	 * @return how many were removed
	 */
	int delete(String registrationId, String userId);

	/**
	 * Remove one cursor (a kind the user's scopes no longer allow).
	 * @param registrationId the Withings registration
	 * @param userId the Withings user id
	 * @param kind the kind
	 * @return whether it was removed
	 */
	boolean delete(String registrationId, String userId, WithingsDataKind kind);

}
