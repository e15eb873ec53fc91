package io.github.springwithings.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Withings' notification service: the subscriptions of {@code /notify} (per application and
 * user), the {@code HEAD} probe of callback URLs, and the delivery of notifications (form POSTs,
 * acknowledged by a 2xx within two seconds, retried on Withings' schedule).
 *
 * <p>Sources (see the project's {@code withings-ecosystem.md} §4): Withings' OpenAPI document for
 * the actions and their parameters, its notification pages for the callback URL rules, the
 * payload and the retry schedule. The current documentation gives status families only; the
 * specific statuses used here (286, 293, 294, 304) are those of Withings' older API reference,
 * which every peer client still copies, and all lie in the "invalid params" families of the
 * current table. Where nothing is documented the simulator answers the generic 503 "Invalid
 * Params" (as the token endpoint does) or 2554 "Not implemented".
 *
 * <p>Threads: {@code /notify} calls run on WireMock's threads and probe outside any lock; a
 * scheduler thread hands due attempts (due on the {@link SimulatorClock}, so moving the clock
 * brings retries forward) to sender threads. Both start with the first notification.
 */
final class SimulatorNotifications {

	/** Withings: "respond with a 200 HTTP OK status within two seconds". */
	static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(2);

	/** Withings documents no timeout for its probe; the same two seconds. */
	static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);

	/** Withings: "we perform 2 HTTP attempts per retry cycle". */
	static final int DEFAULT_TRIES_PER_CYCLE = 2;

	/**
	 * Withings: retries after 10 s, 1 min + rand(1-10 min), 1 h + rand(2-20 min), 4 h +
	 * rand(3-30 min). The random parts are left out so that a test moving the clock knows when
	 * the next attempt is due.
	 */
	static final List<Duration> DEFAULT_RETRY_DELAYS = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
			Duration.ofHours(1), Duration.ofHours(4));

	/** The delivery log keeps the newest attempts only, for a simulator that runs for days. */
	static final int MAX_LOGGED_DELIVERIES = 10_000;

	/** Withings: a callback URL has at most 255 characters. */
	static final int MAX_CALLBACK_URL_LENGTH = 255;

	/** Withings' older reference: status 304 for a comment that is "invalid or larger than 255 characters". */
	static final int MAX_COMMENT_LENGTH = 255;

	/** The appli Withings creates when the user unlinks the application (or deletes the account). */
	static final int USER_ACTION_APPLI = 46;

	/**
	 * The categories one subscribes to with a user's access token, and the scope each needs, from
	 * Withings' notification-content page (1 with {@code user.metrics}, ...). The scopes of 54 and
	 * 55 (ECG) are not stated clearly; {@code user.metrics} is assumed. 46 (user actions) is open
	 * to every scope: its documented scope is unclear and {@code user.info} is for partners only.
	 * 53 (no account associated) is subscribed once per application with a signature, not with a
	 * user's token: not simulated.
	 */
	static final Map<Integer, String> APPLI_SCOPES = Map.ofEntries(Map.entry(1, "user.metrics"),
			Map.entry(2, "user.metrics"), Map.entry(4, "user.metrics"), Map.entry(16, "user.activity"),
			Map.entry(44, "user.activity"), Map.entry(USER_ACTION_APPLI, ""), Map.entry(50, "user.sleepevents"),
			Map.entry(51, "user.sleepevents"), Map.entry(52, "user.sleepevents"), Map.entry(54, "user.metrics"),
			Map.entry(55, "user.metrics"), Map.entry(58, "user.metrics"));

	/** Older reference: "The callback URL is either absent or incorrect"; seen live on failed probes. */
	static final int CALLBACK_INVALID = 293;

	/** Older reference: "No such subscription was found". */
	static final int NO_SUCH_SUBSCRIPTION = 286;

	/** Older reference: "No such subscription could be deleted". */
	static final int NOTHING_REVOKED = 294;

	/** Older reference: "The comment is either absent or incorrect". */
	static final int COMMENT_INVALID = 304;

	/** Generic "invalid params" (the family of 501..511; the token endpoint's status). */
	static final int INVALID_PARAMS = 503;

	/** "Unauthorized", as {@code getmeas} answers a token without the scope. */
	static final int UNAUTHORIZED = 214;

	static final int NOT_IMPLEMENTED = 2554;

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private final SimulatorClock clock;

	private final SimulatorCounters counters;

	// guarded by this
	private final List<Entry> subscriptions = new ArrayList<>();

	private final PriorityQueue<Attempt> queue = new PriorityQueue<>(
			Comparator.comparing((Attempt attempt) -> attempt.due).thenComparingLong((attempt) -> attempt.sequence));

	private final ArrayDeque<SimulatorDelivery> deliveries = new ArrayDeque<>();

	private long nextNotificationId = 1;

	private long nextSequence;

	private long generation;

	private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;

	private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;

	private int triesPerCycle = DEFAULT_TRIES_PER_CYCLE;

	private List<Duration> retryDelays = DEFAULT_RETRY_DELAYS;

	private boolean ackBelow400;

	private int removeAfterFailures;

	private boolean strictCallbackUrls;

	private boolean echoCallbackUrls;

	private HttpClient http;

	private Thread scheduler;

	private ExecutorService senders;

	private boolean stopped;

	SimulatorNotifications(SimulatorClock clock, SimulatorCounters counters) {
		this.clock = clock;
		this.counters = counters;
		clock.onChange(this::wakeUp);
	}

	// --- settings -----------------------------------------------------------------------------

	synchronized void setAckTimeout(Duration ackTimeout) {
		this.ackTimeout = ackTimeout;
	}

	synchronized void setProbeTimeout(Duration probeTimeout) {
		this.probeTimeout = probeTimeout;
	}

	synchronized void setRetrySchedule(int triesPerCycle, List<Duration> retryDelays) {
		this.triesPerCycle = triesPerCycle;
		this.retryDelays = List.copyOf(retryDelays);
	}

	synchronized void setAckBelow400(boolean ackBelow400) {
		this.ackBelow400 = ackBelow400;
	}

	synchronized void setRemoveAfterFailures(int failures) {
		this.removeAfterFailures = failures;
	}

	synchronized void setStrictCallbackUrls(boolean strict) {
		this.strictCallbackUrls = strict;
	}

	synchronized void setEchoCallbackUrls(boolean echo) {
		this.echoCallbackUrls = echo;
	}

	/**
	 * Forget subscriptions, pending retries and the delivery log, and return to the default
	 * settings. Attempts already on the wire finish, but are neither logged nor retried.
	 */
	synchronized void reset() {
		this.generation++;
		this.subscriptions.clear();
		this.queue.clear();
		this.deliveries.clear();
		this.ackTimeout = DEFAULT_ACK_TIMEOUT;
		this.probeTimeout = DEFAULT_PROBE_TIMEOUT;
		this.triesPerCycle = DEFAULT_TRIES_PER_CYCLE;
		this.retryDelays = DEFAULT_RETRY_DELAYS;
		this.ackBelow400 = false;
		this.removeAfterFailures = 0;
		this.strictCallbackUrls = false;
		this.echoCallbackUrls = false;
		notifyAll();
	}

	/** Stop the scheduler and the senders: nothing is delivered any more. */
	void shutdown() {
		Thread thread;
		ExecutorService executor;
		synchronized (this) {
			this.stopped = true;
			this.queue.clear();
			thread = this.scheduler;
			executor = this.senders;
			notifyAll();
		}
		if (executor != null) {
			executor.shutdownNow();
		}
		if (thread != null) {
			thread.interrupt();
		}
	}

	// --- /notify ------------------------------------------------------------------------------

	/** Who calls {@code /notify}, from the access token. */
	record Caller(String clientId, String userId, List<String> scopes) {
	}

	/**
	 * {@code POST /notify}, for a caller whose access token is valid.
	 * @param caller the application and user of the access token
	 * @param form the form parameters
	 * @return Withings' answer
	 */
	SimulatorResponse handle(Caller caller, Map<String, String> form) {
		this.counters.notifyRequests.incrementAndGet();
		String action = form.get("action");
		if (action == null) {
			return error(NOT_IMPLEMENTED, "Not implemented: action is required");
		}
		return switch (action) {
			case "subscribe" -> subscribe(caller, form);
			case "get" -> get(caller, form);
			case "list" -> list(caller, form);
			case "update" -> update(caller, form);
			case "revoke" -> revoke(caller, form);
			default -> error(NOT_IMPLEMENTED, "Not implemented: unknown action " + action);
		};
	}

	private SimulatorResponse subscribe(Caller caller, Map<String, String> form) {
		if (form.containsKey("signature") || form.containsKey("nonce")) {
			// Withings: signature and nonce are for appli 53 only, "DO NOT USE WITH" an access token
			return error(INVALID_PARAMS, "Invalid Params: signature and nonce are not used with an access token");
		}
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		SimulatorResponse appliError = appliError(caller, form.get("appli"), true);
		if (appliError != null) {
			return appliError;
		}
		int appli = Integer.parseInt(form.get("appli"));
		String comment = form.get("comment");
		if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
			return error(COMMENT_INVALID, "The comment is either absent or incorrect");
		}
		SimulatorResponse refused = checkCallback(callbackUrl);
		if (refused != null) {
			return refused;
		}
		synchronized (this) {
			// Withings keeps a second subscription for the same user, callback and appli ("if
			// multiple subscriptions were made ... only one will be updated"): so does the simulator
			this.subscriptions.add(new Entry(caller.clientId(), caller.userId(), appli, callbackUrl, comment));
		}
		return ok(Map.of());
	}

	private SimulatorResponse get(Caller caller, Map<String, String> form) {
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		// Withings: "If no appli is specified, appli=1 will be considered"
		String appliValue = form.getOrDefault("appli", "1");
		Integer appli = parseAppli(appliValue);
		if (appli == null) {
			return error(INVALID_PARAMS, "Invalid Params: invalid appli " + appliValue);
		}
		synchronized (this) {
			// "Returns the last notification service that was subscribed for a user and for a given appli"
			Entry entry = last(caller, callbackUrl, appli);
			if (entry == null) {
				return error(NO_SUCH_SUBSCRIPTION, "No such subscription was found");
			}
			return ok(profile(entry));
		}
	}

	private SimulatorResponse list(Caller caller, Map<String, String> form) {
		Integer appli = null;
		if (form.containsKey("appli")) {
			appli = parseAppli(form.get("appli"));
			if (appli == null) {
				return error(INVALID_PARAMS, "Invalid Params: invalid appli " + form.get("appli"));
			}
		}
		List<Map<String, Object>> profiles = new ArrayList<>();
		synchronized (this) {
			for (Entry entry : this.subscriptions) {
				if (entry.belongsTo(caller) && (appli == null || entry.appli == appli)) {
					profiles.add(profile(entry));
				}
			}
		}
		return ok(Map.of("profiles", profiles));
	}

	private SimulatorResponse update(Caller caller, Map<String, String> form) {
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		Integer appli = parseAppli(form.get("appli"));
		if (appli == null) {
			return error(INVALID_PARAMS, "Invalid Params: appli is required (" + form.get("appli") + ")");
		}
		String newCallbackUrl = form.get("new_callbackurl");
		String newAppliValue = form.get("new_appli");
		String comment = form.get("comment");
		// Withings: new_callbackurl, new_appli and comment are each "DO NOT USE WITH" the others
		int changes = ((newCallbackUrl != null) ? 1 : 0) + ((newAppliValue != null) ? 1 : 0)
				+ ((comment != null) ? 1 : 0);
		if (changes != 1) {
			return error(INVALID_PARAMS, "Invalid Params: give exactly one of new_callbackurl, new_appli and comment");
		}
		synchronized (this) {
			if (last(caller, callbackUrl, appli) == null) {
				return error(NO_SUCH_SUBSCRIPTION, "No such subscription was found");
			}
		}
		if (newAppliValue != null) {
			SimulatorResponse appliError = appliError(caller, newAppliValue, false);
			if (appliError != null) {
				return appliError;
			}
		}
		if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
			return error(COMMENT_INVALID, "The comment is either absent or incorrect");
		}
		if (newCallbackUrl != null) {
			SimulatorResponse refused = checkCallback(newCallbackUrl);
			if (refused != null) {
				return refused;
			}
		}
		synchronized (this) {
			// "If multiple subscriptions were made ..., only one of the subscriptions will be updated":
			// the last one, the one get shows
			Entry entry = last(caller, callbackUrl, appli);
			if (entry == null) {
				return error(NO_SUCH_SUBSCRIPTION, "No such subscription was found");
			}
			if (newCallbackUrl != null) {
				entry.callbackUrl = newCallbackUrl;
			}
			else if (newAppliValue != null) {
				entry.appli = Integer.parseInt(newAppliValue);
			}
			else {
				entry.comment = comment;
			}
			entry.failures = 0;
		}
		return ok(Map.of());
	}

	private SimulatorResponse revoke(Caller caller, Map<String, String> form) {
		String callbackUrl = form.get("callbackurl");
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return error(CALLBACK_INVALID, "The callback URL is either absent or incorrect");
		}
		Integer appli = null;
		if (form.containsKey("appli")) {
			appli = parseAppli(form.get("appli"));
			if (appli == null) {
				return error(INVALID_PARAMS, "Invalid Params: invalid appli " + form.get("appli"));
			}
		}
		Integer only = appli;
		boolean removed;
		synchronized (this) {
			// without appli, every category of that callback URL: Withings' summary says "Disables
			// all notifications for a given user" (the docs leave this case open)
			removed = this.subscriptions.removeIf((entry) -> entry.belongsTo(caller)
					&& entry.callbackUrl.equals(callbackUrl) && (only == null || entry.appli == only));
		}
		return removed ? ok(Map.of()) : error(NOTHING_REVOKED, "No such subscription could be deleted");
	}

	private SimulatorResponse appliError(Caller caller, String value, boolean required) {
		if (value == null && required) {
			return error(INVALID_PARAMS, "Invalid Params: appli is required");
		}
		Integer appli = parseAppli(value);
		if (appli != null && appli == 53) {
			return error(INVALID_PARAMS, "Invalid Params: appli 53 is subscribed once per application with a "
					+ "signature and no access token (not simulated)");
		}
		if (appli == null || !APPLI_SCOPES.containsKey(appli)) {
			return error(INVALID_PARAMS, "Invalid Params: unknown appli " + value);
		}
		String scope = APPLI_SCOPES.get(appli);
		if (!scope.isEmpty() && !caller.scopes().contains(scope)) {
			return error(UNAUTHORIZED, "Unauthorized: appli " + appli + " needs scope " + scope);
		}
		return null;
	}

	private static Integer parseAppli(String value) {
		if (value == null || value.isEmpty() || value.length() > 4 || !value.chars().allMatch(Character::isDigit)) {
			return null;
		}
		return Integer.valueOf(value);
	}

	/** The callback URL rules, then the {@code HEAD} probe: {@code null} when the URL is accepted. */
	private SimulatorResponse checkCallback(String callbackUrl) {
		URI uri;
		boolean strict;
		boolean echo;
		Duration timeout;
		synchronized (this) {
			strict = this.strictCallbackUrls;
			echo = this.echoCallbackUrls;
			timeout = this.probeTimeout;
		}
		String problem = urlProblem(callbackUrl, strict);
		if (problem == null) {
			uri = URI.create(callbackUrl);
			problem = probe(uri, timeout);
		}
		if (problem != null) {
			this.counters.refusedCallbacks.incrementAndGet();
			return error(CALLBACK_INVALID, "The callback URL " + (echo ? callbackUrl + " " : "")
					+ "is either absent or incorrect (" + problem + ")");
		}
		return null;
	}

	/**
	 * Withings' rules for a callback URL: an absolute http(s) URL of at most 255 characters; when
	 * strict, also HTTPS only, no IP address or localhost, ports 80 and 443 only. Withings accepts
	 * a URL that breaks the strict rules in "restricted mode" (at most 10 linked users, for
	 * development): the simulator does too unless told to be strict, and does not count users.
	 */
	static String urlProblem(String callbackUrl, boolean strict) {
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return "no callbackurl";
		}
		if (callbackUrl.length() > MAX_CALLBACK_URL_LENGTH) {
			return "longer than " + MAX_CALLBACK_URL_LENGTH + " characters";
		}
		URI uri;
		try {
			uri = new URI(callbackUrl);
		}
		catch (URISyntaxException ex) {
			return "not a URL";
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return "not an http(s) URL";
		}
		String host = uri.getHost();
		if (host == null || host.isEmpty()) {
			return "no host";
		}
		if (strict) {
			if (!scheme.equals("https")) {
				return "HTTPS only";
			}
			String name = host.toLowerCase(Locale.ROOT);
			if (name.equals("localhost") || name.endsWith(".localhost") || name.startsWith("[")
					|| IPV4.matcher(name).matches()) {
				return "no IP address or localhost";
			}
			if (uri.getPort() != -1 && uri.getPort() != 80 && uri.getPort() != 443) {
				return "ports 80 and 443 only";
			}
		}
		return null;
	}

	/** {@code HEAD} the callback URL: {@code null} when it answers 2xx in time. */
	private String probe(URI uri, Duration timeout) {
		this.counters.callbackProbes.incrementAndGet();
		HttpRequest request = HttpRequest.newBuilder(uri)
			.method("HEAD", HttpRequest.BodyPublishers.noBody())
			.timeout(timeout)
			.header("User-Agent", "withings-simulator")
			.build();
		try {
			int status = http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			return (status >= 200 && status < 300) ? null : "HEAD answered " + status;
		}
		catch (HttpTimeoutException ex) {
			return "HEAD not answered within " + timeout.toMillis() + " ms";
		}
		catch (IOException | IllegalArgumentException ex) {
			return "HEAD failed: " + ex.getClass().getSimpleName();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "HEAD interrupted";
		}
	}

	private Entry last(Caller caller, String callbackUrl, int appli) {
		for (int i = this.subscriptions.size() - 1; i >= 0; i--) {
			Entry entry = this.subscriptions.get(i);
			if (entry.belongsTo(caller) && entry.callbackUrl.equals(callbackUrl) && entry.appli == appli) {
				return entry;
			}
		}
		return null;
	}

	private static Map<String, Object> profile(Entry entry) {
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("appli", entry.appli);
		profile.put("callbackurl", entry.callbackUrl);
		if (entry.comment != null) {
			profile.put("comment", entry.comment);
		}
		return profile;
	}

	private static SimulatorResponse ok(Map<String, ?> body) {
		return SimulatorResponse.envelope(0, body, null);
	}

	private static SimulatorResponse error(int status, String error) {
		return SimulatorResponse.envelope(status, Map.of(), error);
	}

	// --- subscriptions, for the simulator -----------------------------------------------------

	/** The subscriptions of a user, every application's, oldest first. */
	synchronized List<SimulatorSubscription> subscriptions(String userId) {
		return this.subscriptions.stream()
			.filter((entry) -> entry.userId.equals(userId))
			.map(Entry::snapshot)
			.toList();
	}

	/** How many subscriptions there are, every user's. */
	synchronized int subscriptionCount() {
		return this.subscriptions.size();
	}

	/**
	 * Remove the subscriptions of a user: the application's ({@code v2/oauth2 action=revoke}) or
	 * every application's ({@code clientId} {@code null}: the user unlinked).
	 * @return how many were removed
	 */
	synchronized int removeSubscriptions(String clientId, String userId) {
		int before = this.subscriptions.size();
		this.subscriptions
			.removeIf((entry) -> entry.userId.equals(userId) && (clientId == null || entry.clientId.equals(clientId)));
		return before - this.subscriptions.size();
	}

	// --- delivery -----------------------------------------------------------------------------

	/** Where a notification about a user and appli goes: each application's distinct callback URLs. */
	synchronized List<Target> targets(String userId, int appli) {
		Map<String, Target> targets = new LinkedHashMap<>();
		for (Entry entry : this.subscriptions) {
			if (entry.userId.equals(userId) && entry.appli == appli) {
				// duplicate subscriptions of one URL get one POST per event (Withings does not say)
				targets.putIfAbsent(entry.clientId + ' ' + entry.callbackUrl,
						new Target(entry.clientId, entry.callbackUrl));
			}
		}
		return List.copyOf(targets.values());
	}

	/** An application's callback URL that a notification goes to. */
	record Target(String clientId, String callbackUrl) {
	}

	/**
	 * Notify every application subscribed to {@code appli} for that user.
	 * @param fields the fields after {@code userid} and {@code appli}
	 * @return how many notifications were created
	 */
	int notify(String userId, int appli, Map<String, String> fields) {
		return dispatch(targets(userId, appli), userId, appli, fields);
	}

	/**
	 * Send a notification to each target, now, and retry it on the schedule until acknowledged.
	 * @return how many notifications were created
	 */
	synchronized int dispatch(List<Target> targets, String userId, int appli, Map<String, String> fields) {
		if (this.stopped || targets.isEmpty()) {
			return 0;
		}
		Map<String, String> form = new LinkedHashMap<>();
		form.put("userid", userId);
		form.put("appli", String.valueOf(appli));
		form.putAll(fields);
		Map<String, String> payload = Collections.unmodifiableMap(form);
		start();
		Instant now = this.clock.instant();
		for (Target target : targets) {
			Notification notification = new Notification(this.nextNotificationId++, target, userId, appli, payload,
					this.generation, this.triesPerCycle, this.retryDelays);
			this.counters.notificationsSent.incrementAndGet();
			schedule(notification, now);
		}
		notifyAll();
		return targets.size();
	}

	/** The delivery log, oldest attempt first (the newest {@value #MAX_LOGGED_DELIVERIES}). */
	synchronized List<SimulatorDelivery> deliveries() {
		return List.copyOf(this.deliveries);
	}

	/** Attempts waiting for their due time (retries, mostly). */
	synchronized int pendingAttempts() {
		return this.queue.size();
	}

	boolean awaitAttempts(int count, Duration timeout) throws InterruptedException {
		return await(this.counters.notificationAttempts::get, count, timeout);
	}

	boolean awaitAcknowledged(int count, Duration timeout) throws InterruptedException {
		return await(this.counters.notificationsAcknowledged::get, count, timeout);
	}

	private boolean await(IntSupplier counter, int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this) {
			while (counter.getAsInt() < count) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this, remaining);
			}
			return true;
		}
	}

	private void schedule(Notification notification, Instant due) {
		this.queue.add(new Attempt(notification, due, this.nextSequence++));
	}

	private void wakeUp() {
		synchronized (this) {
			notifyAll();
		}
	}

	private synchronized HttpClient http() {
		if (this.http == null) {
			this.http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(2))
				.followRedirects(HttpClient.Redirect.NEVER)
				.build();
		}
		return this.http;
	}

	private void start() {
		if (this.scheduler != null) {
			return;
		}
		AtomicInteger threads = new AtomicInteger();
		ThreadFactory factory = (runnable) -> {
			Thread thread = new Thread(runnable, "withings-simulator-notify-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		this.senders = Executors.newCachedThreadPool(factory);
		this.scheduler = new Thread(this::runScheduler, "withings-simulator-notify-scheduler");
		this.scheduler.setDaemon(true);
		this.scheduler.start();
	}

	/** Hand each attempt to a sender when it is due on the simulator's clock. */
	private void runScheduler() {
		try {
			while (true) {
				Attempt next;
				synchronized (this) {
					while (true) {
						if (this.stopped) {
							return;
						}
						Attempt head = this.queue.peek();
						if (head == null) {
							wait();
							continue;
						}
						long millis = Duration.between(this.clock.instant(), head.due).toMillis();
						if (millis <= 0) {
							next = this.queue.poll();
							break;
						}
						// the clock wakes us up when it is moved
						wait(millis);
					}
				}
				this.senders.execute(() -> deliver(next.notification));
			}
		}
		catch (InterruptedException | RejectedExecutionException ex) {
			// stopped
		}
	}

	/** One HTTP attempt; then the log, the counters and the next attempt if it failed. */
	private void deliver(Notification notification) {
		int attempt;
		Duration timeout;
		boolean below400;
		synchronized (this) {
			if (notification.generation != this.generation || this.stopped) {
				return;
			}
			attempt = ++notification.attempts;
			timeout = this.ackTimeout;
			below400 = this.ackBelow400;
		}
		String body = notification.fields.entrySet()
			.stream()
			.map((field) -> encode(field.getKey()) + "=" + encode(field.getValue()))
			.collect(Collectors.joining("&"));
		HttpRequest request;
		try {
			request = HttpRequest.newBuilder(URI.create(notification.target.callbackUrl()))
				.timeout(timeout)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("User-Agent", "withings-simulator")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();
		}
		catch (IllegalArgumentException ex) {
			request = null;
		}
		Instant sentAt = this.clock.instant();
		long start = System.nanoTime();
		int status = 0;
		SimulatorDelivery.Outcome outcome;
		String error = null;
		try {
			if (request == null) {
				throw new IOException("Invalid callback URL");
			}
			status = http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			boolean accepted = below400 ? status < 400 : (status >= 200 && status < 300);
			outcome = accepted ? SimulatorDelivery.Outcome.ACKNOWLEDGED : SimulatorDelivery.Outcome.REJECTED;
		}
		catch (HttpTimeoutException ex) {
			outcome = SimulatorDelivery.Outcome.TIMEOUT;
			error = "No answer within " + timeout.toMillis() + " ms";
		}
		catch (IOException ex) {
			outcome = SimulatorDelivery.Outcome.FAILED;
			error = ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		Duration duration = Duration.ofNanos(System.nanoTime() - start);
		synchronized (this) {
			if (notification.generation != this.generation || this.stopped) {
				return;
			}
			if (this.deliveries.size() == MAX_LOGGED_DELIVERIES) {
				this.deliveries.removeFirst();
			}
			this.deliveries.addLast(new SimulatorDelivery(notification.id, attempt, notification.target.clientId(),
					notification.target.callbackUrl(), notification.userId, notification.appli, notification.fields,
					sentAt, duration, status, outcome, error));
			this.counters.notificationAttempts.incrementAndGet();
			if (outcome == SimulatorDelivery.Outcome.ACKNOWLEDGED) {
				this.counters.notificationsAcknowledged.incrementAndGet();
				failures(notification, false);
			}
			else {
				failures(notification, true);
				if (attempt < notification.maxAttempts()) {
					schedule(notification, this.clock.instant().plus(notification.delayAfter(attempt)));
				}
				else {
					this.counters.notificationsAbandoned.incrementAndGet();
				}
			}
			notifyAll();
		}
	}

	/**
	 * Count consecutive failures per subscription. Withings' older page: "After four consecutive
	 * failures, the notification subscription is removed" (whether it still applies is unknown:
	 * off unless {@link #setRemoveAfterFailures(int) set}).
	 */
	private void failures(Notification notification, boolean failed) {
		List<Entry> entries = this.subscriptions.stream()
			.filter((entry) -> entry.userId.equals(notification.userId) && entry.appli == notification.appli
					&& entry.clientId.equals(notification.target.clientId())
					&& entry.callbackUrl.equals(notification.target.callbackUrl()))
			.toList();
		for (Entry entry : entries) {
			entry.failures = failed ? entry.failures + 1 : 0;
			if (this.removeAfterFailures > 0 && entry.failures >= this.removeAfterFailures) {
				this.subscriptions.remove(entry);
			}
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static final class Entry {

		final String clientId;

		final String userId;

		int appli;

		String callbackUrl;

		String comment;

		int failures;

		Entry(String clientId, String userId, int appli, String callbackUrl, String comment) {
			this.clientId = clientId;
			this.userId = userId;
			this.appli = appli;
			this.callbackUrl = callbackUrl;
			this.comment = comment;
		}

		boolean belongsTo(Caller caller) {
			return this.clientId.equals(caller.clientId()) && this.userId.equals(caller.userId());
		}

		SimulatorSubscription snapshot() {
			return new SimulatorSubscription(this.clientId, this.userId, this.appli, this.callbackUrl, this.comment);
		}

	}

	private static final class Notification {

		final long id;

		final Target target;

		final String userId;

		final int appli;

		final Map<String, String> fields;

		final long generation;

		final int triesPerCycle;

		final List<Duration> retryDelays;

		int attempts;

		Notification(long id, Target target, String userId, int appli, Map<String, String> fields, long generation,
				int triesPerCycle, List<Duration> retryDelays) {
			this.id = id;
			this.target = target;
			this.userId = userId;
			this.appli = appli;
			this.fields = fields;
			this.generation = generation;
			this.triesPerCycle = triesPerCycle;
			this.retryDelays = retryDelays;
		}

		int maxAttempts() {
			return this.triesPerCycle * (1 + this.retryDelays.size());
		}

		/** The tries of a cycle follow each other at once; the next cycle waits its delay. */
		Duration delayAfter(int attempt) {
			if (attempt % this.triesPerCycle != 0) {
				return Duration.ZERO;
			}
			return this.retryDelays.get(attempt / this.triesPerCycle - 1);
		}

	}

	private record Attempt(Notification notification, Instant due, long sequence) {
	}

}
