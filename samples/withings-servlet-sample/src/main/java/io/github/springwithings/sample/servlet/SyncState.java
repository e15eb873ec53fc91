package io.github.springwithings.sample.servlet;

import java.time.Instant;

import io.github.springwithings.sync.WithingsSyncCursor;

/**
 * Where the starter's data sync of a user's weights stands (their {@code MEASURES} cursor), as
 * the dashboard shows it: whether the first fetch is still running (the page then says
 * "syncing" and reloads when the weights arrive), when the last fetch succeeded, when the next
 * one is due, and failed attempts. Times are on the sync's clock ({@code now}).
 *
 * @param state the state
 * @param lastSynced when a fetch last succeeded, {@code null} when never
 * @param dueAt when the next fetch is due, {@code null} when not synced
 * @param attempts failed attempts since the last fetch that succeeded
 * @param now the sync's now
 */
record SyncState(State state, Instant lastSynced, Instant dueAt, long attempts, Instant now) {

	/** The sync is off (or the user's consent has no {@code user.metrics}). */
	static SyncState off(Instant now) {
		return new SyncState(State.OFF, null, null, 0, now);
	}

	/**
	 * The state of a cursor.
	 * @param cursor the user's measures cursor, {@code null} when there is none
	 * @param now the sync's now
	 * @return the state
	 */
	static SyncState of(WithingsSyncCursor cursor, Instant now) {
		if (cursor == null) {
			return off(now);
		}
		return new SyncState((cursor.lastSyncedAt() != null) ? State.SYNCED : State.SYNCING, cursor.lastSyncedAt(),
				cursor.dueAt(), cursor.attempts(), now);
	}

	/** Whether the first fetch has not succeeded yet (public: templates call it). */
	public boolean syncing() {
		return state() == State.SYNCING;
	}

	/** Whether the last fetch failed: the page shows the weights stored before (public: templates call it). */
	public boolean failing() {
		return attempts() > 0;
	}

	/** The sentence of the dashboard (public: templates call it). */
	public String text() {
		String retry = (attempts() > 0) ? "Withings did not answer " + ((attempts() == 1) ? "the last attempt"
				: "the last " + attempts() + " attempts") + "; trying again " + when(dueAt()) : null;
		return switch (state()) {
			case OFF -> "off: your weights are not synced (withings.sync.enabled, or no user.metrics in your consent)";
			case SYNCING -> "first fetch " + ((retry != null) ? "not done yet: " + retry
					: "running: your weights appear in a moment");
			case SYNCED -> "weights fetched " + Times.relative(lastSynced(), now()) + "; "
					+ ((retry != null) ? retry
							: "next backstop check " + when(dueAt()) + ", sooner if Withings notifies");
		};
	}

	private String when(Instant instant) {
		return instant.isAfter(now()) ? Times.relative(instant, now()) : "now";
	}

	/** Where the sync stands. */
	enum State {

		/** Not synced. */
		OFF,

		/** The first fetch has not succeeded yet. */
		SYNCING,

		/** Fetched at least once. */
		SYNCED

	}

}
