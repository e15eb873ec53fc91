package io.github.springwithings.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.util.Assert;

/**
 * The data sync: a durable {@code lastupdate} cursor per linked user and data kind their scopes
 * allow ({@link WithingsSyncCursorStore}); a {@link WithingsNotificationEvent} makes the cursors
 * of the kinds it announces due, the backstop makes a cursor due when no notification came for
 * {@link #setBackstopPeriod the backstop period}, and a worker thread claims due cursors (one
 * instance per cursor at a time), fetches what changed ({@link WithingsDataFetcher}), publishes a
 * {@link WithingsDataSyncedEvent} and moves the cursor only after the listeners returned.
 *
 * <ul>
 * <li><b>Coalescing.</b> Notifications for a cursor already due or being fetched make one more
 * fetch at most, however many they are.</li>
 * <li><b>Never skips.</b> A 601 (or no permit within the budget's wait) defers the cursor by the
 * wait asked; an error, an incomplete answer or a listener that throws leaves it where it was and
 * retries with backoff.</li>
 * <li><b>Unlinked users.</b> A user who unlinks or whose link dies has their cursors removed; a
 * fetch running meanwhile publishes nothing (the link and the claim are checked before
 * publishing, and the move compares the claim's version).</li>
 * <li><b>Missed notifications.</b> A backstop fetch that finds records changed since the last
 * fetch and older than {@link #setMissedGrace the grace} counts a missed notification
 * ({@link WithingsSyncStatistics}).</li>
 * </ul>
 */
public final class WithingsDataSync implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WithingsDataSync.class);

	private final WithingsSyncCursorStore store;

	private final WithingsDataFetcher fetcher;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final ApplicationEventPublisher publisher;

	private final WithingsSyncStatistics statistics = new WithingsSyncStatistics();

	private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);

	private Set<WithingsDataKind> kinds = EnumSet.allOf(WithingsDataKind.class);

	private Duration backstopPeriod = Duration.ofHours(6);

	private Duration initialLookBack = Duration.ofDays(7);

	private Duration lease = Duration.ofMinutes(5);

	private Duration retryDelay = Duration.ofMinutes(1);

	private Duration maxRetryDelay = Duration.ofHours(1);

	private Duration pollInterval = Duration.ofSeconds(30);

	private Duration missedGrace = Duration.ofMinutes(10);

	private Duration clockTolerance = Duration.ofSeconds(1);

	private int batchSize = 10;

	private Clock clock = Clock.systemUTC();

	private String owner = "withings-sync-" + UUID.randomUUID();

	private WithingsLinkedUsers linkedUsers;

	private Collection<String> registrationIds = List.of();

	private volatile Thread worker;

	private volatile boolean running;

	/**
	 * @param store where the cursors are kept
	 * @param fetcher what fetches a kind of a user
	 * @param authorizedClientService the store of links, checked before a fetch and before
	 * publishing
	 * @param publisher where {@link WithingsDataSyncedEvent}s are published
	 */
	public WithingsDataSync(WithingsSyncCursorStore store, WithingsDataFetcher fetcher,
			WithingsAuthorizedClientService authorizedClientService, ApplicationEventPublisher publisher) {
		Assert.notNull(store, "store cannot be null");
		Assert.notNull(fetcher, "fetcher cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notNull(publisher, "publisher cannot be null");
		this.store = store;
		this.fetcher = fetcher;
		this.authorizedClientService = authorizedClientService;
		this.publisher = publisher;
	}

	// --- links --------------------------------------------------------------------------------

	/**
	 * Start syncing a user: a cursor for each kind their scopes allow (at now less the initial
	 * look-back, due at once) unless one exists; the cursors of kinds no longer allowed removed.
	 * @param user the linked user
	 * @return how many cursors were added
	 */
	public int enroll(WithingsLinkedUser user) {
		Assert.notNull(user, "user cannot be null");
		if (user.userId() == null) {
			return 0;
		}
		Instant now = this.clock.instant();
		int added = 0;
		for (WithingsDataKind kind : WithingsDataKind.values()) {
			if (this.kinds.contains(kind) && kind.isAllowedBy(user.scopes())) {
				added += this.store.create(WithingsSyncCursor.start(user.registrationId(), user.userId(), kind,
						user.principalName(), now.minus(this.initialLookBack), now)) ? 1 : 0;
			}
			else {
				this.store.delete(user.registrationId(), user.userId(), kind);
			}
		}
		return added;
	}

	/**
	 * Enroll every linked user of the registrations who has no cursor yet (at start-up: users
	 * linked before the sync was turned on, or while the cursors were in a memory that restarted).
	 * @return how many users were enrolled
	 */
	public int enrollAll() {
		if (this.linkedUsers == null) {
			return 0;
		}
		int enrolled = 0;
		for (String registrationId : this.registrationIds) {
			Set<String> synced = this.store.findUserIds(registrationId);
			enrolled += (int) this.linkedUsers.stream(registrationId)
				.filter((user) -> user.userId() != null && !synced.contains(user.userId()))
				.filter((user) -> enroll(user) > 0)
				.count();
		}
		return enrolled;
	}

	/**
	 * A user linked (or linked again, maybe with other scopes): enrolled; the cursors of an
	 * account the link replaced removed.
	 * @param event the event
	 */
	@EventListener
	public void onLinked(WithingsUserLinkedEvent event) {
		WithingsLinkedUser replaced = event.replaced();
		if (replaced != null && replaced.userId() != null && !replaced.userId().equals(event.user().userId())) {
			stopSyncing(replaced.registrationId(), replaced.userId());
		}
		if (enroll(event.user()) > 0) {
			signal();
		}
	}

	/**
	 * A link died: the user's cursors removed.
	 * @param event the event
	 */
	@EventListener
	public void onLost(WithingsUserLostEvent event) {
		if (event.user().userId() != null) {
			stopSyncing(event.user().registrationId(), event.user().userId());
		}
	}

	/**
	 * A user disconnected: their cursors removed.
	 * @param event the event
	 */
	@EventListener
	public void onDisconnected(WithingsUserDisconnectedEvent event) {
		if (event.user().userId() != null) {
			stopSyncing(event.user().registrationId(), event.user().userId());
		}
	}

	private void stopSyncing(String registrationId, String userId) {
		if (this.store.delete(registrationId, userId) > 0) {
			this.statistics.unlinked();
		}
	}

	// --- notifications ------------------------------------------------------------------------

	/**
	 * A notification: the cursors of the kinds it announces are due now (one quick update each,
	 * then this returns); an unlink removes the user's cursors. A user not enrolled yet is
	 * enrolled first.
	 * @param event the notification
	 */
	@EventListener
	public void onNotification(WithingsNotificationEvent event) {
		if (event.unlinked()) {
			stopSyncing(event.registrationId(), event.userId());
			return;
		}
		Instant now = this.clock.instant();
		boolean requested = false;
		boolean enrolled = false;
		for (WithingsDataKind kind : this.kinds) {
			if (!kind.isAnnouncedBy(event.appli())) {
				continue;
			}
			if (!this.store.request(event.registrationId(), event.userId(), kind, now) && !enrolled) {
				enrolled = true;
				if (enrollLinked(event.registrationId(), event.userId())) {
					this.store.request(event.registrationId(), event.userId(), kind, now);
				}
			}
			requested = true;
		}
		if (requested) {
			signal();
		}
	}

	private boolean enrollLinked(String registrationId, String userId) {
		WithingsAuthorizedClient client = this.authorizedClientService.loadByUserId(registrationId, userId);
		return client != null && enroll(WithingsLinkedUser.of(client)) > 0;
	}

	// --- the worker ---------------------------------------------------------------------------

	/**
	 * Fetch one batch of the cursors due now (those a notification asked for first). The worker
	 * thread calls it again as long as cursors were due; tests call it with a controlled clock.
	 * @return how many cursors were due in the batch (0: none is due now)
	 */
	public int runDue() {
		List<WithingsSyncCursor> due = this.store.findDue(this.clock.instant(), this.batchSize);
		for (WithingsSyncCursor cursor : due) {
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
			Instant now = this.clock.instant();
			WithingsSyncCursor claimed = this.store.claim(cursor, this.owner, now, now.plus(this.lease));
			if (claimed != null) {
				sync(claimed);
			}
		}
		return due.size();
	}

	/**
	 * Fetch batches until no cursor is due now.
	 * @return how many batches ran
	 */
	public int runAllDue() {
		int batches = 0;
		while (!Thread.currentThread().isInterrupted() && runDue() > 0) {
			batches++;
		}
		return batches;
	}

	/** One fetch of a claimed cursor, its publication and its move. */
	private void sync(WithingsSyncCursor claimed) {
		Instant start = this.clock.instant();
		boolean announced = claimed.requestedAt() != null;
		if (!linked(claimed)) {
			stopSyncing(claimed.registrationId(), claimed.userId());
			return;
		}
		Instant from = (claimed.lastUpdate() != null) ? claimed.lastUpdate() : start.minus(this.initialLookBack);
		List<?> records;
		try {
			records = this.fetcher.fetch(claimed.userId(), claimed.kind(), from, start);
			this.statistics.fetched(announced);
		}
		catch (WithingsRateLimitException ex) {
			this.statistics.deferred();
			this.store.release(claimed, this.clock.instant().plus(ex.getWait()));
			logger.debug("Withings sync of " + claimed.kind() + " deferred by the rate limit for " + ex.getWait());
			return;
		}
		catch (RuntimeException ex) {
			failed(claimed, "fetch", ex);
			return;
		}
		if (!this.store.holds(claimed) || !linked(claimed)) {
			// unlinked (or taken over after the lease ran out) during the fetch: nothing published
			stopSyncingIfUnlinked(claimed);
			return;
		}
		Instant lastUpdate = from;
		if (!records.isEmpty()) {
			lastUpdate = cursor(claimed.kind(), records, from, start);
			try {
				this.publisher.publishEvent(new WithingsDataSyncedEvent<>(claimed.registrationId(), claimed.userId(),
						claimed.principalName(), claimed.kind(), records, lastUpdate, announced));
			}
			catch (RuntimeException ex) {
				failed(claimed, "listener", ex);
				return;
			}
			this.statistics.published(records.size(), this.clock.instant());
			if (!announced) {
				countMissed(claimed, records, start);
			}
		}
		Instant now = this.clock.instant();
		if (!this.store.complete(claimed, lastUpdate, now, now.plus(this.backstopPeriod))) {
			stopSyncingIfUnlinked(claimed);
		}
	}

	private boolean linked(WithingsSyncCursor cursor) {
		return this.authorizedClientService.loadByUserId(cursor.registrationId(), cursor.userId()) != null;
	}

	private void stopSyncingIfUnlinked(WithingsSyncCursor cursor) {
		if (!linked(cursor)) {
			stopSyncing(cursor.registrationId(), cursor.userId());
		}
	}

	private void failed(WithingsSyncCursor claimed, String what, RuntimeException ex) {
		this.statistics.failed();
		if (!linked(claimed)) {
			stopSyncing(claimed.registrationId(), claimed.userId());
			return;
		}
		Duration delay = retryDelay(claimed.attempts());
		this.store.release(claimed, this.clock.instant().plus(delay));
		// the type only: a message may carry a request's values
		logger.warn("Withings sync of " + claimed.kind() + " failed in the " + what + " ("
				+ ex.getClass().getSimpleName() + "); retried in " + delay);
	}

	private Duration retryDelay(long attempts) {
		Duration delay = this.retryDelay;
		for (long i = 0; i < attempts && delay.compareTo(this.maxRetryDelay) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		return (delay.compareTo(this.maxRetryDelay) > 0) ? this.maxRetryDelay : delay;
	}

	/**
	 * Where the cursor moves: the latest {@code modified} seen, but never into the second the fetch
	 * started in (less the clock tolerance): Withings' {@code lastupdate} is exclusive and in whole
	 * seconds, so a record changed later in that second would otherwise be skipped. Records of that
	 * second come again with the next fetch (listeners are idempotent).
	 */
	private Instant cursor(WithingsDataKind kind, List<?> records, Instant from, Instant start) {
		Instant latest = records.stream()
			.map(kind::modified)
			.filter(Objects::nonNull)
			.max(Instant::compareTo)
			.orElse(from);
		Instant safe = start.truncatedTo(ChronoUnit.SECONDS).minus(this.clockTolerance);
		Instant to = latest.isAfter(safe) ? safe : latest;
		return to.isAfter(from) ? to : from;
	}

	/** Records the backstop found, changed since the last fetch and older than the grace. */
	private void countMissed(WithingsSyncCursor claimed, List<?> records, Instant start) {
		if (claimed.lastSyncedAt() == null) {
			return;
		}
		Instant before = start.minus(this.missedGrace);
		int missed = (int) records.stream()
			.map(claimed.kind()::modified)
			.filter((modified) -> modified != null && modified.isAfter(claimed.lastSyncedAt())
					&& modified.isBefore(before))
			.count();
		if (missed > 0) {
			this.statistics.missed(missed, start);
			logger.warn("Withings sync: the backstop found " + missed + " " + claimed.kind()
					+ " records no notification announced; is the notification callback reachable?");
		}
	}

	// --- lifecycle ----------------------------------------------------------------------------

	/** Wake the worker (a notification made a cursor due). */
	private void signal() {
		this.wake.offer(Boolean.TRUE);
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::work, "withings-sync");
		thread.setDaemon(true);
		this.worker = thread;
		thread.start();
	}

	private void work() {
		try {
			enrollAll();
		}
		catch (RuntimeException ex) {
			logger.warn("Withings sync: the linked users could not be enrolled (" + ex.getClass().getSimpleName()
					+ "); they are enrolled on their next notification or link");
		}
		while (this.running) {
			try {
				while (this.running && runDue() > 0) {
					// the next batch: a notification that came meanwhile goes first
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Withings sync: the cursors could not be read (" + ex.getClass().getSimpleName() + ")");
			}
			try {
				this.wake.poll(untilNextDue().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private Duration untilNextDue() {
		try {
			Instant next = this.store.nextDue();
			if (next != null) {
				Duration until = Duration.between(this.clock.instant(), next);
				return until.isNegative() ? Duration.ZERO : (until.compareTo(this.pollInterval) < 0) ? until
						: this.pollInterval;
			}
		}
		catch (RuntimeException ex) {
			// read again at the next poll
		}
		return this.pollInterval;
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.worker;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.worker = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// --- settings -----------------------------------------------------------------------------

	/**
	 * {@return what the sync did in this instance}
	 */
	public WithingsSyncStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * {@return the cursor store}
	 */
	public WithingsSyncCursorStore getStore() {
		return this.store;
	}

	/**
	 * The kinds synced (all by default), each only for users whose scopes allow it.
	 * @param kinds the kinds
	 */
	public void setKinds(Collection<WithingsDataKind> kinds) {
		Assert.notEmpty(kinds, "kinds cannot be empty");
		this.kinds = EnumSet.copyOf(kinds);
	}

	/**
	 * Fetch a cursor no notification asked for after this long since its last fetch (6 hours by
	 * default): the backstop for lost notifications.
	 * @param backstopPeriod the period
	 */
	public void setBackstopPeriod(Duration backstopPeriod) {
		Assert.isTrue(backstopPeriod != null && !backstopPeriod.isNegative() && !backstopPeriod.isZero(), "backstopPeriod must be positive");
		this.backstopPeriod = backstopPeriod;
	}

	/**
	 * How far back the first fetch of a new cursor goes (7 days by default).
	 * @param initialLookBack the look-back
	 */
	public void setInitialLookBack(Duration initialLookBack) {
		Assert.isTrue(initialLookBack != null && !initialLookBack.isNegative(), "initialLookBack cannot be negative");
		this.initialLookBack = initialLookBack;
	}

	/**
	 * How long a claim holds (5 minutes by default): another instance may take a cursor over once
	 * its claim ran out (a fetch and its listeners should end well within it).
	 * @param lease the lease
	 */
	public void setLease(Duration lease) {
		Assert.isTrue(lease != null && !lease.isNegative() && !lease.isZero(), "lease must be positive");
		this.lease = lease;
	}

	/**
	 * The wait after a first failure (1 minute by default), doubled with each failure after it,
	 * up to {@code maxRetryDelay} (1 hour by default).
	 * @param retryDelay the first wait
	 * @param maxRetryDelay the longest wait
	 */
	public void setRetryDelays(Duration retryDelay, Duration maxRetryDelay) {
		Assert.isTrue(retryDelay != null && !retryDelay.isNegative() && !retryDelay.isZero(), "retryDelay must be positive");
		Assert.isTrue(maxRetryDelay != null && maxRetryDelay.compareTo(retryDelay) >= 0,
				"maxRetryDelay must be at least retryDelay");
		this.retryDelay = retryDelay;
		this.maxRetryDelay = maxRetryDelay;
	}

	/**
	 * How often the worker looks for due cursors when nothing woke it (30 seconds by default):
	 * cursors made due by another instance's notification, leases that ran out.
	 * @param pollInterval the interval
	 */
	public void setPollInterval(Duration pollInterval) {
		Assert.isTrue(pollInterval != null && !pollInterval.isNegative() && !pollInterval.isZero(), "pollInterval must be positive");
		this.pollInterval = pollInterval;
	}

	/**
	 * Records the backstop finds are counted as missed only when changed at least this long before
	 * the fetch (10 minutes by default): a notification on its way is not a missed one.
	 * @param missedGrace the grace
	 */
	public void setMissedGrace(Duration missedGrace) {
		Assert.isTrue(missedGrace != null && !missedGrace.isNegative(), "missedGrace cannot be negative");
		this.missedGrace = missedGrace;
	}

	/**
	 * The difference tolerated between this clock and Withings' (1 second by default): the cursor
	 * never moves past the start of a fetch less this.
	 * @param clockTolerance the tolerance
	 */
	public void setClockTolerance(Duration clockTolerance) {
		Assert.isTrue(clockTolerance != null && !clockTolerance.isNegative(), "clockTolerance cannot be negative");
		this.clockTolerance = clockTolerance;
	}

	/**
	 * Cursors read per query (10 by default): a notification waits at most for a batch.
	 * @param batchSize the size
	 */
	public void setBatchSize(int batchSize) {
		Assert.isTrue(batchSize >= 1, "batchSize must be at least 1");
		this.batchSize = batchSize;
	}

	/**
	 * The clock.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/**
	 * Who this instance is in claims ({@code withings-sync-} and a random id by default).
	 * @param owner the name, at most 100 characters
	 */
	public void setOwner(String owner) {
		Assert.isTrue(owner != null && !owner.isBlank() && owner.length() <= 100,
				"owner must be 1 to 100 characters");
		this.owner = owner;
	}

	/**
	 * Where the users enrolled at start-up are listed ({@link #enrollAll()}).
	 * @param linkedUsers the linked users
	 * @param registrationIds the Withings registrations
	 */
	public void setLinkedUsers(WithingsLinkedUsers linkedUsers, Collection<String> registrationIds) {
		Assert.notNull(linkedUsers, "linkedUsers cannot be null");
		Assert.notNull(registrationIds, "registrationIds cannot be null");
		this.linkedUsers = linkedUsers;
		this.registrationIds = List.copyOf(registrationIds);
	}

}
