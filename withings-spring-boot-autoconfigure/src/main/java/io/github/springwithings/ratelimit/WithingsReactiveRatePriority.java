package io.github.springwithings.ratelimit;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link WithingsRatePriority} of a call in a reactive chain: {@link WithingsRatePriority#INTERACTIVE}
 * when a WebFlux exchange waits for it (Spring Security puts the {@link ServerWebExchange} in the
 * Reactor context of every request it secures), else the priority a caller put in the context
 * with {@link #withPriority} (the starter's {@code WebClient} filter does, for the refreshes it
 * starts), else the priority of the thread that built the chain.
 */
public final class WithingsReactiveRatePriority {

	/** The context key of a priority set with {@link #withPriority}. */
	private static final String KEY = WithingsReactiveRatePriority.class.getName();

	private WithingsReactiveRatePriority() {
	}

	/**
	 * Give every call of a chain this priority (when no web exchange waits for it).
	 * @param priority the priority
	 * @return the context holding it, for {@code contextWrite}
	 */
	public static Context withPriority(WithingsRatePriority priority) {
		Assert.notNull(priority, "priority cannot be null");
		return Context.of(KEY, priority);
	}

	/**
	 * The priority of a call.
	 * @param context the Reactor context of the call
	 * @param caller the priority of the thread that built the chain
	 * ({@link WithingsRatePriority#current()} there), for a context with neither an exchange nor a
	 * priority set
	 * @return the priority
	 */
	public static WithingsRatePriority of(ContextView context, WithingsRatePriority caller) {
		Assert.notNull(context, "context cannot be null");
		Assert.notNull(caller, "caller cannot be null");
		if (context.hasKey(ServerWebExchange.class)) {
			return WithingsRatePriority.INTERACTIVE;
		}
		return context.getOrDefault(KEY, caller);
	}

}
