package io.github.springwithings.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the simulator has seen, for assertions in tests.
 */
public final class SimulatorCounters {

	final AtomicInteger nonceRequests = new AtomicInteger();

	final AtomicInteger authorizationCodeGrants = new AtomicInteger();

	final AtomicInteger refreshTokenGrants = new AtomicInteger();

	final AtomicInteger deadChainUses = new AtomicInteger();

	final AtomicInteger tooManyRequests = new AtomicInteger();

	final AtomicInteger rejectedTokenRequests = new AtomicInteger();

	final AtomicInteger dataRequests = new AtomicInteger();

	final AtomicInteger revocations = new AtomicInteger();

	final AtomicInteger recoveries = new AtomicInteger();

	final AtomicInteger unauthorizedDataRequests = new AtomicInteger();

	final AtomicInteger notifyRequests = new AtomicInteger();

	final AtomicInteger callbackProbes = new AtomicInteger();

	final AtomicInteger refusedCallbacks = new AtomicInteger();

	final AtomicInteger notificationsSent = new AtomicInteger();

	final AtomicInteger notificationAttempts = new AtomicInteger();

	final AtomicInteger notificationsAcknowledged = new AtomicInteger();

	final AtomicInteger notificationsAbandoned = new AtomicInteger();

	final AtomicInteger notificationsDropped = new AtomicInteger();

	final AtomicInteger actionlessRequests = new AtomicInteger();

	/** {@return the number of nonces handed out by {@code /v2/signature}} */
	public int nonceRequests() {
		return this.nonceRequests.get();
	}

	/**
	 * {@return the number of {@code requesttoken} calls with {@code grant_type=authorization_code},
	 * successful or not}
	 */
	public int authorizationCodeGrants() {
		return this.authorizationCodeGrants.get();
	}

	/**
	 * {@return the number of {@code requesttoken} calls with {@code grant_type=refresh_token},
	 * successful or not}
	 */
	public int refreshTokenGrants() {
		return this.refreshTokenGrants.get();
	}

	/**
	 * {@return the number of refreshes attempted with a refresh token that had already died through
	 * rotation}
	 */
	public int deadChainUses() {
		return this.deadChainUses.get();
	}

	/** {@return the number of requests answered with status 601} */
	public int tooManyRequests() {
		return this.tooManyRequests.get();
	}

	/** {@return the number of token or nonce requests answered with a non-zero status (601 included)} */
	public int rejectedTokenRequests() {
		return this.rejectedTokenRequests.get();
	}

	/** {@return the number of users revoked with {@code action=revoke}} */
	public int revocations() {
		return this.revocations.get();
	}

	/** {@return the number of codes handed out by {@code action=recoverauthorizationcode}} */
	public int recoveries() {
		return this.recoveries.get();
	}

	/**
	 * {@return the number of {@code /notify} calls (subscription management), successful or not;
	 * also counted as data API calls}
	 */
	public int notifyRequests() {
		return this.notifyRequests.get();
	}

	/**
	 * {@return the number of {@code HEAD} requests sent to callback URLs on {@code subscribe} and
	 * {@code update}}
	 */
	public int callbackProbes() {
		return this.callbackProbes.get();
	}

	/**
	 * {@return the number of callback URLs refused on {@code subscribe} or {@code update} (status
	 * 293): a bad URL or a failed probe}
	 */
	public int refusedCallbacks() {
		return this.refusedCallbacks.get();
	}

	/**
	 * {@return the number of notifications created: one per event and subscribed callback URL,
	 * whatever became of them, not counting the {@link #notificationsDropped() dropped} ones}
	 */
	public int notificationsSent() {
		return this.notificationsSent.get();
	}

	/** {@return the number of HTTP attempts to deliver notifications (first tries and retries)} */
	public int notificationAttempts() {
		return this.notificationAttempts.get();
	}

	/** {@return the number of notifications a callback acknowledged} */
	public int notificationsAcknowledged() {
		return this.notificationsAcknowledged.get();
	}

	/** {@return the number of notifications given up after their last retry} */
	public int notificationsAbandoned() {
		return this.notificationsAbandoned.get();
	}

	/**
	 * {@return the number of notifications dropped (never delivered, never logged) by
	 * {@link WithingsSimulator#dropNotifications(String, int)}}
	 */
	public int notificationsDropped() {
		return this.notificationsDropped.get();
	}

	/**
	 * {@return the number of {@code /v2/oauth2} requests without {@code action} (e.g. a health check's
	 * reachability probe)}
	 */
	public int actionlessRequests() {
		return this.actionlessRequests.get();
	}

	/** {@return the number of data API calls, successful or not} */
	public int dataRequests() {
		return this.dataRequests.get();
	}

	/** {@return the number of data API calls answered with status 401} */
	public int unauthorizedDataRequests() {
		return this.unauthorizedDataRequests.get();
	}

	/** Every counter by its name, as the admin API shows them. */
	Map<String, Integer> asMap() {
		Map<String, Integer> counters = new LinkedHashMap<>();
		counters.put("nonceRequests", nonceRequests());
		counters.put("authorizationCodeGrants", authorizationCodeGrants());
		counters.put("refreshTokenGrants", refreshTokenGrants());
		counters.put("deadChainUses", deadChainUses());
		counters.put("tooManyRequests", tooManyRequests());
		counters.put("rejectedTokenRequests", rejectedTokenRequests());
		counters.put("revocations", revocations());
		counters.put("recoveries", recoveries());
		counters.put("dataRequests", dataRequests());
		counters.put("unauthorizedDataRequests", unauthorizedDataRequests());
		counters.put("notifyRequests", notifyRequests());
		counters.put("callbackProbes", callbackProbes());
		counters.put("refusedCallbacks", refusedCallbacks());
		counters.put("notificationsSent", notificationsSent());
		counters.put("notificationAttempts", notificationAttempts());
		counters.put("notificationsAcknowledged", notificationsAcknowledged());
		counters.put("notificationsAbandoned", notificationsAbandoned());
		counters.put("notificationsDropped", notificationsDropped());
		counters.put("actionlessRequests", actionlessRequests());
		return counters;
	}

	void reset() {
		for (AtomicInteger counter : new AtomicInteger[] { this.nonceRequests, this.authorizationCodeGrants,
				this.refreshTokenGrants, this.deadChainUses, this.tooManyRequests, this.rejectedTokenRequests,
				this.dataRequests, this.revocations, this.recoveries, this.unauthorizedDataRequests, this.notifyRequests,
				this.callbackProbes, this.refusedCallbacks, this.notificationsSent, this.notificationAttempts,
				this.notificationsAcknowledged, this.notificationsAbandoned, this.notificationsDropped,
				this.actionlessRequests }) {
			counter.set(0);
		}
	}

}
