package io.github.springwithings.ratelimit;

import java.util.function.Supplier;

import org.springframework.util.Assert;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Who waits for a call to Withings, which decides its place in the shared
 * {@link WithingsRateBudget}: a user waiting on a page ({@link #INTERACTIVE}: sign-in, a refresh
 * or an API call made while serving a web request) goes before work nobody waits for
 * ({@link #BACKGROUND}: the keep-alive sweep, the follow-up of refreshes in doubt, subscriptions,
 * scheduled syncs, notification listeners).
 *
 * <p>The priority of a call is the one set for the current thread with {@link #callAs}, else
 * {@link #INTERACTIVE} on a thread that serves a servlet request, else {@link #BACKGROUND}. On
 * WebFlux the starter's clients tell from the Reactor context whether a web exchange waits.
 */
public enum WithingsRatePriority {

	/** A user waits for the answer: reserves the next permit, before background work. */
	INTERACTIVE,

	/** Nobody waits: takes only a permit that is free now, never one an interactive call needs. */
	BACKGROUND;

	private static final ThreadLocal<WithingsRatePriority> CURRENT = new ThreadLocal<>();

	/**
	 * The priority of a call made now on this thread.
	 * @return the priority set with {@link #callAs}, else {@link #INTERACTIVE} while a servlet
	 * request is served, else {@link #BACKGROUND}
	 */
	public static WithingsRatePriority current() {
		WithingsRatePriority set = CURRENT.get();
		if (set != null) {
			return set;
		}
		return (RequestContextHolder.getRequestAttributes() != null) ? INTERACTIVE : BACKGROUND;
	}

	/**
	 * Run work with this priority for every call to Withings it makes on this thread.
	 * @param work the work
	 * @param <T> its result
	 * @return its result
	 */
	public <T> T callAs(Supplier<T> work) {
		Assert.notNull(work, "work cannot be null");
		WithingsRatePriority previous = CURRENT.get();
		CURRENT.set(this);
		try {
			return work.get();
		}
		finally {
			if (previous != null) {
				CURRENT.set(previous);
			}
			else {
				CURRENT.remove();
			}
		}
	}

	/**
	 * Run work with this priority for every call to Withings it makes on this thread.
	 * @param work the work
	 */
	public void runAs(Runnable work) {
		Assert.notNull(work, "work cannot be null");
		callAs(() -> {
			work.run();
			return null;
		});
	}

}
