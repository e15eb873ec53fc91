package io.github.springwithings.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The delivery of notifications: form POSTs, acknowledged by a 2xx within two seconds, retried on
 * Withings' schedule, and the delivery log. A scheduler thread hands due attempts (due on the
 * {@link SimulatorClock}, so moving the clock brings retries forward) to sender threads; both
 * start with the first notification. State is guarded by the {@link SimulatorNotifications}'
 * lock, which the scheduler and the waiters wait on; the HTTP attempt runs outside it.
 */
final class NotificationDeliveries {

	/** Withings: "respond with a 200 HTTP OK status within two seconds". */
	static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(2);

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

	private final Object lock;

	private final SimulatorClock clock;

	private final SimulatorCounters counters;

	private final SubscriptionTable subscriptions;

	private final Supplier<HttpClient> http;

	private final PriorityQueue<Attempt> queue = new PriorityQueue<>(
			Comparator.comparing((Attempt attempt) -> attempt.due).thenComparingLong((attempt) -> attempt.sequence));

	private final ArrayDeque<SimulatorDelivery> deliveries = new ArrayDeque<>();

	private long nextNotificationId = 1;

	private long nextSequence;

	private long generation;

	private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;

	private int triesPerCycle = DEFAULT_TRIES_PER_CYCLE;

	private List<Duration> retryDelays = DEFAULT_RETRY_DELAYS;

	private boolean ackBelow400;

	/** Per user, how many of the next notifications are dropped instead of delivered. */
	private final Map<String, Integer> drops = new HashMap<>();

	private Thread scheduler;

	private ExecutorService senders;

	private boolean stopped;

	NotificationDeliveries(Object lock, SimulatorClock clock, SimulatorCounters counters,
			SubscriptionTable subscriptions, Supplier<HttpClient> http) {
		this.lock = lock;
		this.clock = clock;
		this.counters = counters;
		this.subscriptions = subscriptions;
		this.http = http;
	}

	void setAckTimeout(Duration ackTimeout) {
		synchronized (this.lock) {
			this.ackTimeout = ackTimeout;
		}
	}

	void setRetrySchedule(int triesPerCycle, List<Duration> retryDelays) {
		synchronized (this.lock) {
			this.triesPerCycle = triesPerCycle;
			this.retryDelays = List.copyOf(retryDelays);
		}
	}

	void setAckBelow400(boolean ackBelow400) {
		synchronized (this.lock) {
			this.ackBelow400 = ackBelow400;
		}
	}

	/**
	 * Forget pending retries and the log, and return to the default settings; call with the lock
	 * held. Attempts already on the wire finish, but are neither logged nor retried.
	 */
	void reset() {
		this.generation++;
		this.queue.clear();
		this.deliveries.clear();
		this.ackTimeout = DEFAULT_ACK_TIMEOUT;
		this.triesPerCycle = DEFAULT_TRIES_PER_CYCLE;
		this.retryDelays = DEFAULT_RETRY_DELAYS;
		this.ackBelow400 = false;
		this.drops.clear();
	}

	/**
	 * Drop the next {@code count} notifications about that user: they are neither delivered nor
	 * logged (replaces a count not used up; {@code 0} cancels it).
	 */
	void drop(String userId, int count) {
		synchronized (this.lock) {
			if (count == 0) {
				this.drops.remove(userId);
			}
			else {
				this.drops.put(userId, count);
			}
		}
	}

	/** Stop the scheduler and the senders: nothing is delivered any more. */
	void shutdown() {
		Thread thread;
		ExecutorService executor;
		synchronized (this.lock) {
			this.stopped = true;
			this.queue.clear();
			thread = this.scheduler;
			executor = this.senders;
			this.lock.notifyAll();
		}
		if (executor != null) {
			executor.shutdownNow();
		}
		if (thread != null) {
			thread.interrupt();
		}
	}

	/**
	 * Send a notification to each target, now, and retry it on the schedule until acknowledged;
	 * one that is {@link #drop dropped} is only counted.
	 * @return how many notifications were created (not counting the dropped ones)
	 */
	int dispatch(List<SubscriptionTable.Target> targets, String userId, int appli, Map<String, String> fields) {
		synchronized (this.lock) {
			if (this.stopped || targets.isEmpty()) {
				return 0;
			}
			int dropped = Math.min(this.drops.getOrDefault(userId, 0), targets.size());
			if (dropped > 0) {
				this.drops.computeIfPresent(userId, (user, left) -> (left > dropped) ? left - dropped : null);
				this.counters.notificationsDropped.addAndGet(dropped);
			}
			List<SubscriptionTable.Target> delivered = targets.subList(dropped, targets.size());
			if (delivered.isEmpty()) {
				return 0;
			}
			Map<String, String> form = new LinkedHashMap<>();
			form.put("userid", userId);
			form.put("appli", String.valueOf(appli));
			form.putAll(fields);
			Map<String, String> payload = Collections.unmodifiableMap(form);
			start();
			Instant now = this.clock.instant();
			for (SubscriptionTable.Target target : delivered) {
				Notification notification = new Notification(this.nextNotificationId++, target, userId, appli,
						payload, this.generation, this.triesPerCycle, this.retryDelays);
				this.counters.notificationsSent.incrementAndGet();
				schedule(notification, now);
			}
			this.lock.notifyAll();
			return delivered.size();
		}
	}

	/** The delivery log, oldest attempt first (the newest {@value #MAX_LOGGED_DELIVERIES}). */
	List<SimulatorDelivery> deliveries() {
		synchronized (this.lock) {
			return List.copyOf(this.deliveries);
		}
	}

	/** Attempts waiting for their due time (retries, mostly). */
	int pendingAttempts() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	boolean awaitAttempts(int count, Duration timeout) throws InterruptedException {
		return await(this.counters.notificationAttempts::get, count, timeout);
	}

	boolean awaitAcknowledged(int count, Duration timeout) throws InterruptedException {
		return await(this.counters.notificationsAcknowledged::get, count, timeout);
	}

	private boolean await(IntSupplier counter, int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lock) {
			while (counter.getAsInt() < count) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.lock, remaining);
			}
			return true;
		}
	}

	private void schedule(Notification notification, Instant due) {
		this.queue.add(new Attempt(notification, due, this.nextSequence++));
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
				synchronized (this.lock) {
					while (true) {
						if (this.stopped) {
							return;
						}
						Attempt head = this.queue.peek();
						if (head == null) {
							this.lock.wait();
							continue;
						}
						long millis = Duration.between(this.clock.instant(), head.due).toMillis();
						if (millis <= 0) {
							next = this.queue.poll();
							break;
						}
						// the clock wakes us up when it is moved
						this.lock.wait(millis);
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
		synchronized (this.lock) {
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
			status = this.http.get().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
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
		synchronized (this.lock) {
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
				this.subscriptions.delivered(notification.target, notification.userId, notification.appli, false);
			}
			else {
				this.subscriptions.delivered(notification.target, notification.userId, notification.appli, true);
				if (attempt < notification.maxAttempts()) {
					schedule(notification, this.clock.instant().plus(notification.delayAfter(attempt)));
				}
				else {
					this.counters.notificationsAbandoned.incrementAndGet();
				}
			}
			this.lock.notifyAll();
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static final class Notification {

		final long id;

		final SubscriptionTable.Target target;

		final String userId;

		final int appli;

		final Map<String, String> fields;

		final long generation;

		final int triesPerCycle;

		final List<Duration> retryDelays;

		int attempts;

		Notification(long id, SubscriptionTable.Target target, String userId, int appli, Map<String, String> fields,
				long generation, int triesPerCycle, List<Duration> retryDelays) {
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
