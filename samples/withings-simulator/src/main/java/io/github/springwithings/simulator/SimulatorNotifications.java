package io.github.springwithings.simulator;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Withings' notification service: the subscriptions of {@code /notify} (per application and
 * user, {@link SimulatedNotifyEndpoint} over a {@link SubscriptionTable}), the callback URL
 * rules and {@code HEAD} probe ({@link CallbackUrlRules}), and the delivery of notifications
 * (form POSTs, acknowledged by a 2xx within two seconds, retried on Withings' schedule:
 * {@link NotificationDeliveries}).
 *
 * <p>Threads: one lock guards the parts' state; {@code /notify} calls run on WireMock's threads
 * and probe outside it; the delivery scheduler waits on it for due attempts, and moving the
 * {@link SimulatorClock} wakes it up.
 */
final class SimulatorNotifications {

	private final Object lock = new Object();

	private final SubscriptionTable subscriptions = new SubscriptionTable();

	private final CallbackUrlRules callbackUrls;

	private final SimulatedNotifyEndpoint endpoint;

	private final NotificationDeliveries deliveries;

	// guarded by lock
	private HttpClient http;

	SimulatorNotifications(SimulatorClock clock, SimulatorCounters counters) {
		this.callbackUrls = new CallbackUrlRules(this.lock, counters, this::http);
		this.endpoint = new SimulatedNotifyEndpoint(this.lock, counters, this.subscriptions, this.callbackUrls);
		this.deliveries = new NotificationDeliveries(this.lock, clock, counters, this.subscriptions, this::http);
		clock.onChange(this::wakeUp);
	}

	// --- settings -----------------------------------------------------------------------------

	void setAckTimeout(Duration ackTimeout) {
		this.deliveries.setAckTimeout(ackTimeout);
	}

	void setProbeTimeout(Duration probeTimeout) {
		this.callbackUrls.setProbeTimeout(probeTimeout);
	}

	void setRetrySchedule(int triesPerCycle, List<Duration> retryDelays) {
		this.deliveries.setRetrySchedule(triesPerCycle, retryDelays);
	}

	void setAckBelow400(boolean ackBelow400) {
		this.deliveries.setAckBelow400(ackBelow400);
	}

	void setRemoveAfterFailures(int failures) {
		synchronized (this.lock) {
			this.subscriptions.setRemoveAfterFailures(failures);
		}
	}

	void setStrictCallbackUrls(boolean strict) {
		this.callbackUrls.setStrictCallbackUrls(strict);
	}

	void setEchoCallbackUrls(boolean echo) {
		this.callbackUrls.setEchoCallbackUrls(echo);
	}

	/**
	 * Forget subscriptions, pending retries and the delivery log, and return to the default
	 * settings. Attempts already on the wire finish, but are neither logged nor retried.
	 */
	void reset() {
		synchronized (this.lock) {
			this.deliveries.reset();
			this.subscriptions.reset();
			this.callbackUrls.reset();
			this.lock.notifyAll();
		}
	}

	/** Stop the scheduler and the senders: nothing is delivered any more. */
	void shutdown() {
		this.deliveries.shutdown();
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
		return this.endpoint.handle(caller, form);
	}

	// --- subscriptions, for the simulator -----------------------------------------------------

	/** The subscriptions of a user, every application's, oldest first. */
	List<SimulatorSubscription> subscriptions(String userId) {
		synchronized (this.lock) {
			return this.subscriptions.subscriptions(userId);
		}
	}

	/** How many subscriptions there are, every user's. */
	int subscriptionCount() {
		synchronized (this.lock) {
			return this.subscriptions.size();
		}
	}

	/**
	 * Remove the subscriptions of a user: the application's ({@code v2/oauth2 action=revoke}) or
	 * every application's ({@code clientId} {@code null}: the user unlinked).
	 * @return how many were removed
	 */
	int removeSubscriptions(String clientId, String userId) {
		synchronized (this.lock) {
			return this.subscriptions.remove(clientId, userId);
		}
	}

	// --- delivery -----------------------------------------------------------------------------

	/** Where a notification about a user and appli goes: each application's distinct callback URLs. */
	List<SubscriptionTable.Target> targets(String userId, int appli) {
		synchronized (this.lock) {
			return this.subscriptions.targets(userId, appli);
		}
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
	int dispatch(List<SubscriptionTable.Target> targets, String userId, int appli, Map<String, String> fields) {
		return this.deliveries.dispatch(targets, userId, appli, fields);
	}

	/** Drop the next {@code count} notifications about that user ({@code 0} cancels). */
	void drop(String userId, int count) {
		this.deliveries.drop(userId, count);
	}

	/** The delivery log, oldest attempt first (the newest {@value NotificationDeliveries#MAX_LOGGED_DELIVERIES}). */
	List<SimulatorDelivery> deliveries() {
		return this.deliveries.deliveries();
	}

	/** Attempts waiting for their due time (retries, mostly). */
	int pendingAttempts() {
		return this.deliveries.pendingAttempts();
	}

	boolean awaitAttempts(int count, Duration timeout) throws InterruptedException {
		return this.deliveries.awaitAttempts(count, timeout);
	}

	boolean awaitAcknowledged(int count, Duration timeout) throws InterruptedException {
		return this.deliveries.awaitAcknowledged(count, timeout);
	}

	private void wakeUp() {
		synchronized (this.lock) {
			this.lock.notifyAll();
		}
	}

	private HttpClient http() {
		synchronized (this.lock) {
			if (this.http == null) {
				this.http = HttpClient.newBuilder()
					.version(HttpClient.Version.HTTP_1_1)
					.connectTimeout(Duration.ofSeconds(2))
					.followRedirects(HttpClient.Redirect.NEVER)
					.build();
			}
			return this.http;
		}
	}

}
