package io.github.springwithings.notification;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.TaskScheduler;

/**
 * The subscription attempts of {@link WithingsSubscribeOnLink} that wait or run, one per
 * principal: an attempt of an older link that waits is replaced by the newer link's, which takes
 * its categories; a retry of an older link never replaces the attempt of a newer one, its
 * categories are added to it. Whoever claims an attempt first runs or cancels it.
 */
final class PendingSubscriptions {

	/** The work of one attempt. */
	@FunctionalInterface
	interface Attempt {

		void run(WithingsLinkedUser user, List<Integer> codes, int attempt, long link);

	}

	/** The listener's: one logger for the subscriptions on link. */
	private static final Log logger = LogFactory.getLog(WithingsSubscribeOnLink.class);

	private final Attempt work;

	private final AtomicInteger queued = new AtomicInteger();

	// guarded by itself: the attempt of each principal that waits or runs
	private final Map<String, Pending> pending = new HashMap<>();

	PendingSubscriptions(Attempt work) {
		this.work = work;
	}

	/** {@return how many attempts (first ones and retries) wait to run} */
	int size() {
		return this.queued.get();
	}

	/**
	 * Queue an attempt for a link ({@code link}: the number of the link it comes from, a newer
	 * link has a higher one).
	 * @return {@code false} when the scheduler refused it (it is stopping)
	 */
	boolean schedule(WithingsLinkedUser user, List<Integer> codes, int attempt, long link, TaskScheduler scheduler,
			Instant at) {
		String key = key(user);
		synchronized (this.pending) {
			Pending previous = this.pending.get(key);
			Set<Integer> merged = new LinkedHashSet<>(codes);
			WithingsLinkedUser owner = user;
			long ownerLink = link;
			if (previous != null && previous.link >= link && !previous.claimed) {
				// a newer link's attempt waits: it takes these categories too, for its own user
				previous.codes.addAll(codes);
				logger.debug("Withings notifications: appli " + codes + " of '" + user.principalName()
						+ "' left to the attempt of their newer link");
				return true;
			}
			if (previous != null && previous.link > link) {
				// a newer link's attempt runs: the retry is for that link (and its Withings user)
				owner = previous.user;
				ownerLink = previous.link;
			}
			if (previous != null && !previous.claimed) {
				// linked again before an older link's attempt ran: the new attempt covers it
				previous.claimed = true;
				previous.future.cancel(false);
				this.queued.decrementAndGet();
				merged.addAll(previous.codes);
			}
			Pending entry = new Pending(ownerLink, owner, merged, attempt);
			Runnable task = () -> run(key, entry);
			this.queued.incrementAndGet();
			try {
				entry.future = scheduler.schedule(task, at);
				this.pending.put(key, entry);
				return true;
			}
			catch (RejectedExecutionException ex) {
				this.queued.decrementAndGet();
				return false;
			}
		}
	}

	private void run(String key, Pending entry) {
		List<Integer> codes;
		synchronized (this.pending) {
			if (entry.claimed) {
				return;
			}
			entry.claimed = true;
			codes = List.copyOf(entry.codes);
		}
		this.queued.decrementAndGet();
		try {
			this.work.run(entry.user, codes, entry.attempt, entry.link);
		}
		finally {
			synchronized (this.pending) {
				this.pending.remove(key, entry);
			}
		}
	}

	/**
	 * Give failed categories to the attempt of a newer link of the same principal that waits:
	 * it subscribes them for that link's user, and reports for it.
	 * @return whether there was one
	 */
	boolean handOver(WithingsLinkedUser user, List<Integer> codes, long link) {
		synchronized (this.pending) {
			Pending newer = this.pending.get(key(user));
			if (newer == null || newer.link <= link || newer.claimed) {
				return false;
			}
			newer.codes.addAll(codes);
		}
		logger.debug("Withings notifications: appli " + codes + " of '" + user.principalName()
				+ "' failed, left to the attempt of their newer link");
		return true;
	}

	/** Cancel every attempt, interrupting those that run. */
	void cancelAll() {
		synchronized (this.pending) {
			this.pending.values().forEach((waiting) -> {
				if (waiting.future != null) {
					waiting.future.cancel(true);
				}
			});
		}
	}

	private static String key(WithingsLinkedUser user) {
		return user.registrationId() + "|" + user.principalName();
	}

	/**
	 * An attempt waiting to run, or running; whoever claims it first runs or cancels it. Its
	 * fields are guarded by the {@code pending} map.
	 */
	private static final class Pending {

		final long link;

		final WithingsLinkedUser user;

		final Set<Integer> codes;

		final int attempt;

		boolean claimed;

		Future<?> future;

		Pending(long link, WithingsLinkedUser user, Set<Integer> codes, int attempt) {
			this.link = link;
			this.user = user;
			this.codes = codes;
			this.attempt = attempt;
		}

	}

}
