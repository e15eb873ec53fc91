package io.github.springwithings.web.client;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.ratelimit.WithingsPrepaidPermits;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * Keeps an application under Withings' rate limit (120 requests per minute for all its users and
 * instances together) on the client side: every request takes a permit of the shared
 * {@link WithingsRateBudget} at the {@link WithingsRatePriority#current() priority of its
 * caller}, waiting for one at most {@link #getMaxWait() the maximum wait}; when none comes in
 * time the call fails with {@link WithingsRateLimitException} instead of being sent. A call that
 * waited for its permit while a 601 paused the budget waits for the pause's end (within the
 * maximum wait) or fails; it is never sent into the pause. Shared by
 * the token, nonce and API clients of the starter; it must be the innermost interceptor, so that
 * every request sent, retries included, takes a permit.
 */
public final class WithingsRateLimitInterceptor implements ClientHttpRequestInterceptor {

	private final WithingsRateBudget budget;

	private final Duration maxWait;

	/**
	 * @param budget the shared budget
	 * @param maxWait the longest wait for a permit
	 */
	public WithingsRateLimitInterceptor(WithingsRateBudget budget, Duration maxWait) {
		Assert.notNull(budget, "budget cannot be null");
		Assert.isTrue(maxWait != null && !maxWait.isNegative(), "maxWait must not be negative");
		this.budget = budget;
		this.maxWait = maxWait;
	}

	/**
	 * The budget permits are taken from.
	 * @return the budget
	 */
	public WithingsRateBudget getBudget() {
		return this.budget;
	}

	/**
	 * How long a caller may wait for a permit.
	 * @return the longest wait
	 */
	public Duration getMaxWait() {
		return this.maxWait;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		AtomicInteger prepaid = WithingsPrepaidPermits.current();
		if (prepaid == null) {
			this.budget.acquire(WithingsRatePriority.current(), this.maxWait);
		}
		else if (prepaid.getAndUpdate((left) -> Math.max(0, left - 1)) == 0) {
			// beyond the permits the reactive caller took ahead: rare (a nonce refused and fetched
			// again, a ready nonce taken by another call meanwhile); it waits as a servlet call does,
			// within the longest wait, rather than fail a user's sign-in or refresh
			this.budget.acquire(WithingsRatePriority.current(), this.maxWait);
		}
		return execution.execute(request, body);
	}

}
