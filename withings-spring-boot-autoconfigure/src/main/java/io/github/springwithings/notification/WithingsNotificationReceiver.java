package io.github.springwithings.notification;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * What Withings' notification callback does, on either web stack: the servlet
 * {@link WithingsNotificationFilter} and the WebFlux {@link WithingsNotificationWebFilter} only
 * read the request and write the {@link Reply}.
 *
 * <p>A notification is checked and answered on the request thread, without blocking: the caller
 * against the allowed sources (403), the method ({@code HEAD} 200, other than {@code POST} 405),
 * the body (at most {@value #MAX_BODY_BYTES} bytes, 413; a form, 415; {@code userid} and
 * {@code appli} present and numeric, dates numeric or {@code YYYY-MM-DD}, 400), then whether it
 * was seen already (a Withings retry: acknowledged, not published again). It is then handed to
 * the executor and acknowledged with 200; an executor that is full rejects it, and the callback
 * answers 503 (the notification is forgotten, so Withings' retry is taken). On the executor the user is looked up in the store;
 * a user nobody linked is counted and dropped; an unlink or delete removes the stored link
 * (compare before remove, {@link WithingsUserLostEvent.Reason#UNLINKED}); then a
 * {@link WithingsNotificationEvent} is published.
 *
 * <p>An unlink or delete, when {@link #setAuthorizedClients links are checked}, is answered
 * once Withings said whether the link still works (at most {@link #UNLINK_ANSWER_TIMEOUT}
 * later, within Withings' two seconds): when that could not be found out (the principal's
 * renewals in the window are spent, as after a flood of forged unlinks, or the check failed) or
 * not in time, it is answered 503 and forgotten ({@link Outcome#UNLINK_UNVERIFIED}), so that
 * Withings' retry is taken later, never dropped as late.
 *
 * <p>Retries are recognised by the notification's fields, for {@link #setDuplicateWindow a
 * while} and up to {@link #setMaxRemembered a number} of notifications, in this instance's
 * memory: behind a load balancer, a retry that reaches another instance is published there too.
 *
 * <p>With a {@link #setInbox durable inbox} (a database store), a notification is instead
 * committed to the inbox's table (on a servlet request thread, or on an executor of the inbox's
 * own when the caller is an event loop) and acknowledged once committed (a
 * database that cannot be written: 503); a retry, whichever instance it reaches, is a duplicate
 * row (200, not published again). The row is handled at once by this instance, marked done once
 * the listeners returned, retried with backoff when one threw, given up after the last attempt
 * ({@link WithingsNotificationGivenUpEvent}); rows whose instance died are taken by
 * {@link #pollInbox()} once their claim ran out.
 *
 * <p>Each outcome is counted ({@link #count}) and observed as {@value #OBSERVATION_NAME} with the
 * low-cardinality keys {@code outcome} and {@code appli}. The path's last segment is a secret
 * (Withings does not sign notifications): logs show it masked.
 */
public final class WithingsNotificationReceiver {

	/** Name of the observation of each notification's outcome. */
	public static final String OBSERVATION_NAME = "withings.notification";

	/** The largest body accepted: a Withings notification is a few hundred bytes. */
	public static final int MAX_BODY_BYTES = 4096;

	/** The methods the callback answers, for the {@code Allow} header of a 405. */
	public static final String ALLOWED_METHODS = "HEAD, POST";

	private static final Log logger = LogFactory.getLog(WithingsNotificationReceiver.class);

	private static final Reply OK = NotificationDispatcher.OK;

	/** How long the answer to an unlink waits for its check (Withings gives up after two seconds). */
	public static final Duration UNLINK_ANSWER_TIMEOUT = Duration.ofSeconds(1);

	private static final Reply UNLINK_UNVERIFIED = new Reply(503, "unlink not verified yet, retry later");

	private static final Reply UNAVAILABLE = new Reply(503, "unavailable, retry later");

	private final String path;

	private final String maskedPath;

	private final Executor executor;

	private final NotificationDispatcher dispatcher;

	private final AllowedSources allowedSources = new AllowedSources();

	private final RecentNotifications recent = new RecentNotifications();

	private volatile Instant lastReceived;

	private volatile WithingsNotificationInbox inbox;

	private volatile Executor inboxExecutor;

	private Clock clock = Clock.systemUTC();

	/**
	 * @param path the local path of the callback (starting with {@code /})
	 * @param authorizedClientService the store that knows which user a Withings user id is
	 * @param registrationIds the Withings registrations to look users up in, in this order
	 * @param publisher where events go
	 * @param executor where users are looked up and events published, never the request thread;
	 * it must throw {@link RejectedExecutionException} when full, never block (the caller may be
	 * a Netty event loop) nor queue without bound: a rejected notification is answered 503 and
	 * Withings retries it
	 */
	public WithingsNotificationReceiver(String path, WithingsAuthorizedClientService authorizedClientService,
			Collection<String> registrationIds, ApplicationEventPublisher publisher, Executor executor) {
		Assert.isTrue(path != null && path.startsWith("/"), "path must start with '/'");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		Assert.notEmpty(registrationIds, "registrationIds cannot be empty");
		Assert.notNull(publisher, "publisher cannot be null");
		Assert.notNull(executor, "executor cannot be null");
		this.path = path;
		this.maskedPath = mask(path);
		this.executor = executor;
		this.dispatcher = new NotificationDispatcher(authorizedClientService, List.copyOf(registrationIds), publisher);
	}

	/**
	 * Sets the callers allowed to call the callback: IP addresses or CIDR ranges ({@code
	 * 192.0.2.0/24}, {@code 2001:db8::/32}). The default, none, allows every caller.
	 * @param allowedSources the addresses and ranges
	 */
	public void setAllowedSources(Collection<String> allowedSources) {
		this.allowedSources.set(allowedSources);
	}

	/**
	 * Sets how long a notification is remembered to drop Withings' retries of it. The default
	 * is 6 hours (Withings retries for about 5).
	 * @param duplicateWindow the window
	 */
	public void setDuplicateWindow(Duration duplicateWindow) {
		this.recent.setWindow(duplicateWindow);
	}

	/**
	 * Sets how many notifications are remembered at most (the oldest are forgotten first). The
	 * default is 10,000.
	 * @param maxRemembered the bound
	 */
	public void setMaxRemembered(int maxRemembered) {
		this.recent.setMaxRemembered(maxRemembered);
	}

	/**
	 * Sets the durable inbox (set by the auto-configuration when the store is in a database): an
	 * accepted notification is committed to it before it is acknowledged, recognised there when
	 * it comes again (by any instance), marked done once its listeners returned, and retried
	 * when one threw. Without it (the default), notifications are remembered in this instance's
	 * memory only.
	 * @param inbox the inbox, or {@code null} for none
	 * @param inboxExecutor where notifications are inserted when the caller may not block (an
	 * event loop: {@link #answer(byte[])}), not the executor of the listeners (a slow listener must
	 * not delay the acknowledgement of the next notification); it must throw
	 * {@link RejectedExecutionException} when full, never block: the callback then answers 503 and
	 * Withings retries
	 */
	public void setInbox(WithingsNotificationInbox inbox, Executor inboxExecutor) {
		Assert.isTrue(inbox == null || inboxExecutor != null, "inboxExecutor cannot be null");
		this.inboxExecutor = inboxExecutor;
		this.inbox = inbox;
	}

	/**
	 * The durable inbox, when there is one.
	 * @return the inbox, or {@code null}
	 */
	public WithingsNotificationInbox getInbox() {
		return this.inbox;
	}

	/**
	 * Sets the registry of the {@value #OBSERVATION_NAME} observations ({@link
	 * ObservationRegistry#NOOP} by default).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.dispatcher.setObservationRegistry(observationRegistry);
	}

	/**
	 * Sets the clock of the duplicate window.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
		this.recent.setClock(clock);
	}

	/**
	 * Whether a request is for the callback: its path within the application is the configured
	 * one, or its whole path is (the path of {@code callback-url} includes the servlet context path
	 * or the WebFlux base path).
	 * @param fullPath the request's whole path
	 * @param pathWithinApplication its path after the context or base path
	 * @return whether it is for the callback
	 */
	public boolean matches(String fullPath, String pathWithinApplication) {
		return this.path.equals(pathWithinApplication) || this.path.equals(fullPath);
	}

	/**
	 * The local path of the callback: only that exact path is served.
	 * @return the path
	 */
	public String getPath() {
		return this.path;
	}

	/**
	 * How many notifications had that outcome since the start.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long count(Outcome outcome) {
		return this.dispatcher.count(outcome);
	}

	/**
	 * When the last notification was received (a valid one, a retry included), by this instance.
	 * @return the time, or {@code null} when none came since the start
	 */
	public Instant getLastReceived() {
		return this.lastReceived;
	}

	/**
	 * Judge a request before its body is read.
	 * @param method the HTTP method
	 * @param remoteAddress the caller's IP address
	 * @param contentType the {@code Content-Type} header, or {@code null}
	 * @param contentLength the {@code Content-Length}, {@code -1} when unknown
	 * @return the answer, or {@code null} when the body should be read and given to
	 * {@link #receive}
	 */
	public Reply beforeBody(String method, String remoteAddress, String contentType, long contentLength) {
		if (!this.allowedSources.allows(remoteAddress)) {
			return reject(Outcome.FORBIDDEN, 403, "caller " + remoteAddress + " is not an allowed source");
		}
		if ("HEAD".equals(method)) {
			logger.debug("Withings notification callback " + this.maskedPath + ": HEAD probe answered");
			return OK;
		}
		if (!"POST".equals(method)) {
			return new Reply(405, "method not allowed: " + ALLOWED_METHODS);
		}
		if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
			return reject(Outcome.INVALID, 415, "expected application/x-www-form-urlencoded");
		}
		if (contentLength > MAX_BODY_BYTES) {
			return reject(Outcome.TOO_LARGE, 413, "body larger than " + MAX_BODY_BYTES + " bytes");
		}
		return null;
	}

	/**
	 * Receive a notification's body, once {@link #beforeBody} returned {@code null}: check it,
	 * drop a retry, hand it off and answer. Blocks for an unlink whose link is checked (at most
	 * {@link #UNLINK_ANSWER_TIMEOUT}), see {@link #answer}.
	 * @param body the body, or {@code null} when it was longer than {@value #MAX_BODY_BYTES}
	 * bytes
	 * @return the answer
	 */
	public Reply receive(byte[] body) {
		return answer(body, true).join();
	}

	/**
	 * Receive a notification's body, once {@link #beforeBody} returned {@code null}, without
	 * blocking: as {@link #receive}, the answer completing at once except for an unlink whose
	 * link is checked, which completes once the check decided (at most
	 * {@link #UNLINK_ANSWER_TIMEOUT} later, then 503).
	 * @param body the body, or {@code null} when it was longer than {@value #MAX_BODY_BYTES}
	 * bytes
	 * @return the answer
	 */
	public CompletableFuture<Reply> answer(byte[] body) {
		return answer(body, false);
	}

	/**
	 * Receive a notification's body, once {@link #beforeBody} returned {@code null}: as
	 * {@link #answer(byte[])}, and when {@code mayBlock}, the insert into the {@link #setInbox
	 * inbox} runs on the caller's thread (a servlet request thread, which may wait for the
	 * database: no hop to the inbox's executor, no asynchronous request), never when it is an
	 * event loop.
	 * @param body the body, or {@code null} when it was longer than {@value #MAX_BODY_BYTES}
	 * bytes
	 * @param mayBlock whether the caller's thread may wait for the database
	 * @return the answer
	 */
	public CompletableFuture<Reply> answer(byte[] body, boolean mayBlock) {
		if (body == null || body.length > MAX_BODY_BYTES) {
			return CompletableFuture
				.completedFuture(reject(Outcome.TOO_LARGE, 413, "body larger than " + MAX_BODY_BYTES + " bytes"));
		}
		NotificationForm notification;
		try {
			notification = NotificationForm.parse(new String(body, StandardCharsets.UTF_8));
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.completedFuture(reject(Outcome.INVALID, 400, ex.getMessage()));
		}
		this.lastReceived = this.clock.instant();
		WithingsNotificationInbox durable = this.inbox;
		if (durable != null) {
			return answerDurably(durable, notification, mayBlock);
		}
		if (!this.recent.firstSeen(notification.key())) {
			this.dispatcher.count(Outcome.DUPLICATE, notification.appli());
			logger.debug("Withings notification callback " + this.maskedPath + ": " + notification
					+ " seen already (a retry); acknowledged, not published again");
			return CompletableFuture.completedFuture(OK);
		}
		// an unlink is answered once Withings said whether the link works: never dropped unverified
		CompletableFuture<Reply> checked = (notification.unlinks() && this.dispatcher.checksLinks())
				? new CompletableFuture<>() : null;
		try {
			this.executor.execute(() -> this.dispatcher.dispatch(notification, checked));
		}
		catch (RejectedExecutionException ex) {
			this.recent.forget(notification.key());
			logger.warn("Withings notification callback " + this.maskedPath + ": " + notification
					+ " not accepted, the executor is full; Withings will retry it");
			return CompletableFuture.completedFuture(reject(Outcome.BUSY, 503, "busy, retry later"));
		}
		if (notification.appli() == WithingsAppli.UNKNOWN) {
			this.dispatcher.count(Outcome.UNKNOWN_APPLI, notification.appli());
			logger.info("Withings notification callback " + this.maskedPath + ": " + notification
					+ " has an appli this version does not know; published as UNKNOWN");
		}
		this.dispatcher.count(Outcome.ACCEPTED, notification.appli());
		logger.debug("Withings notification callback " + this.maskedPath + ": " + notification + " accepted");
		if (checked == null) {
			return CompletableFuture.completedFuture(OK);
		}
		return checked
			.completeOnTimeout(NotificationDispatcher.NOT_CHECKED, UNLINK_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((reply) -> (reply != NotificationDispatcher.NOT_CHECKED) ? reply : unverified(notification));
	}

	/**
	 * With the inbox: the notification is inserted on the inbox's executor (never on an event
	 * loop; on the caller's thread when it may block) and acknowledged once the row is committed;
	 * a duplicate key is a retry, seen by any instance; a database that cannot be written answers
	 * 503 (Withings retries). The instance that inserted the row holds its claim and handles it at
	 * once.
	 */
	private CompletableFuture<Reply> answerDurably(WithingsNotificationInbox durable, NotificationForm notification,
			boolean mayBlock) {
		if (notification.form().length() > WithingsNotificationInbox.MAX_FORM) {
			return CompletableFuture.completedFuture(reject(Outcome.INVALID, 400, "fields too long"));
		}
		CompletableFuture<Reply> answer = new CompletableFuture<>();
		if (mayBlock) {
			receiveDurably(durable, notification, answer);
			return answer;
		}
		try {
			this.inboxExecutor.execute(() -> {
				try {
					receiveDurably(durable, notification, answer);
				}
				catch (RuntimeException ex) {
					// whatever failed before the answer: never left hanging, Withings retries
					answer.complete(UNAVAILABLE);
					throw ex;
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.warn("Withings notification callback " + this.maskedPath + ": " + notification
					+ " not accepted, the inbox's executor is full; Withings will retry it");
			return CompletableFuture.completedFuture(reject(Outcome.BUSY, 503, "busy, retry later"));
		}
		return answer;
	}

	private void receiveDurably(WithingsNotificationInbox durable, NotificationForm notification,
			CompletableFuture<Reply> answer) {
		WithingsNotificationInbox.Claimed row;
		try {
			row = durable.insert(notification);
		}
		catch (RuntimeException ex) {
			this.dispatcher.count(Outcome.UNAVAILABLE, notification.appli());
			logger.warn("Withings notification callback " + this.maskedPath + ": " + notification
					+ " could not be stored in the inbox (" + ex.getClass().getSimpleName()
					+ "); answered 503, Withings will retry it");
			answer.complete(UNAVAILABLE);
			return;
		}
		if (row == null) {
			this.dispatcher.count(Outcome.DUPLICATE, notification.appli());
			logger.debug("Withings notification callback " + this.maskedPath + ": " + notification
					+ " is in the inbox already (a retry); acknowledged, not published again");
			answer.complete(OK);
			return;
		}
		if (notification.appli() == WithingsAppli.UNKNOWN) {
			this.dispatcher.count(Outcome.UNKNOWN_APPLI, notification.appli());
			logger.info("Withings notification callback " + this.maskedPath + ": " + notification
					+ " has an appli this version does not know; published as UNKNOWN");
		}
		this.dispatcher.count(Outcome.ACCEPTED, notification.appli());
		logger.debug("Withings notification callback " + this.maskedPath + ": " + notification
				+ " committed to the inbox; acknowledged");
		boolean checks = notification.unlinks() && this.dispatcher.checksLinks();
		// persisted, then checked: an unlink is answered as without the inbox (200 once the check
		// decided, 503 when it could not tell in time); either way the inbox handles or retries the row
		CompletableFuture<Reply> checked = checks ? new CompletableFuture<>() : null;
		try {
			this.executor.execute(() -> handle(durable, row, checked));
		}
		catch (RejectedExecutionException ex) {
			// committed: handled from the inbox once the executor has room (the next poll)
			release(durable, row);
			answer.complete(checks ? unverifiedInInbox(notification) : OK);
			return;
		}
		if (!checks) {
			answer.complete(OK);
			return;
		}
		checked
			.completeOnTimeout(NotificationDispatcher.NOT_CHECKED, UNLINK_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((reply) -> (reply != NotificationDispatcher.NOT_CHECKED) ? reply : unverifiedInInbox(notification))
			.thenAccept(answer::complete);
	}

	private void release(WithingsNotificationInbox durable, WithingsNotificationInbox.Claimed row) {
		try {
			durable.release(row);
			logger.debug("Withings notification " + row.notification() + ": the executor is full; handled from the "
					+ "inbox by the next poll");
		}
		catch (RuntimeException ex) {
			logger.debug("Withings notification " + row.notification() + ": the executor is full and its claim could "
					+ "not be given back (" + ex.getClass().getSimpleName() + "); handled once the claim runs out");
		}
	}

	private Reply unverifiedInInbox(NotificationForm notification) {
		this.dispatcher.count(Outcome.UNLINK_UNVERIFIED, notification.appli());
		logger.info("Withings notification callback " + this.maskedPath + ": " + notification
				+ " could not be checked in time; answered 503, kept in the inbox (retried there)");
		return UNLINK_UNVERIFIED;
	}

	/** Handle a row this instance claimed: done once the listeners returned, else retried or given up. */
	private void handle(WithingsNotificationInbox durable, WithingsNotificationInbox.Claimed row,
			CompletableFuture<Reply> checked) {
		try {
			String failure = (row.notification() != null) ? this.dispatcher.dispatch(row.notification(), checked)
					: "the stored form cannot be read";
			if (failure == null) {
				if (!durable.done(row)) {
					logger.warn("Withings notification " + row.notification() + ": its inbox claim ran out while it "
							+ "was handled (withings.notifications.inbox.lease is shorter than the listeners take)");
				}
				return;
			}
			if (durable.failed(row, failure)) {
				this.dispatcher.givenUp(new WithingsNotificationGivenUpEvent(row.id(), row.userId(),
						WithingsAppli.of(row.appliCode()), row.appliCode(), row.receivedAt(), row.attempts() + 1,
						failure));
			}
			else {
				this.dispatcher.count(Outcome.RETRIED, WithingsAppli.of(row.appliCode()));
				logger.info("Withings notification " + row.notification() + ": attempt " + (row.attempts() + 1)
						+ " failed; retried later from the inbox");
			}
		}
		catch (RuntimeException ex) {
			// the inbox could not be written: the claim runs out and the row is taken again (at least once)
			logger.warn("Withings notification " + row.notification() + ": its inbox row could not be updated ("
					+ ex.getClass().getSimpleName() + "); taken again once its claim runs out");
		}
		finally {
			if (checked != null) {
				checked.complete(OK);
			}
		}
	}

	/**
	 * Handle the inbox's due rows (called periodically by the auto-configuration, and at
	 * start-up): delete the expired ones, then claim each due row (pending, its next attempt due,
	 * unclaimed or its claim run out: its instance died) and hand it to the executor. A claim is a
	 * compare-and-set update: one instance wins it. Blocks (the database): never call it on an
	 * event loop.
	 * @return how many rows were claimed
	 */
	public int pollInbox() {
		WithingsNotificationInbox durable = this.inbox;
		if (durable == null) {
			return 0;
		}
		durable.purge();
		int claimed = 0;
		for (String id : durable.due()) {
			WithingsNotificationInbox.Claimed row = durable.claim(id);
			if (row == null) {
				continue;
			}
			try {
				this.executor.execute(() -> handle(durable, row, null));
				claimed++;
			}
			catch (RejectedExecutionException ex) {
				release(durable, row);
				break;
			}
		}
		return claimed;
	}

	/** An unlink whose check could not tell (in time): forgotten, so that Withings' retry is taken. */
	private Reply unverified(NotificationForm notification) {
		this.recent.forget(notification.key());
		this.dispatcher.count(Outcome.UNLINK_UNVERIFIED, notification.appli());
		logger.info("Withings notification callback " + this.maskedPath + ": " + notification
				+ " could not be checked (renewals spent in the window, the check failed or took too long); "
				+ "link kept, answered 503, Withings will retry it");
		return UNLINK_UNVERIFIED;
	}

	/**
	 * Check links with Withings on an unlink notification (set by the auto-configuration): one
	 * refresh through the single flight; the link is removed (compare before remove) only when
	 * Withings refuses its refresh token, and a notification whose link still works (a late one,
	 * or a retry from before the user linked again) is dropped. Without it, an unlink removes
	 * nothing here and the link goes at its next refresh.
	 * @param authorizedClients the authorized clients
	 */
	public void setAuthorizedClients(WithingsAuthorizedClients authorizedClients) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		this.dispatcher.setAuthorizedClients(authorizedClients);
	}

	private Reply reject(Outcome outcome, int status, String message) {
		this.dispatcher.count(outcome, null);
		logger.info("Withings notification callback " + this.maskedPath + ": answered " + status + ", " + message);
		return new Reply(status, message);
	}

	static String mask(String path) {
		int slash = path.lastIndexOf('/', path.endsWith("/") ? path.length() - 2 : path.length() - 1);
		return (path.length() <= 1 || slash < 0) ? path : path.substring(0, slash + 1) + "****";
	}

	/**
	 * What the callback answers.
	 *
	 * @param status the HTTP status
	 * @param message a short text for the body of an error, empty for 200
	 */
	public record Reply(int status, String message) {

	}

	/**
	 * What became of a request to the callback, or of a notification.
	 */
	public enum Outcome {

		/** Handed off and acknowledged. */
		ACCEPTED,

		/** Published as a {@link WithingsNotificationEvent}. */
		PUBLISHED,

		/** An unlink or delete that Withings confirmed (the refresh token is dead): link removed, published. */
		UNLINKED,

		/** An unlink or delete whose link still works (late, or from before a new link): kept, not published. */
		STALE_UNLINK,

		/** A retry of a notification seen already: acknowledged, not published again. */
		DUPLICATE,

		/** For a Withings user nobody linked: acknowledged, counted, not published. */
		UNKNOWN_USER,

		/** An appli this version does not know: acknowledged, published as {@link WithingsAppli#UNKNOWN}. */
		UNKNOWN_APPLI,

		/** A body that is not a Withings notification (400 or 415). */
		INVALID,

		/** A body larger than {@value #MAX_BODY_BYTES} bytes (413). */
		TOO_LARGE,

		/** A caller outside the allowed sources (403). */
		FORBIDDEN,

		/** The executor refused the hand-off (503: Withings retries). */
		BUSY,

		/**
		 * An unlink or delete whose link could not be checked (the principal's renewals in the
		 * window spent, the check failed or took too long): kept, 503, Withings retries it.
		 */
		UNLINK_UNVERIFIED,

		/** The store or a listener failed after the acknowledgement (logged). */
		FAILED,

		/** The inbox could not be written (503: Withings retries; nothing was published). */
		UNAVAILABLE,

		/** An attempt failed; the inbox tries it again after a backoff. */
		RETRIED,

		/** Every attempt failed: given up, its inbox row kept ({@link WithingsNotificationGivenUpEvent}). */
		GIVEN_UP

	}

}
