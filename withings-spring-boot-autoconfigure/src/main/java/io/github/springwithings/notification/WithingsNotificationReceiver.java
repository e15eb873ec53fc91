package io.github.springwithings.notification;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
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

	private static final Pattern NUMBER = Pattern.compile("[0-9]{1,19}");

	private static final Reply OK = new Reply(200, "");

	/** How long the answer to an unlink waits for its check (Withings gives up after two seconds). */
	public static final Duration UNLINK_ANSWER_TIMEOUT = Duration.ofSeconds(1);

	private static final Reply UNLINK_UNVERIFIED = new Reply(503, "unlink not verified yet, retry later");

	/** What the check of an unlink completes its answer with when it could not tell. */
	private static final Reply NOT_CHECKED = new Reply(503, "");

	private final String path;

	private final String maskedPath;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final List<String> registrationIds;

	private final ApplicationEventPublisher publisher;

	private WithingsAuthorizedClients authorizedClients;

	private final Executor executor;

	private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

	private final Map<String, Instant> seen = new LinkedHashMap<>();

	private volatile List<IpAddressMatcher> allowedSources = List.of();

	private volatile Instant lastReceived;

	private Duration duplicateWindow = Duration.ofHours(6);

	private int maxRemembered = 10_000;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

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
		this.authorizedClientService = authorizedClientService;
		this.registrationIds = List.copyOf(registrationIds);
		this.publisher = publisher;
		this.executor = executor;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
	}

	/**
	 * Sets the callers allowed to call the callback: IP addresses or CIDR ranges ({@code
	 * 192.0.2.0/24}, {@code 2001:db8::/32}). The default, none, allows every caller.
	 * @param allowedSources the addresses and ranges
	 */
	public void setAllowedSources(Collection<String> allowedSources) {
		Assert.notNull(allowedSources, "allowedSources cannot be null");
		List<IpAddressMatcher> matchers = new ArrayList<>();
		for (String source : allowedSources) {
			Assert.hasText(source, "allowedSources cannot contain an empty value");
			matchers.add(new IpAddressMatcher(source.trim()));
		}
		this.allowedSources = List.copyOf(matchers);
	}

	/**
	 * Sets how long a notification is remembered to drop Withings' retries of it. The default
	 * is 6 hours (Withings retries for about 5).
	 * @param duplicateWindow the window
	 */
	public void setDuplicateWindow(Duration duplicateWindow) {
		Assert.isTrue(duplicateWindow != null && !duplicateWindow.isNegative(), "duplicateWindow must not be negative");
		this.duplicateWindow = duplicateWindow;
	}

	/**
	 * Sets how many notifications are remembered at most (the oldest are forgotten first). The
	 * default is 10,000.
	 * @param maxRemembered the bound
	 */
	public void setMaxRemembered(int maxRemembered) {
		Assert.isTrue(maxRemembered > 0, "maxRemembered must be positive");
		this.maxRemembered = maxRemembered;
	}

	/**
	 * Sets the registry of the {@value #OBSERVATION_NAME} observations ({@link
	 * ObservationRegistry#NOOP} by default).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Sets the clock of the duplicate window.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
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
		return this.counts.get(outcome).sum();
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
		if (!isAllowed(remoteAddress)) {
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
		return answer(body).join();
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
		if (body == null || body.length > MAX_BODY_BYTES) {
			return CompletableFuture
				.completedFuture(reject(Outcome.TOO_LARGE, 413, "body larger than " + MAX_BODY_BYTES + " bytes"));
		}
		Notification notification;
		try {
			notification = Notification.parse(new String(body, StandardCharsets.UTF_8));
		}
		catch (IllegalArgumentException ex) {
			return CompletableFuture.completedFuture(reject(Outcome.INVALID, 400, ex.getMessage()));
		}
		this.lastReceived = this.clock.instant();
		if (!firstSeen(notification.key())) {
			count(Outcome.DUPLICATE, notification.appli());
			logger.debug("Withings notification callback " + this.maskedPath + ": " + notification
					+ " seen already (a retry); acknowledged, not published again");
			return CompletableFuture.completedFuture(OK);
		}
		// an unlink is answered once Withings said whether the link works: never dropped unverified
		CompletableFuture<Reply> checked = (notification.unlinks() && this.authorizedClients != null)
				? new CompletableFuture<>() : null;
		try {
			this.executor.execute(() -> dispatch(notification, checked));
		}
		catch (RejectedExecutionException ex) {
			forget(notification.key());
			logger.warn("Withings notification callback " + this.maskedPath + ": " + notification
					+ " not accepted, the executor is full; Withings will retry it");
			return CompletableFuture.completedFuture(reject(Outcome.BUSY, 503, "busy, retry later"));
		}
		if (notification.appli() == WithingsAppli.UNKNOWN) {
			count(Outcome.UNKNOWN_APPLI, notification.appli());
			logger.info("Withings notification callback " + this.maskedPath + ": " + notification
					+ " has an appli this version does not know; published as UNKNOWN");
		}
		count(Outcome.ACCEPTED, notification.appli());
		logger.debug("Withings notification callback " + this.maskedPath + ": " + notification + " accepted");
		if (checked == null) {
			return CompletableFuture.completedFuture(OK);
		}
		return checked.completeOnTimeout(NOT_CHECKED, UNLINK_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((reply) -> (reply != NOT_CHECKED) ? reply : unverified(notification));
	}

	/** An unlink whose check could not tell (in time): forgotten, so that Withings' retry is taken. */
	private Reply unverified(Notification notification) {
		forget(notification.key());
		count(Outcome.UNLINK_UNVERIFIED, notification.appli());
		logger.info("Withings notification callback " + this.maskedPath + ": " + notification
				+ " could not be checked (renewals spent in the window, the check failed or took too long); "
				+ "link kept, answered 503, Withings will retry it");
		return UNLINK_UNVERIFIED;
	}

	private boolean isAllowed(String remoteAddress) {
		if (this.allowedSources.isEmpty()) {
			return true;
		}
		if (remoteAddress == null) {
			return false;
		}
		for (IpAddressMatcher matcher : this.allowedSources) {
			try {
				if (matcher.matches(remoteAddress)) {
					return true;
				}
			}
			catch (IllegalArgumentException ex) {
				// an address of the other family, or not an address at all
			}
		}
		return false;
	}

	/**
	 * Look the user up and publish; {@code checked} (an unlink's answer, else {@code null}) is
	 * completed once the link's check decided.
	 */
	private void dispatch(Notification notification, CompletableFuture<Reply> checked) {
		try {
			for (String registrationId : this.registrationIds) {
				WithingsAuthorizedClient client = this.authorizedClientService.loadByUserId(registrationId,
						notification.userId());
				if (client != null) {
					publish(client, notification, checked);
					return;
				}
			}
			count(Outcome.UNKNOWN_USER, notification.appli());
			logger.info("Withings notification " + notification + " is for a user nobody linked; dropped");
		}
		catch (RuntimeException ex) {
			count(Outcome.FAILED, notification.appli());
			logger.warn("Withings notification " + notification + " could not be handled", ex);
			if (checked != null) {
				// the check proved nothing (Withings unreachable, the store down): Withings retries it
				checked.complete(NOT_CHECKED);
			}
		}
		finally {
			if (checked != null) {
				checked.complete(OK);
			}
		}
	}

	private void publish(WithingsAuthorizedClient client, Notification notification, CompletableFuture<Reply> checked) {
		WithingsNotificationEvent event = notification.event(client.getRegistrationId(), client.getPrincipalName());
		if (event.unlinked()) {
			// late, or retried from before the user linked again: Withings says whether the link still works
			WithingsAuthorizedClients.LinkCheck check = (this.authorizedClients != null) ? this.authorizedClients
				.check(client.getRegistrationId(), client.getPrincipalName(), WithingsUserLostEvent.Reason.UNLINKED)
					: WithingsAuthorizedClients.LinkCheck.GONE;
			if (check == WithingsAuthorizedClients.LinkCheck.UNKNOWN) {
				// the principal's renewals are spent (a flood of forged unlinks?): not a late unlink
				logger.debug("Withings notification " + notification + ": the renewals of '"
						+ client.getPrincipalName() + "' are spent in the window; the link is not checked now");
				if (checked != null) {
					checked.complete(NOT_CHECKED);
				}
				return;
			}
			if (checked != null) {
				checked.complete(OK);
			}
			if (check == WithingsAuthorizedClients.LinkCheck.WORKS) {
				count(Outcome.STALE_UNLINK, notification.appli());
				logger.info("Withings notification " + notification + ": the user left (" + event.action()
						+ "), but the link of '" + client.getPrincipalName()
						+ "' still works (linked again since?): kept, not published");
				return;
			}
			count(Outcome.UNLINKED, notification.appli());
			logger.info("Withings notification " + notification + ": the user left (" + event.action() + "); "
					+ ((this.authorizedClients != null) ? "link of '" + client.getPrincipalName() + "' removed"
							: "link of '" + client.getPrincipalName() + "' left to its next refresh"));
		}
		this.publisher.publishEvent(event);
		count(Outcome.PUBLISHED, notification.appli());
		logger.debug("Withings notification " + notification + " published for '" + client.getPrincipalName() + "'");
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
		this.authorizedClients = authorizedClients;
	}

	private synchronized boolean firstSeen(String key) {
		Instant now = this.clock.instant();
		Instant oldest = now.minus(this.duplicateWindow);
		// insertion order is time order: the expired, and the oldest beyond the bound, come first
		Iterator<Map.Entry<String, Instant>> entries = this.seen.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<String, Instant> entry = entries.next();
			if (this.seen.size() < this.maxRemembered && !entry.getValue().isBefore(oldest)) {
				break;
			}
			entries.remove();
		}
		return this.seen.putIfAbsent(key, now) == null;
	}

	private synchronized void forget(String key) {
		this.seen.remove(key);
	}

	private Reply reject(Outcome outcome, int status, String message) {
		count(outcome, null);
		logger.info("Withings notification callback " + this.maskedPath + ": answered " + status + ", " + message);
		return new Reply(status, message);
	}

	private void count(Outcome outcome, WithingsAppli appli) {
		this.counts.get(outcome).increment();
		Observation.createNotStarted(OBSERVATION_NAME, this.observationRegistry)
			.lowCardinalityKeyValue("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.lowCardinalityKeyValue("appli", (appli != null) ? appli.name().toLowerCase(Locale.ROOT) : "none")
			.start()
			.stop();
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
		FAILED

	}

	/** A notification as Withings sends it, checked. */
	record Notification(String userId, int appliCode, WithingsAppli appli, String startdate, String enddate,
			String date, String deviceId, String action) {

		static Notification parse(String body) {
			Map<String, String> fields = new HashMap<>();
			for (String pair : body.split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int equals = pair.indexOf('=');
				String name = decode((equals < 0) ? pair : pair.substring(0, equals));
				String value = (equals < 0) ? "" : decode(pair.substring(equals + 1));
				fields.putIfAbsent(name, value.trim());
			}
			String userId = number(fields, "userid", true);
			String appli = number(fields, "appli", true);
			Assert.isTrue(appli.length() <= 9, "appli is not a Withings category");
			String date = fields.get("date");
			if (date != null && !date.isEmpty() && !NUMBER.matcher(date).matches()) {
				try {
					LocalDate.parse(date);
				}
				catch (DateTimeParseException ex) {
					throw new IllegalArgumentException("date is neither a number nor YYYY-MM-DD");
				}
			}
			int appliCode = Integer.parseInt(appli);
			Notification notification = new Notification(userId, appliCode, WithingsAppli.of(appliCode), number(fields, "startdate", false),
					number(fields, "enddate", false), emptyToNull(date), emptyToNull(fields.get("deviceid")),
					emptyToNull(fields.get("action")));
			try {
				notification.event("check", "check");
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("a date is out of range");
			}
			return notification;
		}

		private static String decode(String value) {
			try {
				return URLDecoder.decode(value, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("body is not form-encoded");
			}
		}

		private static String number(Map<String, String> fields, String name, boolean required) {
			String value = emptyToNull(fields.get(name));
			if (value == null) {
				Assert.isTrue(!required, () -> name + " is missing");
				return null;
			}
			Assert.isTrue(NUMBER.matcher(value).matches(), () -> name + " is not a number");
			return value;
		}

		private static String emptyToNull(String value) {
			return (value == null || value.isEmpty()) ? null : value;
		}

		/** Whether it says the user left (unlink or delete), as {@link WithingsNotificationEvent#unlinked()}. */
		boolean unlinks() {
			return this.appli == WithingsAppli.USER_ACTION && ("unlink".equals(this.action) || "delete".equals(this.action));
		}

		/** What tells a notification from another; a retry has the same. */
		String key() {
			return String.join("|", this.userId, Integer.toString(this.appliCode), String.valueOf(this.startdate),
					String.valueOf(this.enddate), String.valueOf(this.date), String.valueOf(this.deviceId),
					String.valueOf(this.action));
		}

		WithingsNotificationEvent event(String registrationId, String principalName) {
			return new WithingsNotificationEvent(registrationId, this.userId, principalName, this.appli, this.appliCode,
					epoch(this.startdate), epoch(this.enddate), date(this.date), this.deviceId, this.action);
		}

		private static Instant epoch(String seconds) {
			return (seconds != null) ? Instant.ofEpochSecond(Long.parseLong(seconds)) : null;
		}

		private static Instant date(String date) {
			if (date == null) {
				return null;
			}
			return NUMBER.matcher(date).matches() ? epoch(date) : LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
		}

		@Override
		public String toString() {
			return "(userid " + this.userId + ", appli " + this.appliCode
					+ ((this.action != null) ? ", action " + this.action : "") + ")";
		}

	}

}
