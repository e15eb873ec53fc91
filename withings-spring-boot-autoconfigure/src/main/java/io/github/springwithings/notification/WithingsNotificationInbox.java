package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.github.springwithings.internal.sql.StoreDatabase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.util.Assert;

/**
 * The durable inbox of notifications: the table {@code withings_notification_inbox} (created by
 * the store's schema), shared by every instance of the application. An accepted notification is
 * inserted (one row per notification, its id the SHA-256 of its fields: a retry, whichever
 * instance it reaches, is a duplicate key) and claimed by the instance that inserted it for a
 * {@link #setLease lease}; it is marked done once its listeners returned, retried with
 * exponential backoff when one threw, and given up after {@link #setMaxAttempts a number of
 * attempts}. A row whose lease ran out (its instance died) is claimed again by a compare-and-set
 * update, by one instance only. Done rows are deleted after {@link #setDoneRetention a while}
 * (the window in which Withings' retries are recognised), given-up rows after
 * {@link #setGivenUpRetention theirs}.
 *
 * <p>Every statement runs on a connection of its own, committed before it returns, never in a
 * caller's transaction. It is blocking (on R2DBC too): the
 * {@link WithingsNotificationReceiver} calls it on its executor, never on a request thread's
 * event loop.
 */
public abstract sealed class WithingsNotificationInbox
		permits JdbcWithingsNotificationInbox, R2dbcWithingsNotificationInbox {

	private static final Log logger = LogFactory.getLog(WithingsNotificationInbox.class);

	static final String PENDING = "PENDING";

	static final String DONE = "DONE";

	static final String GIVEN_UP = "GIVEN_UP";

	/** The longest form a row holds (the column's size). */
	static final int MAX_FORM = 1000;

	private static final int MAX_ERROR = 1000;

	private final StoreDatabase database;

	private volatile String firstRows;

	private String instanceId = UUID.randomUUID().toString();

	private Duration lease = Duration.ofMinutes(1);

	private int maxAttempts = 10;

	private Duration initialBackoff = Duration.ofSeconds(10);

	private Duration maxBackoff = Duration.ofMinutes(10);

	private Duration doneRetention = Duration.ofHours(6);

	private Duration givenUpRetention = Duration.ofDays(30);

	private int batchSize = 100;

	private Clock clock = Clock.systemUTC();

	WithingsNotificationInbox(StoreDatabase database) {
		Assert.notNull(database, "database cannot be null");
		this.database = database;
	}

	/**
	 * Sets the name this instance claims rows under (a random UUID by default; at most 100
	 * characters). Two instances must never share one.
	 * @param instanceId the name
	 */
	public void setInstanceId(String instanceId) {
		Assert.isTrue(instanceId != null && !instanceId.isBlank() && instanceId.length() <= 100,
				"instanceId must be 1 to 100 characters");
		this.instanceId = instanceId;
	}

	/**
	 * Sets how long a claim lasts (1 minute by default): a row whose instance died is claimed
	 * again once it ran out. It must be longer than the listeners take: a claim that ran out is
	 * taken by another instance, which publishes the notification again.
	 * @param lease the lease
	 */
	public void setLease(Duration lease) {
		Assert.isTrue(lease != null && !lease.isNegative() && !lease.isZero(), "lease must be positive");
		this.lease = lease;
	}

	/**
	 * Sets how many times a notification is handled before it is given up (10 by default).
	 * @param maxAttempts the attempts, at least 1
	 */
	public void setMaxAttempts(int maxAttempts) {
		Assert.isTrue(maxAttempts > 0, "maxAttempts must be positive");
		this.maxAttempts = maxAttempts;
	}

	/**
	 * Sets the delays between attempts: the first (10 seconds by default), doubled at each
	 * attempt up to the last (10 minutes by default). No jitter: the poll period of each instance
	 * spreads the retries.
	 * @param initialBackoff the delay after the first failure
	 * @param maxBackoff the longest delay
	 */
	public void setBackoff(Duration initialBackoff, Duration maxBackoff) {
		Assert.isTrue(initialBackoff != null && !initialBackoff.isNegative(), "initialBackoff must not be negative");
		Assert.isTrue(maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0,
				"maxBackoff must not be shorter than initialBackoff");
		this.initialBackoff = initialBackoff;
		this.maxBackoff = maxBackoff;
	}

	/**
	 * Sets how long a handled row is kept (6 hours by default, Withings retries for about 5): a
	 * retry of it within that time is recognised, by every instance.
	 * @param doneRetention the time
	 */
	public void setDoneRetention(Duration doneRetention) {
		Assert.isTrue(doneRetention != null && !doneRetention.isNegative(), "doneRetention must not be negative");
		this.doneRetention = doneRetention;
	}

	/**
	 * Sets how long a given-up row is kept for inspection (30 days by default; {@code null}:
	 * forever).
	 * @param givenUpRetention the time, or {@code null}
	 */
	public void setGivenUpRetention(Duration givenUpRetention) {
		Assert.isTrue(givenUpRetention == null || !givenUpRetention.isNegative(),
				"givenUpRetention must not be negative");
		this.givenUpRetention = givenUpRetention;
	}

	/**
	 * Sets how many due rows one poll claims at most (100 by default).
	 * @param batchSize the number
	 */
	public void setBatchSize(int batchSize) {
		Assert.isTrue(batchSize > 0, "batchSize must be positive");
		this.batchSize = batchSize;
	}

	/**
	 * Sets the clock of claims, retries and retention.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/** @return the name this instance claims rows under */
	public String getInstanceId() {
		return this.instanceId;
	}

	int getMaxAttempts() {
		return this.maxAttempts;
	}

	Instant now() {
		return this.clock.instant();
	}

	/**
	 * Check, at start-up, that the table holds every column this version uses (a query that
	 * reads no row). A database that cannot be reached proves nothing: it is logged and the
	 * application starts (until it can be reached, notifications are answered 503 and Withings
	 * retries them).
	 * @throws IllegalStateException when the table or a column is missing
	 */
	public void verify() {
		try {
			this.database.query("SELECT id, withings_user_id, appli, form, received_at, status, attempts, "
					+ "next_attempt_at, claimed_until, claimed_by, last_error, done_at FROM withings_notification_inbox "
					+ "WHERE 1 = 0", (row) -> row);
		}
		catch (InvalidDataAccessResourceUsageException ex) {
			throw new IllegalStateException("The Withings notification inbox needs the table withings_notification_inbox "
					+ "with the columns of this version (id, withings_user_id, appli, form, received_at, status, attempts, "
					+ "next_attempt_at, claimed_until, claimed_by, last_error, done_at): apply the store's schema script of "
					+ "this version (see Stores in the guide), or set withings.notifications.inbox.enabled=false", ex);
		}
		catch (DataAccessException ex) {
			// the driver's own text may quote the JDBC URL (and a password in it): its class only
			logger.warn("Could not check the Withings notification inbox's table ("
					+ ex.getMostSpecificCause().getClass().getName() + "); the application starts");
		}
	}

	/**
	 * How many notifications wait to be handled (pending, claimed or not), in every instance.
	 * @return the count
	 */
	public long countPending() {
		return count(PENDING);
	}

	/**
	 * How many notifications were given up and are kept for inspection.
	 * @return the count
	 */
	public long countGivenUp() {
		return count(GIVEN_UP);
	}

	private long count(String status) {
		List<Long> counts = this.database.query("SELECT COUNT(*) AS n FROM withings_notification_inbox WHERE status = ?",
				(row) -> row.number("n"), status);
		return counts.isEmpty() ? 0 : counts.get(0);
	}

	/**
	 * Insert a notification, claimed by this instance: committed when this returns.
	 * @return the claimed row, or {@code null} when it is there already (a retry, seen by any
	 * instance)
	 */
	Claimed insert(NotificationForm notification) {
		Instant now = now();
		String id = notification.id();
		try {
			this.database.update("INSERT INTO withings_notification_inbox (id, withings_user_id, appli, form, "
					+ "received_at, status, attempts, next_attempt_at, claimed_until, claimed_by) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, notification.userId(),
					(long) notification.appliCode(), notification.form(), StoreDatabase.time(now), PENDING, 0L,
					StoreDatabase.time(now), StoreDatabase.time(now.plus(this.lease)), this.instanceId);
			return new Claimed(id, notification, notification.userId(), notification.appliCode(), now, 0);
		}
		catch (DuplicateKeyException ex) {
			return null;
		}
	}

	/** The ids of rows due now (pending, their next attempt due, unclaimed or their lease run out), oldest first. */
	List<String> due() {
		Object now = StoreDatabase.time(now());
		if (this.firstRows == null) {
			this.firstRows = StoreDatabase.firstRows(this.database.productName());
		}
		return this.database.query("SELECT id FROM withings_notification_inbox WHERE status = ? AND next_attempt_at <= ? "
				+ "AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at" + this.firstRows,
				(row) -> row.string("id"), PENDING, now, now, this.batchSize);
	}

	/**
	 * Claim a due row (compare-and-set: one instance wins).
	 * @return the claimed row, or {@code null} when another instance claimed it first, or it is
	 * not due
	 */
	Claimed claim(String id) {
		Instant now = now();
		Object at = StoreDatabase.time(now);
		if (this.database.update("UPDATE withings_notification_inbox SET claimed_until = ?, claimed_by = ? "
				+ "WHERE id = ? AND status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)",
				StoreDatabase.time(now.plus(this.lease)), this.instanceId, id, PENDING, at, at) != 1) {
			return null;
		}
		List<Claimed> rows = this.database.query("SELECT form, withings_user_id, appli, received_at, attempts "
				+ "FROM withings_notification_inbox WHERE id = ? AND claimed_by = ?",
				(row) -> new Claimed(id, read(row.string("form")), row.string("withings_user_id"),
						(int) row.number("appli"), row.instant("received_at"), (int) row.number("attempts")),
				id, this.instanceId);
		return rows.isEmpty() ? null : rows.get(0);
	}

	private static NotificationForm read(String form) {
		try {
			return NotificationForm.parse(form);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * Mark a claimed row done.
	 * @return whether it was still this instance's claim
	 */
	boolean done(Claimed row) {
		return this.database.update("UPDATE withings_notification_inbox SET status = ?, done_at = ?, "
				+ "claimed_until = NULL, claimed_by = NULL WHERE id = ? AND claimed_by = ? AND status = ?", DONE,
				StoreDatabase.time(now()), row.id(), this.instanceId, PENDING) == 1;
	}

	/**
	 * Record a failed attempt: retried after the backoff, or given up after the last attempt.
	 * @return whether it was given up
	 */
	boolean failed(Claimed row, String error) {
		int attempts = row.attempts() + 1;
		Instant now = now();
		String lastError = (error.length() > MAX_ERROR) ? error.substring(0, MAX_ERROR) : error;
		if (attempts >= this.maxAttempts) {
			this.database.update("UPDATE withings_notification_inbox SET status = ?, attempts = ?, last_error = ?, "
					+ "done_at = ?, claimed_until = NULL, claimed_by = NULL WHERE id = ? AND claimed_by = ? AND status = ?",
					GIVEN_UP, (long) attempts, lastError, StoreDatabase.time(now), row.id(), this.instanceId, PENDING);
			return true;
		}
		this.database.update("UPDATE withings_notification_inbox SET attempts = ?, next_attempt_at = ?, last_error = ?, "
				+ "claimed_until = NULL, claimed_by = NULL WHERE id = ? AND claimed_by = ? AND status = ?",
				(long) attempts, StoreDatabase.time(now.plus(backoff(attempts))), lastError, row.id(), this.instanceId,
				PENDING);
		return false;
	}

	/** The delay after the {@code attempts}-th failed attempt: the initial backoff doubled each time, at most the max. */
	Duration backoff(int attempts) {
		Duration delay = this.initialBackoff;
		for (int i = 1; i < attempts && delay.compareTo(this.maxBackoff) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		return (delay.compareTo(this.maxBackoff) > 0) ? this.maxBackoff : delay;
	}

	/** Give a claim back at once (the executor was full): the next poll claims it again. */
	void release(Claimed row) {
		this.database.update("UPDATE withings_notification_inbox SET claimed_until = NULL, claimed_by = NULL "
				+ "WHERE id = ? AND claimed_by = ? AND status = ?", row.id(), this.instanceId, PENDING);
	}

	/**
	 * Delete the done rows older than the done retention, and the given-up rows older than theirs.
	 * @return how many rows were deleted
	 */
	int purge() {
		Instant now = now();
		int deleted = this.database.update("DELETE FROM withings_notification_inbox WHERE status = ? AND done_at < ?",
				DONE, StoreDatabase.time(now.minus(this.doneRetention)));
		if (this.givenUpRetention != null) {
			deleted += this.database.update(
					"DELETE FROM withings_notification_inbox WHERE status = ? AND done_at < ?", GIVEN_UP,
					StoreDatabase.time(now.minus(this.givenUpRetention)));
		}
		return deleted;
	}

	/**
	 * A row claimed by this instance.
	 *
	 * @param id the row's id
	 * @param notification the notification, {@code null} when the stored form cannot be read
	 * @param userId the Withings user id
	 * @param appliCode the category's code
	 * @param receivedAt when it was first received
	 * @param attempts the attempts that failed before
	 */
	record Claimed(String id, NotificationForm notification, String userId, int appliCode, Instant receivedAt,
			int attempts) {
	}

}
