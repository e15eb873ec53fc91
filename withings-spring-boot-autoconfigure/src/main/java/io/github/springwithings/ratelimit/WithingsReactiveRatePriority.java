package io.github.springwithings.ratelimit;

import reactor.util.context.ContextView;

import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link WithingsRatePriority} of a call in a reactive chain: {@link WithingsRatePriority#INTERACTIVE}
 * when a WebFlux exchange waits for it (Spring Security puts the {@link ServerWebExchange} in the
 * Reactor context of every request it secures), else the priority of the thread that built the
 * chain.
 */
public final class WithingsReactiveRatePriority {

	private WithingsReactiveRatePriority() {
	}

	/**
	 * The priority of a call.
	 * @param context the Reactor context of the call
	 * @param caller the priority of the thread that built the chain
	 * ({@link WithingsRatePriority#current()} there)
	 * @return the priority
	 */
	public static WithingsRatePriority of(ContextView context, WithingsRatePriority caller) {
		Assert.notNull(context, "context cannot be null");
		Assert.notNull(caller, "caller cannot be null");
		return context.hasKey(ServerWebExchange.class) ? WithingsRatePriority.INTERACTIVE : caller;
	}

}
