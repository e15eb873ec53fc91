package io.github.springwithings.sync;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.springwithings.internal.sql.StoreDatabase;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.util.Assert;

import static io.github.springwithings.internal.sql.StoreDatabase.text;
import static io.github.springwithings.internal.sql.StoreDatabase.time;

/**
 * The cursors in the table {@code withings_sync_cursor} (created by the store's schema), shared by
 * every instance: each statement on a connection of its own, claims and moves compare-and-set on
 * the version, never a lock held across a fetch.
 */
abstract sealed class SqlWithingsSyncCursorStore implements WithingsSyncCursorStore
		permits JdbcWithingsSyncCursorStore, R2dbcWithingsSyncCursorStore {

	static final String TABLE = "withings_sync_cursor";

	private static final String COLUMNS = "client_registration_id, withings_user_id, kind, principal_name, "
			+ "last_update, requested_at, due_at, claimed_until, claimed_by, attempts, last_notified_at, "
			+ "last_synced_at, version";

	private static final String BY_KEY = "client_registration_id = ? AND withings_user_id = ? AND kind = ?";

	private static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE;

	private final StoreDatabase database;

	private final String firstRows;

	SqlWithingsSyncCursorStore(StoreDatabase database) {
		Assert.notNull(database, "database cannot be null");
		this.database = database;
		this.firstRows = StoreDatabase.firstRows(database.productName());
	}

	@Override
	public boolean create(WithingsSyncCursor cursor) {
		Assert.notNull(cursor, "cursor cannot be null");
		try {
			return this.database.update("INSERT INTO " + TABLE + " (" + COLUMNS
					+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cursor.registrationId(), cursor.userId(),
					cursor.kind().name(), cursor.principalName(), time(cursor.lastUpdate()), time(cursor.requestedAt()),
					time(cursor.dueAt()), time(cursor.claimedUntil()), text(cursor.claimedBy()), cursor.attempts(),
					time(cursor.lastNotifiedAt()), time(cursor.lastSyncedAt()), cursor.version()) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	@Override
	public List<WithingsSyncCursor> findByUser(String registrationId, String userId) {
		return this.database.query(SELECT + " WHERE client_registration_id = ? AND withings_user_id = ?",
				SqlWithingsSyncCursorStore::cursor, registrationId, userId);
	}

	@Override
	public Set<String> findUserIds(String registrationId) {
		return new HashSet<>(this.database.query(
				"SELECT DISTINCT withings_user_id FROM " + TABLE + " WHERE client_registration_id = ?",
				(row) -> row.string("withings_user_id"), registrationId));
	}

	@Override
	public List<WithingsSyncCursor> findDue(Instant now, int limit) {
		return this.database.query(SELECT + " WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
				+ " ORDER BY CASE WHEN requested_at IS NULL THEN 1 ELSE 0 END, due_at" + this.firstRows, SqlWithingsSyncCursorStore::cursor, time(now), time(now),
				limit);
	}

	@Override
	public Instant nextDue() {
		List<Instant> next = this.database.query(
				"SELECT MIN(due_at) AS next_due FROM " + TABLE + " WHERE claimed_until IS NULL",
				(row) -> row.instant("next_due"));
		return next.isEmpty() ? null : next.get(0);
	}

	@Override
	public boolean request(String registrationId, String userId, WithingsDataKind kind, Instant now) {
		return this.database.update("UPDATE " + TABLE + " SET requested_at = ?, last_notified_at = ?, "
				+ "due_at = CASE WHEN attempts > 0 AND due_at > ? THEN due_at ELSE ? END WHERE " + BY_KEY, time(now),
				time(now), time(now), time(now), registrationId, userId, kind.name()) == 1;
	}

	@Override
	public WithingsSyncCursor claim(WithingsSyncCursor cursor, String owner, Instant now, Instant until) {
		int claimed = this.database.update("UPDATE " + TABLE + " SET claimed_until = ?, claimed_by = ?, "
				+ "requested_at = NULL, version = version + 1 WHERE " + BY_KEY + " AND version = ? "
				+ "AND COALESCE(requested_at, -1) = ? AND (claimed_until IS NULL OR claimed_until <= ?)", time(until),
				owner, cursor.registrationId(), cursor.userId(), cursor.kind().name(), cursor.version(),
				millis(cursor.requestedAt()), time(now));
		if (claimed != 1) {
			return null;
		}
		return new WithingsSyncCursor(cursor.registrationId(), cursor.userId(), cursor.kind(), cursor.principalName(),
				cursor.lastUpdate(), cursor.requestedAt(), cursor.dueAt(), until, owner, cursor.attempts(),
				cursor.lastNotifiedAt(), cursor.lastSyncedAt(), cursor.version() + 1);
	}

	@Override
	public boolean holds(WithingsSyncCursor claimed) {
		return !this.database.query("SELECT version FROM " + TABLE + " WHERE " + BY_KEY + " AND version = ?",
				(row) -> row.number("version"), claimed.registrationId(), claimed.userId(), claimed.kind().name(),
				claimed.version()).isEmpty();
	}

	@Override
	public boolean complete(WithingsSyncCursor claimed, Instant lastUpdate, Instant now, Instant nextDue) {
		return this.database.update("UPDATE " + TABLE + " SET last_update = ?, last_synced_at = ?, attempts = 0, "
				+ "claimed_until = NULL, claimed_by = NULL, version = version + 1, "
				// due now when a notification came during the fetch, else at nextDue ("requested_at * 0 + ?"
				// types the parameter for Derby and HSQLDB, which cannot type "CASE ... THEN ? ELSE ? END")
				+ "due_at = COALESCE(requested_at * 0 + ?, ?) WHERE " + BY_KEY + " AND version = ?",
				time(lastUpdate), time(now), time(now), time(nextDue), claimed.registrationId(), claimed.userId(),
				claimed.kind().name(), claimed.version()) == 1;
	}

	@Override
	public boolean release(WithingsSyncCursor claimed, Instant dueAt) {
		return this.database.update("UPDATE " + TABLE + " SET claimed_until = NULL, claimed_by = NULL, "
				+ "attempts = attempts + 1, version = version + 1, due_at = ?, "
				+ "requested_at = COALESCE(requested_at, ?) WHERE " + BY_KEY + " AND version = ?", time(dueAt),
				time(claimed.requestedAt()), claimed.registrationId(), claimed.userId(), claimed.kind().name(),
				claimed.version()) == 1;
	}

	@Override
	public int delete(String registrationId, String userId) {
		return this.database.update("DELETE FROM " + TABLE + " WHERE client_registration_id = ? AND withings_user_id = ?",
				registrationId, userId);
	}

	@Override
	public boolean delete(String registrationId, String userId, WithingsDataKind kind) {
		return this.database.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY, registrationId, userId,
				kind.name()) == 1;
	}

	private static long millis(Instant instant) {
		return (instant != null) ? instant.toEpochMilli() : -1L;
	}

	private static WithingsSyncCursor cursor(StoreDatabase.Row row) {
		return new WithingsSyncCursor(row.string("client_registration_id"), row.string("withings_user_id"),
				WithingsDataKind.valueOf(row.string("kind")), row.string("principal_name"), row.instant("last_update"),
				row.instant("requested_at"), row.instant("due_at"), row.instant("claimed_until"),
				row.string("claimed_by"), row.number("attempts"), row.instant("last_notified_at"),
				row.instant("last_synced_at"), row.number("version"));
	}

}
