package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.util.Assert;

/**
 * Subscribes each user to the configured notification categories once they link their account
 * (a {@link WithingsUserLinkedEvent}: a sign-in, an {@code oauth2Client()} link, a new consent),
 * in the background: the listener only queues the work, so the sign-in redirect never waits for
 * Withings, and a failure never fails the sign-in.
 *
 * <p>The work runs on a thread of its own, one user after the other, through
 * {@link WithingsNotifications#subscribe(String)} (idempotent, spaced, within the shared rate
 * limit). A failure that a retry may mend (293: Withings could not reach the callback URL; 601;
 * Withings or the network down) is retried after each of the {@link #setRetryDelays retry
 * delays}, only for the categories that failed; a refusal a retry cannot mend (214: the user did
 * not grant the category's scope; an unknown category) is not. Each failure is logged; when a
 * category is given up, a {@link WithingsSubscriptionFailedEvent} is published. A user whose link
 * is gone meanwhile is dropped. A user who links again (possibly to another Withings account)
 * while an attempt waits or runs: a waiting attempt of the older link is replaced by one for the
 * new link, which takes its categories too; a retry or failure of the older link never replaces
 * the new link's attempt, its categories are added to it and reported for the new link's user. Pending retries live in this instance's memory: they are lost when
 * it stops (subscribe is idempotent: a periodic job calling {@link WithingsNotifications#subscribe(String)}
 * for every linked user mends that).
 *
 * <p>Each outcome is counted ({@link #count}) and observed as {@value #OBSERVATION_NAME} with the
 * low-cardinality key {@code outcome}.
 */
public final class WithingsSubscribeOnLink
		implements ApplicationListener<PayloadApplicationEvent<WithingsUserLinkedEvent>>, ApplicationEventPublisherAware, DisposableBean {

	/** Name of the observation of each subscription attempt's outcome. */
	public static final String OBSERVATION_NAME = "withings.notification.subscription";

	/** Withings' older reference: "The callback URL is either absent or incorrect" (also a failed probe). */
	static final int CALLBACK_REFUSED = 293;

	private static final Log logger = LogFactory.getLog(WithingsSubscribeOnLink.class);

	private final WithingsNotifications notifications;

	private final ThreadPoolTaskScheduler ownScheduler;

	private TaskScheduler scheduler;

	private Clock clock = Clock.systemUTC();

	private final PendingSubscriptions pending = new PendingSubscriptions(this::attempt);

	private volatile boolean stopped;

	private final AtomicLong links = new AtomicLong();

	private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

	private ApplicationEventPublisher publisher = (event) -> {
	};

	private List<Duration> retryDelays = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
			Duration.ofHours(2), Duration.ofHours(6));

	private int maxQueued = 10_000;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * @param notifications the subscriptions client; its default categories are subscribed
	 */
	public WithingsSubscribeOnLink(WithingsNotifications notifications) {
		Assert.notNull(notifications, "notifications cannot be null");
		this.notifications = notifications;
		ThreadPoolTaskScheduler own = new ThreadPoolTaskScheduler();
		own.setPoolSize(1);
		own.setThreadNamePrefix("withings-subscribe-");
		own.setDaemon(true);
		own.setRemoveOnCancelPolicy(true);
		own.initialize();
		this.ownScheduler = own;
		this.scheduler = own;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
	}

	@Override
	public void onApplicationEvent(PayloadApplicationEvent<WithingsUserLinkedEvent> event) {
		onLinked(event.getPayload());
	}

	/**
	 * Queue the subscription of a user who just linked; returns at once.
	 * @param event the link
	 */
	public void onLinked(WithingsUserLinkedEvent event) {
		WithingsLinkedUser user = event.user();
		if (!this.notifications.getRegistrationId().equals(user.registrationId())) {
			logger.debug("'" + user.principalName() + "' linked through registration '" + user.registrationId()
					+ "': not subscribed (notifications are for '" + this.notifications.getRegistrationId() + "')");
			return;
		}
		schedule(user, this.notifications.getDefaultAppli(), 0, Duration.ZERO, this.links.incrementAndGet());
	}

	/**
	 * Queue an attempt for a link ({@code link}: the number of the {@code onLinked} it comes from,
	 * a newer link has a higher one). An attempt of an older link that waits is replaced, its
	 * categories added to the new one; a retry never replaces an attempt of a newer link that
	 * waits: its categories are added to it, to be subscribed for that link's user.
	 */
	private void schedule(WithingsLinkedUser user, List<Integer> codes, int attempt, Duration delay, long link) {
		if (this.stopped) {
			record(Outcome.DROPPED);
			logger.debug("Withings notifications: stopping; '" + user.principalName() + "' is not subscribed");
			return;
		}
		if (attempt == 0 && this.pending.size() >= this.maxQueued) {
			record(Outcome.DROPPED);
			logger.warn("Withings notifications: " + this.maxQueued + " subscriptions are queued already; '"
					+ user.principalName() + "' is not subscribed now (subscribe it later)");
			return;
		}
		if (!this.pending.schedule(user, codes, attempt, link, this.scheduler, this.clock.instant().plus(delay))) {
			record(Outcome.DROPPED);
			logger.debug("Withings notifications: stopping; '" + user.principalName() + "' is not subscribed");
		}
	}

	private void attempt(WithingsLinkedUser user, List<Integer> codes, int attempt, long link) {
		int[] appliCodes = codes.stream().mapToInt(Integer::intValue).toArray();
		try {
			List<WithingsSubscription> made = this.notifications.subscribe(user.principalName(), appliCodes);
			record(made.isEmpty() ? Outcome.ALREADY_SUBSCRIBED : Outcome.SUBSCRIBED);
			logger.debug("Withings notifications: '" + user.principalName() + "' (userid " + user.userId() + ") "
					+ (made.isEmpty() ? "was subscribed to appli " + codes + " already"
							: "subscribed to appli " + made.stream().map(WithingsSubscription::appliCode).toList()));
		}
		catch (ClientAuthorizationRequiredException ex) {
			record(Outcome.UNLINKED);
			logger.info("Withings notifications: '" + user.principalName() + "' is no longer linked; not subscribed");
		}
		catch (WithingsSubscriptionException ex) {
			if (this.pending.handOver(user, List.copyOf(ex.getFailures().keySet()), link)) {
				return;
			}
			List<Integer> retry = new ArrayList<>();
			List<Integer> refused = new ArrayList<>();
			for (Map.Entry<Integer, RuntimeException> failure : ex.getFailures().entrySet()) {
				(isRetryable(failure.getValue()) ? retry : refused).add(failure.getKey());
			}
			if (!refused.isEmpty()) {
				giveUp(user, refused, ex.getFailures().get(refused.get(0)), attempt);
			}
			if (!retry.isEmpty()) {
				retryOrGiveUp(user, retry, ex.getFailures().get(retry.get(0)), attempt, link);
			}
		}
		catch (RuntimeException ex) {
			if (this.pending.handOver(user, codes, link)) {
				return;
			}
			// status and family only, as in the event: Withings' text could echo the callback URL
			RuntimeException failure = WithingsSubscriptionException.sanitize(ex);
			if (isRetryable(failure)) {
				retryOrGiveUp(user, codes, failure, attempt, link);
			}
			else {
				giveUp(user, codes, failure, attempt);
			}
		}
	}

	private void retryOrGiveUp(WithingsLinkedUser user, List<Integer> codes, RuntimeException cause, int attempt,
			long link) {
		if (attempt < this.retryDelays.size() && !this.stopped) {
			Duration delay = this.retryDelays.get(attempt);
			record(Outcome.RETRY);
			logger.warn("Withings notifications: subscribing '" + user.principalName() + "' (userid " + user.userId()
					+ ") to appli " + codes + " failed (" + describe(cause) + "); retrying in " + delay);
			schedule(user, codes, attempt + 1, delay, link);
			return;
		}
		giveUp(user, codes, cause, attempt);
	}

	private void giveUp(WithingsLinkedUser user, List<Integer> codes, RuntimeException cause, int attempt) {
		if (this.stopped) {
			// the application is stopping: the failure may be the shutdown itself, and the
			// context that would deliver the event is closing
			record(Outcome.DROPPED);
			logger.debug("Withings notifications: stopping; '" + user.principalName() + "' is not subscribed to appli "
					+ codes + " (" + describe(cause) + ")");
			return;
		}
		record(Outcome.FAILED);
		logger.warn("Withings notifications: '" + user.principalName() + "' (userid " + user.userId()
				+ ") is not subscribed to appli " + codes + " after " + (attempt + 1) + " attempts: " + describe(cause)
				+ "; the link works, these notifications will not come");
		try {
			this.publisher.publishEvent(new WithingsSubscriptionFailedEvent(user, codes, cause, attempt + 1));
		}
		catch (IllegalStateException ex) {
			// a context closed meanwhile refuses events
			logger.warn("WithingsSubscriptionFailedEvent for '" + user.principalName() + "' not delivered: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			// its type only: a listener's exception may carry the failure and its text
			logger.warn("A listener of WithingsSubscriptionFailedEvent failed: " + ex.getClass().getName());
		}
	}

	/**
	 * Whether a retry may mend a failure: not for a refusal of the category itself (the
	 * "unauthorized" family, such as 214 for a scope not granted; "not implemented"; invalid
	 * parameters other than 293, the callback URL Withings could not reach).
	 */
	static boolean isRetryable(RuntimeException failure) {
		if (failure instanceof WithingsApiException api && api.getStatus() != null) {
			if (api.getStatus() == CALLBACK_REFUSED) {
				return true;
			}
			return switch (api.getFamily()) {
				case UNAUTHORIZED, NOT_IMPLEMENTED, INVALID_PARAMS -> false;
				default -> true;
			};
		}
		return true;
	}

	/** Status and family only: Withings' text could echo the callback URL and its secret. */
	private static String describe(RuntimeException cause) {
		return WithingsSubscriptionException.describe(cause);
	}

	private void record(Outcome outcome) {
		this.counts.get(outcome).increment();
		Observation.createNotStarted(OBSERVATION_NAME, this.observationRegistry)
			.lowCardinalityKeyValue("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.start()
			.stop();
	}

	/**
	 * How many subscription attempts had that outcome since the start.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long count(Outcome outcome) {
		return this.counts.get(outcome).sum();
	}

	/**
	 * How many attempts (first ones and retries) wait to run.
	 * @return the number
	 */
	public int getPending() {
		return this.pending.size();
	}

	/**
	 * Sets the delays before each retry of a failure a retry may mend: 1 min, 5 min, 30 min, 2 h
	 * and 6 h by default (six attempts in about nine hours).
	 * @param retryDelays the delays, empty for no retry
	 */
	public void setRetryDelays(List<Duration> retryDelays) {
		Assert.notNull(retryDelays, "retryDelays cannot be null");
		Assert.noNullElements(retryDelays, "retryDelays cannot contain null");
		this.retryDelays = List.copyOf(retryDelays);
	}

	/**
	 * Sets how many users may wait for their first attempt (10,000 by default); beyond it a
	 * linked user is not subscribed (logged, counted as {@link Outcome#DROPPED}).
	 * @param maxQueued the bound
	 */
	public void setMaxQueued(int maxQueued) {
		Assert.isTrue(maxQueued > 0, "maxQueued must be positive");
		this.maxQueued = maxQueued;
	}

	/**
	 * Sets the registry of the {@value #OBSERVATION_NAME} observations.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry = observationRegistry;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		Assert.notNull(publisher, "publisher cannot be null");
		this.publisher = publisher;
	}

	/**
	 * Sets where attempts and retries run (a thread of its own by default): its threads call
	 * Withings and wait for the spacing.
	 * @param scheduler the scheduler
	 */
	public void setTaskScheduler(TaskScheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
		this.ownScheduler.shutdown();
	}

	/**
	 * Sets the clock retries are scheduled by.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/** Stops the thread; queued attempts and retries are dropped (logged). */
	@Override
	public void destroy() {
		this.stopped = true;
		int left = getPending();
		this.pending.cancelAll();
		this.ownScheduler.shutdown();
		if (left > 0) {
			logger.info("Withings notifications: stopping with " + left + " users not subscribed yet");
		}
	}

	/**
	 * What became of an attempt to subscribe a linked user.
	 */
	public enum Outcome {

		/** At least one category subscribed. */
		SUBSCRIBED,

		/** Every category was subscribed already. */
		ALREADY_SUBSCRIBED,

		/** Failed in a way a retry may mend; retried later. */
		RETRY,

		/** Given up for some categories ({@link WithingsSubscriptionFailedEvent} published). */
		FAILED,

		/** The user's link was gone before the attempt. */
		UNLINKED,

		/** Not attempted: too many queued, or the application is stopping. */
		DROPPED

	}

}
