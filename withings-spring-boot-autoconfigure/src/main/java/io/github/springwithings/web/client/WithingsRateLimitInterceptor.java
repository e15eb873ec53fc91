package io.github.springwithings.web.client;

import java.io.IOException;
import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.springwithings.api.WithingsRateLimitException;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * Keeps an application under Withings' rate limit (120 requests per minute for all its users
 * together) on the client side: every request takes a permit from a shared Resilience4j
 * {@link RateLimiter}, waiting for one at most its timeout; when none comes in time the call
 * fails with {@link WithingsRateLimitException} instead of being sent. Shared by the token, nonce
 * and API clients of the starter.
 */
public final class WithingsRateLimitInterceptor implements ClientHttpRequestInterceptor {

	private final RateLimiter rateLimiter;

	public WithingsRateLimitInterceptor(RateLimiter rateLimiter) {
		Assert.notNull(rateLimiter, "rateLimiter cannot be null");
		this.rateLimiter = rateLimiter;
	}

	/**
	 * Reserve a permit without waiting for it (a limiter that cannot reserve waits here), for the
	 * {@code WebClient} filter, from the same limiter as the blocking calls. Call it on a thread
	 * that may block: the limiter may park briefly.
	 * @return how many nanoseconds to wait before using the permit, or a negative number when no
	 * permit comes within the limiter's timeout (nothing is reserved then)
	 */
	public long reservePermission() {
		try {
			return this.rateLimiter.reservePermission();
		}
		catch (UnsupportedOperationException ex) {
			// a limiter that cannot reserve (Resilience4j's semaphore-based one): wait here
			return this.rateLimiter.acquirePermission() ? 0 : -1;
		}
	}

	/**
	 * How long a caller may wait for a permit.
	 * @return the limiter's timeout
	 */
	public Duration getMaxWait() {
		return this.rateLimiter.getRateLimiterConfig().getTimeoutDuration();
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!this.rateLimiter.acquirePermission()) {
			throw new WithingsRateLimitException("Client-side rate limit reached: no permit within "
					+ this.rateLimiter.getRateLimiterConfig().getTimeoutDuration(),
					this.rateLimiter.getRateLimiterConfig().getLimitRefreshPeriod());
		}
		return execution.execute(request, body);
	}

}
