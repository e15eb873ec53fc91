package io.github.springwithings.sync;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.springframework.util.Assert;

/**
 * The sync's cursors in this instance's memory, for applications without a database store: lost
 * on a restart (every linked user then starts again from the initial look-back), and not shared
 * between instances (each instance syncs every user).
 */
public final class InMemoryWithingsSyncCursorStore implements WithingsSyncCursorStore {

	private final Map<Key, WithingsSyncCursor> cursors = new ConcurrentHashMap<>();

	private record Key(String registrationId, String userId, WithingsDataKind kind) {

		static Key of(WithingsSyncCursor cursor) {
			return new Key(cursor.registrationId(), cursor.userId(), cursor.kind());
		}

	}

	@Override
	public boolean create(WithingsSyncCursor cursor) {
		Assert.notNull(cursor, "cursor cannot be null");
		return this.cursors.putIfAbsent(Key.of(cursor), cursor) == null;
	}

	@Override
	public List<WithingsSyncCursor> findByUser(String registrationId, String userId) {
		return this.cursors.values()
			.stream()
			.filter((cursor) -> cursor.registrationId().equals(registrationId) && cursor.userId().equals(userId))
			.toList();
	}

	@Override
	public Set<String> findUserIds(String registrationId) {
		return this.cursors.keySet()
			.stream()
			.filter((key) -> key.registrationId().equals(registrationId))
			.map(Key::userId)
			.collect(Collectors.toSet());
	}

	@Override
	public List<WithingsSyncCursor> findDue(Instant now, int limit) {
		return this.cursors.values()
			.stream()
			.filter((cursor) -> !cursor.dueAt().isAfter(now) && !cursor.isClaimed(now))
			.sorted(Comparator.comparing((WithingsSyncCursor cursor) -> cursor.requestedAt() == null)
				.thenComparing(WithingsSyncCursor::dueAt))
			.limit(limit)
			.toList();
	}

	@Override
	public Instant nextDue() {
		return this.cursors.values()
			.stream()
			.filter((cursor) -> cursor.claimedUntil() == null)
			.map(WithingsSyncCursor::dueAt)
			.min(Comparator.naturalOrder())
			.orElse(null);
	}

	@Override
	public boolean request(String registrationId, String userId, WithingsDataKind kind, Instant now) {
		return this.cursors.computeIfPresent(new Key(registrationId, userId, kind), (key, cursor) -> {
			Instant due = (cursor.attempts() > 0 && cursor.dueAt().isAfter(now)) ? cursor.dueAt() : now;
			return new WithingsSyncCursor(cursor.registrationId(), cursor.userId(), cursor.kind(),
					cursor.principalName(), cursor.lastUpdate(), now, due, cursor.claimedUntil(), cursor.claimedBy(),
					cursor.attempts(), now, cursor.lastSyncedAt(), cursor.version());
		}) != null;
	}

	@Override
	public WithingsSyncCursor claim(WithingsSyncCursor cursor, String owner, Instant now, Instant until) {
		AtomicBoolean won = new AtomicBoolean();
		WithingsSyncCursor stored = this.cursors.computeIfPresent(Key.of(cursor), (key, current) -> {
			if (current.version() != cursor.version() || !Objects.equals(current.requestedAt(), cursor.requestedAt())
					|| current.isClaimed(now)) {
				return current;
			}
			won.set(true);
			return new WithingsSyncCursor(current.registrationId(), current.userId(), current.kind(),
					current.principalName(), current.lastUpdate(), null, current.dueAt(), until, owner,
					current.attempts(), current.lastNotifiedAt(), current.lastSyncedAt(), current.version() + 1);
		});
		if (!won.get()) {
			return null;
		}
		return new WithingsSyncCursor(stored.registrationId(), stored.userId(), stored.kind(), stored.principalName(),
				stored.lastUpdate(), cursor.requestedAt(), stored.dueAt(), until, owner, stored.attempts(),
				stored.lastNotifiedAt(), stored.lastSyncedAt(), stored.version());
	}

	@Override
	public boolean holds(WithingsSyncCursor claimed) {
		WithingsSyncCursor current = this.cursors.get(Key.of(claimed));
		return current != null && current.version() == claimed.version();
	}

	@Override
	public boolean complete(WithingsSyncCursor claimed, Instant lastUpdate, Instant now, Instant nextDue) {
		AtomicBoolean moved = new AtomicBoolean();
		this.cursors.computeIfPresent(Key.of(claimed), (key, current) -> {
			if (current.version() != claimed.version()) {
				return current;
			}
			moved.set(true);
			return new WithingsSyncCursor(current.registrationId(), current.userId(), current.kind(),
					current.principalName(), lastUpdate, current.requestedAt(),
					(current.requestedAt() != null) ? now : nextDue, null, null, 0, current.lastNotifiedAt(), now,
					current.version() + 1);
		});
		return moved.get();
	}

	@Override
	public boolean release(WithingsSyncCursor claimed, Instant dueAt) {
		AtomicBoolean released = new AtomicBoolean();
		this.cursors.computeIfPresent(Key.of(claimed), (key, current) -> {
			if (current.version() != claimed.version()) {
				return current;
			}
			released.set(true);
			return new WithingsSyncCursor(current.registrationId(), current.userId(), current.kind(),
					current.principalName(), current.lastUpdate(),
					(current.requestedAt() != null) ? current.requestedAt() : claimed.requestedAt(), dueAt, null, null,
					current.attempts() + 1, current.lastNotifiedAt(), current.lastSyncedAt(), current.version() + 1);
		});
		return released.get();
	}

	@Override
	public int delete(String registrationId, String userId) {
		int removed = 0;
		for (WithingsDataKind kind : WithingsDataKind.values()) {
			removed += (this.cursors.remove(new Key(registrationId, userId, kind)) != null) ? 1 : 0;
		}
		return removed;
	}

	@Override
	public boolean delete(String registrationId, String userId, WithingsDataKind kind) {
		return this.cursors.remove(new Key(registrationId, userId, kind)) != null;
	}

}
