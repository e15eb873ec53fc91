package io.github.springwithings.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.springframework.util.Assert;

/**
 * The sync's cursors in this instance's memory, for applications without a database store: lost
 * on a restart (every linked user then starts again from the initial look-back), and not shared
 * between instances (each instance syncs every user). Kept in due order, so that finding the due
 * cursors costs what they are, not what the store holds.
 */
public final class InMemoryWithingsSyncCursorStore implements WithingsSyncCursorStore {

	private static final Comparator<WithingsSyncCursor> DUE_ORDER = Comparator.comparing(WithingsSyncCursor::dueAt)
		.thenComparing(WithingsSyncCursor::registrationId)
		.thenComparing(WithingsSyncCursor::userId)
		.thenComparing(WithingsSyncCursor::kind);

	private final Map<Key, WithingsSyncCursor> cursors = new HashMap<>();

	/** The cursors a notification asked for, in due order: found first. */
	private final NavigableSet<WithingsSyncCursor> requested = new TreeSet<>(DUE_ORDER);

	/** The others, in due order. */
	private final NavigableSet<WithingsSyncCursor> scheduled = new TreeSet<>(DUE_ORDER);

	private record Key(String registrationId, String userId, WithingsDataKind kind) {

		static Key of(WithingsSyncCursor cursor) {
			return new Key(cursor.registrationId(), cursor.userId(), cursor.kind());
		}

	}

	@Override
	public synchronized boolean create(WithingsSyncCursor cursor) {
		Assert.notNull(cursor, "cursor cannot be null");
		if (this.cursors.containsKey(Key.of(cursor))) {
			return false;
		}
		put(cursor);
		return true;
	}

	@Override
	public synchronized List<WithingsSyncCursor> findByUser(String registrationId, String userId) {
		List<WithingsSyncCursor> found = new ArrayList<>();
		for (WithingsDataKind kind : WithingsDataKind.values()) {
			WithingsSyncCursor cursor = this.cursors.get(new Key(registrationId, userId, kind));
			if (cursor != null) {
				found.add(cursor);
			}
		}
		return found;
	}

	@Override
	public synchronized Set<String> findUserIds(String registrationId) {
		return this.cursors.keySet()
			.stream()
			.filter((key) -> key.registrationId().equals(registrationId))
			.map(Key::userId)
			.collect(Collectors.toSet());
	}

	@Override
	public synchronized List<WithingsSyncCursor> findDue(Instant now, int limit) {
		List<WithingsSyncCursor> due = new ArrayList<>();
		for (NavigableSet<WithingsSyncCursor> tier : List.of(this.requested, this.scheduled)) {
			for (WithingsSyncCursor cursor : tier) {
				if (due.size() >= limit || cursor.dueAt().isAfter(now)) {
					break;
				}
				if (!cursor.isClaimed(now)) {
					due.add(cursor);
				}
			}
		}
		return due;
	}

	@Override
	public synchronized Instant nextDue() {
		Instant next = null;
		for (NavigableSet<WithingsSyncCursor> tier : List.of(this.requested, this.scheduled)) {
			for (WithingsSyncCursor cursor : tier) {
				if (cursor.claimedUntil() == null) {
					next = (next == null || cursor.dueAt().isBefore(next)) ? cursor.dueAt() : next;
					break;
				}
			}
		}
		return next;
	}

	@Override
	public synchronized boolean request(String registrationId, String userId, WithingsDataKind kind, Instant now) {
		return update(new Key(registrationId, userId, kind), (cursor) -> {
			Instant due = (cursor.attempts() > 0 && cursor.dueAt().isAfter(now)) ? cursor.dueAt() : now;
			return new WithingsSyncCursor(cursor.registrationId(), cursor.userId(), cursor.kind(),
					cursor.principalName(), cursor.lastUpdate(), now, due, cursor.claimedUntil(), cursor.claimedBy(),
					cursor.attempts(), now, cursor.lastSyncedAt(), cursor.version());
		}) != null;
	}

	@Override
	public synchronized WithingsSyncCursor claim(WithingsSyncCursor cursor, String owner, Instant now, Instant until) {
		WithingsSyncCursor current = this.cursors.get(Key.of(cursor));
		if (current == null || current.version() != cursor.version()
				|| !Objects.equals(current.requestedAt(), cursor.requestedAt()) || current.isClaimed(now)) {
			return null;
		}
		WithingsSyncCursor stored = update(Key.of(cursor),
				(found) -> new WithingsSyncCursor(found.registrationId(), found.userId(), found.kind(),
						found.principalName(), found.lastUpdate(), null, found.dueAt(), until, owner, found.attempts(),
						found.lastNotifiedAt(), found.lastSyncedAt(), found.version() + 1));
		return new WithingsSyncCursor(stored.registrationId(), stored.userId(), stored.kind(), stored.principalName(),
				stored.lastUpdate(), cursor.requestedAt(), stored.dueAt(), until, owner, stored.attempts(),
				stored.lastNotifiedAt(), stored.lastSyncedAt(), stored.version());
	}

	@Override
	public synchronized boolean holds(WithingsSyncCursor claimed) {
		WithingsSyncCursor current = this.cursors.get(Key.of(claimed));
		return current != null && current.version() == claimed.version();
	}

	@Override
	public synchronized boolean complete(WithingsSyncCursor claimed, Instant lastUpdate, Instant now,
			Instant nextDue) {
		if (!holds(claimed)) {
			return false;
		}
		update(Key.of(claimed), (current) -> new WithingsSyncCursor(current.registrationId(), current.userId(),
				current.kind(), current.principalName(), lastUpdate, current.requestedAt(),
				(current.requestedAt() != null) ? now : nextDue, null, null, 0, current.lastNotifiedAt(), now,
				current.version() + 1));
		return true;
	}

	@Override
	public synchronized boolean release(WithingsSyncCursor claimed, Instant dueAt) {
		if (!holds(claimed)) {
			return false;
		}
		update(Key.of(claimed), (current) -> new WithingsSyncCursor(current.registrationId(), current.userId(),
				current.kind(), current.principalName(), current.lastUpdate(),
				(current.requestedAt() != null) ? current.requestedAt() : claimed.requestedAt(), dueAt, null, null,
				current.attempts() + 1, current.lastNotifiedAt(), current.lastSyncedAt(), current.version() + 1));
		return true;
	}

	@Override
	public synchronized int delete(String registrationId, String userId) {
		int removed = 0;
		for (WithingsDataKind kind : WithingsDataKind.values()) {
			removed += delete(registrationId, userId, kind) ? 1 : 0;
		}
		return removed;
	}

	@Override
	public synchronized boolean delete(String registrationId, String userId, WithingsDataKind kind) {
		WithingsSyncCursor removed = this.cursors.remove(new Key(registrationId, userId, kind));
		if (removed == null) {
			return false;
		}
		tier(removed).remove(removed);
		return true;
	}

	private WithingsSyncCursor update(Key key, UnaryOperator<WithingsSyncCursor> change) {
		WithingsSyncCursor current = this.cursors.get(key);
		if (current == null) {
			return null;
		}
		tier(current).remove(current);
		WithingsSyncCursor changed = change.apply(current);
		put(changed);
		return changed;
	}

	private void put(WithingsSyncCursor cursor) {
		this.cursors.put(Key.of(cursor), cursor);
		tier(cursor).add(cursor);
	}

	private NavigableSet<WithingsSyncCursor> tier(WithingsSyncCursor cursor) {
		return (cursor.requestedAt() != null) ? this.requested : this.scheduled;
	}

}
