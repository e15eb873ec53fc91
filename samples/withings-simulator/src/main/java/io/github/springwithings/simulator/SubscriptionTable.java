package io.github.springwithings.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notification subscriptions, per application and user, oldest first, with their count of
 * consecutive failed deliveries. Not thread-safe: guarded by the {@link SimulatorNotifications}'
 * lock.
 */
final class SubscriptionTable {

	private final List<Entry> entries = new ArrayList<>();

	private int removeAfterFailures;

	/** Forget every subscription, and keep failing ones again. */
	void reset() {
		this.entries.clear();
		this.removeAfterFailures = 0;
	}

	void setRemoveAfterFailures(int failures) {
		this.removeAfterFailures = failures;
	}

	void add(Entry entry) {
		this.entries.add(entry);
	}

	/** {@return the caller's last subscription of that callback URL and appli, or {@code null}} */
	Entry last(SimulatorNotifications.Caller caller, String callbackUrl, int appli) {
		for (int i = this.entries.size() - 1; i >= 0; i--) {
			Entry entry = this.entries.get(i);
			if (entry.belongsTo(caller) && entry.callbackUrl.equals(callbackUrl) && entry.appli == appli) {
				return entry;
			}
		}
		return null;
	}

	/** {@return the caller's subscriptions, of one appli or ({@code null}) every appli} */
	List<Entry> of(SimulatorNotifications.Caller caller, Integer appli) {
		List<Entry> entries = new ArrayList<>();
		for (Entry entry : this.entries) {
			if (entry.belongsTo(caller) && (appli == null || entry.appli == appli)) {
				entries.add(entry);
			}
		}
		return entries;
	}

	/**
	 * Remove the caller's subscriptions of a callback URL, of one appli or ({@code null}) every
	 * appli.
	 * @return whether any was removed
	 */
	boolean remove(SimulatorNotifications.Caller caller, String callbackUrl, Integer appli) {
		return this.entries.removeIf((entry) -> entry.belongsTo(caller) && entry.callbackUrl.equals(callbackUrl)
				&& (appli == null || entry.appli == appli));
	}

	/**
	 * Remove the subscriptions of a user: one application's, or every application's
	 * ({@code clientId} {@code null}).
	 * @return how many were removed
	 */
	int remove(String clientId, String userId) {
		int before = this.entries.size();
		this.entries
			.removeIf((entry) -> entry.userId.equals(userId) && (clientId == null || entry.clientId.equals(clientId)));
		return before - this.entries.size();
	}

	/** {@return the subscriptions of a user, every application's, oldest first} */
	List<SimulatorSubscription> subscriptions(String userId) {
		return this.entries.stream().filter((entry) -> entry.userId.equals(userId)).map(Entry::snapshot).toList();
	}

	int size() {
		return this.entries.size();
	}

	/** {@return where a notification about a user and appli goes: each application's distinct callback URLs} */
	List<Target> targets(String userId, int appli) {
		Map<String, Target> targets = new LinkedHashMap<>();
		for (Entry entry : this.entries) {
			if (entry.userId.equals(userId) && entry.appli == appli) {
				// duplicate subscriptions of one URL get one POST per event (Withings does not say)
				targets.putIfAbsent(entry.clientId + ' ' + entry.callbackUrl,
						new Target(entry.clientId, entry.callbackUrl));
			}
		}
		return List.copyOf(targets.values());
	}

	/**
	 * Count consecutive failures per subscription. Withings' older page: "After four consecutive
	 * failures, the notification subscription is removed" (whether it still applies is unknown:
	 * off unless {@link #setRemoveAfterFailures(int) set}).
	 */
	void delivered(Target target, String userId, int appli, boolean failed) {
		List<Entry> entries = this.entries.stream()
			.filter((entry) -> entry.userId.equals(userId) && entry.appli == appli
					&& entry.clientId.equals(target.clientId()) && entry.callbackUrl.equals(target.callbackUrl()))
			.toList();
		for (Entry entry : entries) {
			entry.failures = failed ? entry.failures + 1 : 0;
			if (this.removeAfterFailures > 0 && entry.failures >= this.removeAfterFailures) {
				this.entries.remove(entry);
			}
		}
	}

	/** An application's callback URL that a notification goes to. */
	record Target(String clientId, String callbackUrl) {
	}

	static final class Entry {

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

		boolean belongsTo(SimulatorNotifications.Caller caller) {
			return this.clientId.equals(caller.clientId()) && this.userId.equals(caller.userId());
		}

		SimulatorSubscription snapshot() {
			return new SimulatorSubscription(this.clientId, this.userId, this.appli, this.callbackUrl, this.comment);
		}

	}

}
