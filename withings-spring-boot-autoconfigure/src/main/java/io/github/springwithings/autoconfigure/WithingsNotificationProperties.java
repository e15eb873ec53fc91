package io.github.springwithings.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * Configuration of Withings notifications (webhooks).
 */
@ConfigurationProperties("withings.notifications")
public class WithingsNotificationProperties {


	/**
	 * Public HTTPS URL Withings calls with notifications (none: no callback endpoint). The
	 * application serves its path; Withings does not sign notifications, so end the path with a
	 * long random segment: it is the shared secret, and logs show it masked. Port 0 stands for
	 * the port the application's server listens on (local.server.port), for tests and local runs.
	 */
	private String callbackUrl;

	/**
	 * Local path of the callback endpoint, when a proxy rewrites the path of the callback URL.
	 * Defaults to the path of the callback URL.
	 */
	private String path;

	/**
	 * Notification categories (appli codes) subscribed for each linked user: 1 weight, 4 blood
	 * pressure, 16 activity, 44 sleep, 46 user actions (unlink), 50/51 in and out of bed, ...
	 */
	private List<Integer> appli = new ArrayList<>(List.of(1, 46));

	/**
	 * Whether each user is subscribed to the categories when they link their account (in the
	 * background; retried, never failing the sign-in).
	 */
	private boolean subscribeOnLink = true;

	/**
	 * Least time between two subscribe calls of an instance: Withings probes the callback URL
	 * with HEAD on each.
	 */
	private Duration subscribeSpacing = Duration.ofSeconds(5);

	/**
	 * Delays before each retry of a subscribe-on-link that failed in a way a retry may mend
	 * (293: Withings could not reach the callback URL; 601; Withings down).
	 */
	private List<Duration> subscribeRetryDelays = new ArrayList<>(List.of(Duration.ofMinutes(1),
			Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(6)));

	/**
	 * IP addresses or CIDR ranges allowed to call the callback endpoint; others get 403 (none:
	 * every caller). Withings publishes its ranges as DNS TXT records: ipblock-notify.withings.net
	 * and ipblock-front.withings.net (US medical cloud: ipblock-notify.us.withingsmed.net and
	 * ipblock-front.us.withingsmed.net).
	 */
	private List<String> allowedSources = new ArrayList<>();

	/**
	 * Where notifications are handed off from the callback (the request thread or the event
	 * loop answers at once) to be looked up and published.
	 */
	private final NotificationExecutor executor = new NotificationExecutor();

	/**
	 * The durable inbox of notifications, when the store is in a database (JDBC or R2DBC).
	 */
	private final Inbox inbox = new Inbox();

	/** {@return the {@code withings.notifications.inbox.*} properties} */
	public Inbox getInbox() {
		return this.inbox;
	}

	/** {@return the {@code withings.notifications.executor.*} properties} */
	public NotificationExecutor getExecutor() {
		return this.executor;
	}

	/** {@return the {@code withings.notifications.callback-url} property} */
	public String getCallbackUrl() {
		return this.callbackUrl;
	}

	/** @param callbackUrl the {@code withings.notifications.callback-url} property */
	public void setCallbackUrl(String callbackUrl) {
		this.callbackUrl = callbackUrl;
	}

	/** {@return the {@code withings.notifications.path} property} */
	public String getPath() {
		return this.path;
	}

	/** @param path the {@code withings.notifications.path} property */
	public void setPath(String path) {
		this.path = path;
	}

	/** {@return the {@code withings.notifications.appli} property} */
	public List<Integer> getAppli() {
		return this.appli;
	}

	/** @param appli the {@code withings.notifications.appli} property */
	public void setAppli(List<Integer> appli) {
		this.appli = appli;
	}

	/** {@return the {@code withings.notifications.subscribe-on-link} property} */
	public boolean isSubscribeOnLink() {
		return this.subscribeOnLink;
	}

	/** @param subscribeOnLink the {@code withings.notifications.subscribe-on-link} property */
	public void setSubscribeOnLink(boolean subscribeOnLink) {
		this.subscribeOnLink = subscribeOnLink;
	}

	/** {@return the {@code withings.notifications.subscribe-spacing} property} */
	public Duration getSubscribeSpacing() {
		return this.subscribeSpacing;
	}

	/** @param subscribeSpacing the {@code withings.notifications.subscribe-spacing} property */
	public void setSubscribeSpacing(Duration subscribeSpacing) {
		this.subscribeSpacing = subscribeSpacing;
	}

	/** {@return the {@code withings.notifications.subscribe-retry-delays} property} */
	public List<Duration> getSubscribeRetryDelays() {
		return this.subscribeRetryDelays;
	}

	/** @param subscribeRetryDelays the {@code withings.notifications.subscribe-retry-delays} property */
	public void setSubscribeRetryDelays(List<Duration> subscribeRetryDelays) {
		this.subscribeRetryDelays = subscribeRetryDelays;
	}

	/** {@return the {@code withings.notifications.allowed-sources} property} */
	public List<String> getAllowedSources() {
		return this.allowedSources;
	}

	/** @param allowedSources the {@code withings.notifications.allowed-sources} property */
	public void setAllowedSources(List<String> allowedSources) {
		this.allowedSources = allowedSources;
	}

	/**
	 * The local path served: {@link #getPath()} when set, else the callback URL's.
	 * @return the path, starting with {@code /}
	 * @throws IllegalStateException when the callback URL is not an absolute http(s) URL or the
	 * path does not start with {@code /}
	 */
	String resolvePath() {
		URI uri = callbackUri();
		if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
				|| uri.getHost() == null) {
			throw new IllegalStateException(
					"withings.notifications.callback-url must be an absolute https URL (Withings calls it)");
		}
		String resolved = StringUtils.hasText(this.path) ? this.path.trim()
				: (StringUtils.hasLength(uri.getRawPath()) ? uri.getRawPath() : "/");
		if (!resolved.startsWith("/")) {
			throw new IllegalStateException("withings.notifications.path must start with '/'");
		}
		return resolved;
	}

	/**
	 * The callback URL subscriptions name: port 0 replaced by the port the server listens on.
	 * @param serverPort the port the server listens on, {@code null} when it does not (yet)
	 * @return the URL
	 * @throws IllegalStateException when the URL names port 0 and the server does not listen
	 */
	String resolveCallbackUrl(String serverPort) {
		URI uri = callbackUri();
		if (uri.getPort() != 0) {
			return this.callbackUrl.trim();
		}
		if (!StringUtils.hasText(serverPort)) {
			throw new IllegalStateException("withings.notifications.callback-url names port 0 (the server's port), "
					+ "but the server does not listen yet");
		}
		try {
			return new URI(uri.getScheme(), uri.getRawUserInfo(), uri.getHost(), Integer.parseInt(serverPort.trim()),
					null, null, null).toString() + uri.getRawPath()
					+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("withings.notifications.callback-url is not a URL", ex);
		}
	}

	private URI callbackUri() {
		try {
			return URI.create(this.callbackUrl.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("withings.notifications.callback-url is not a URL", ex);
		}
	}


	/**
	 * The executor notifications are handed off to: by default the starter's own, bounded, which
	 * rejects when full (the callback then answers 503 and Withings retries).
	 */
	public static class NotificationExecutor {

		/**
		 * Threads of the starter's notification executor (named withings-notification-N): they look
		 * the user up, check an unlink with Withings and run the application's listeners.
		 */
		private int threads = 2;

		/**
		 * Notifications that may wait for a thread of the starter's executor; beyond them the
		 * callback answers 503 and Withings retries later.
		 */
		private int queueCapacity = 1000;

		/**
		 * Whether to hand notifications to the application's task executor (the
		 * applicationTaskExecutor bean) instead of the starter's own. That executor must reject
		 * (RejectedExecutionException) when it is full, never block, and never grow without bound:
		 * Spring Boot's default has an unbounded queue (the callback then never answers 503), and a
		 * SimpleAsyncTaskExecutor with a concurrency limit blocks the request thread or the event
		 * loop unless it rejects tasks when the limit is reached.
		 */
		private boolean useApplicationExecutor = false;

		/** {@return the {@code withings.notifications.executor.threads} property} */
		public int getThreads() {
			return this.threads;
		}

		/** @param threads the {@code withings.notifications.executor.threads} property */
		public void setThreads(int threads) {
			this.threads = threads;
		}

		/** {@return the {@code withings.notifications.executor.queue-capacity} property} */
		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		/** @param queueCapacity the {@code withings.notifications.executor.queue-capacity} property */
		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		/** {@return the {@code withings.notifications.executor.use-application-executor} property} */
		public boolean isUseApplicationExecutor() {
			return this.useApplicationExecutor;
		}

		/**
		 * @param useApplicationExecutor the
		 * {@code withings.notifications.executor.use-application-executor} property
		 */
		public void setUseApplicationExecutor(boolean useApplicationExecutor) {
			this.useApplicationExecutor = useApplicationExecutor;
		}

	}

	/**
	 * The durable inbox: with a database store, each accepted notification is committed to the
	 * table withings_notification_inbox before it is acknowledged, handled at least once (by any
	 * instance) and published once across instances.
	 */
	public static class Inbox {

		/**
		 * Whether notifications go through the durable inbox when the store is in a database (JDBC
		 * or R2DBC). Off, or with the memory store, they are remembered in memory only.
		 */
		private boolean enabled = true;

		/**
		 * How long the instance that takes a notification holds it: a notification whose instance
		 * died is handled by another (or after a restart) once it ran out. Longer than the
		 * listeners take, or a slow notification is published again by another instance.
		 */
		private Duration lease = Duration.ofMinutes(1);

		/**
		 * How often each instance looks for notifications due (a retry, or a claim that ran out);
		 * also once at start-up.
		 */
		private Duration pollInterval = Duration.ofSeconds(5);

		/**
		 * How many times a notification is handled before it is given up (a
		 * WithingsNotificationGivenUpEvent; the row is kept).
		 */
		private int maxAttempts = 10;

		/** Delay before the second attempt; doubled at each further attempt, up to max-backoff. */
		private Duration initialBackoff = Duration.ofSeconds(10);

		/** Longest delay between two attempts. */
		private Duration maxBackoff = Duration.ofMinutes(10);

		/**
		 * How long a handled notification stays in the table: Withings' retries of it within that
		 * time are recognised by every instance (Withings retries for about 5 hours).
		 */
		private Duration doneRetention = Duration.ofHours(6);

		/** How long a given-up notification stays in the table for inspection. */
		private Duration givenUpRetention = Duration.ofDays(30);

		/**
		 * Name this instance claims notifications under (at most 100 characters, unique per
		 * running instance). Defaults to a random UUID at each start.
		 */
		private String instanceId;

		/** Most notifications one poll takes. */
		private int batchSize = 100;

		/**
		 * WebFlux: threads that insert accepted notifications into the inbox (named
		 * withings-notification-inbox-N), off the event loop and apart from the listeners'
		 * executor (a slow listener never delays an acknowledgement). On Spring MVC the request
		 * thread inserts.
		 */
		private int threads = 4;

		/**
		 * WebFlux: notifications that may wait for an inbox thread; beyond them the callback
		 * answers 503 and Withings retries later.
		 */
		private int queueCapacity = 100;

		/** {@return the {@code withings.notifications.inbox.threads} property} */
		public int getThreads() {
			return this.threads;
		}

		/** @param threads the {@code withings.notifications.inbox.threads} property */
		public void setThreads(int threads) {
			this.threads = threads;
		}

		/** {@return the {@code withings.notifications.inbox.queue-capacity} property} */
		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		/** @param queueCapacity the {@code withings.notifications.inbox.queue-capacity} property */
		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		/** {@return the {@code withings.notifications.inbox.enabled} property} */
		public boolean isEnabled() {
			return this.enabled;
		}

		/** @param enabled the {@code withings.notifications.inbox.enabled} property */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/** {@return the {@code withings.notifications.inbox.lease} property} */
		public Duration getLease() {
			return this.lease;
		}

		/** @param lease the {@code withings.notifications.inbox.lease} property */
		public void setLease(Duration lease) {
			this.lease = lease;
		}

		/** {@return the {@code withings.notifications.inbox.poll-interval} property} */
		public Duration getPollInterval() {
			return this.pollInterval;
		}

		/** @param pollInterval the {@code withings.notifications.inbox.poll-interval} property */
		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		/** {@return the {@code withings.notifications.inbox.max-attempts} property} */
		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		/** @param maxAttempts the {@code withings.notifications.inbox.max-attempts} property */
		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		/** {@return the {@code withings.notifications.inbox.initial-backoff} property} */
		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		/** @param initialBackoff the {@code withings.notifications.inbox.initial-backoff} property */
		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		/** {@return the {@code withings.notifications.inbox.max-backoff} property} */
		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		/** @param maxBackoff the {@code withings.notifications.inbox.max-backoff} property */
		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		/** {@return the {@code withings.notifications.inbox.done-retention} property} */
		public Duration getDoneRetention() {
			return this.doneRetention;
		}

		/** @param doneRetention the {@code withings.notifications.inbox.done-retention} property */
		public void setDoneRetention(Duration doneRetention) {
			this.doneRetention = doneRetention;
		}

		/** {@return the {@code withings.notifications.inbox.given-up-retention} property} */
		public Duration getGivenUpRetention() {
			return this.givenUpRetention;
		}

		/** @param givenUpRetention the {@code withings.notifications.inbox.given-up-retention} property */
		public void setGivenUpRetention(Duration givenUpRetention) {
			this.givenUpRetention = givenUpRetention;
		}

		/** {@return the {@code withings.notifications.inbox.instance-id} property} */
		public String getInstanceId() {
			return this.instanceId;
		}

		/** @param instanceId the {@code withings.notifications.inbox.instance-id} property */
		public void setInstanceId(String instanceId) {
			this.instanceId = instanceId;
		}

		/** {@return the {@code withings.notifications.inbox.batch-size} property} */
		public int getBatchSize() {
			return this.batchSize;
		}

		/** @param batchSize the {@code withings.notifications.inbox.batch-size} property */
		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

}
