package io.github.springwithings.sync;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the sync did in this instance since it started, for the metrics and the health details:
 * fetches, records published, deferrals, failures, and the missed notifications (backstop
 * fetches that found changes no notification announced).
 */
public final class WithingsSyncStatistics {

	private final LongAdder announcedFetches = new LongAdder();

	private final LongAdder backstopFetches = new LongAdder();

	private final LongAdder records = new LongAdder();

	private final LongAdder missedNotifications = new LongAdder();

	private final LongAdder missedRecords = new LongAdder();

	private final LongAdder deferred = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder unlinked = new LongAdder();

	private final AtomicReference<Instant> lastMissedAt = new AtomicReference<>();

	private final AtomicReference<Instant> lastSyncedAt = new AtomicReference<>();

	void fetched(boolean announced) {
		(announced ? this.announcedFetches : this.backstopFetches).increment();
	}

	void published(int count, Instant at) {
		this.records.add(count);
		this.lastSyncedAt.set(at);
	}

	void missed(int count, Instant at) {
		this.missedNotifications.increment();
		this.missedRecords.add(count);
		this.lastMissedAt.set(at);
	}

	void deferred() {
		this.deferred.increment();
	}

	void failed() {
		this.failed.increment();
	}

	void unlinked() {
		this.unlinked.increment();
	}

	/**
	 * {@return fetches a notification asked for}
	 */
	public long getAnnouncedFetches() {
		return this.announcedFetches.sum();
	}

	/**
	 * {@return fetches of the backstop schedule (no notification asked)}
	 */
	public long getBackstopFetches() {
		return this.backstopFetches.sum();
	}

	/**
	 * {@return records published in {@link WithingsDataSyncedEvent}s}
	 */
	public long getRecords() {
		return this.records.sum();
	}

	/**
	 * {@return missed notifications: backstop fetches that found changes no notification announced}
	 */
	public long getMissedNotifications() {
		return this.missedNotifications.sum();
	}

	/**
	 * {@return the records those backstop fetches found}
	 */
	public long getMissedRecords() {
		return this.missedRecords.sum();
	}

	/**
	 * {@return when a missed notification was last noticed, {@code null} when never}
	 */
	public Instant getLastMissedAt() {
		return this.lastMissedAt.get();
	}

	/**
	 * {@return when records were last published, {@code null} when never}
	 */
	public Instant getLastSyncedAt() {
		return this.lastSyncedAt.get();
	}

	/**
	 * {@return fetches deferred by the rate limit (a 601, or no permit in time): due again later}
	 */
	public long getDeferred() {
		return this.deferred.sum();
	}

	/**
	 * {@return fetches that failed (an error of Withings or of the network, or a listener that
	 * threw): retried later with backoff}
	 */
	public long getFailed() {
		return this.failed.sum();
	}

	/**
	 * {@return users who stopped being synced: unlinked, link lost, or gone during a fetch}
	 */
	public long getUnlinked() {
		return this.unlinked.sum();
	}

}
