package io.github.springwithings.api;

import java.time.Duration;

/**
 * Withings answered 601 (too many requests) and asked to wait longer than the application is
 * configured to wait ({@code withings.api.max-rate-limit-wait}).
 */
public final class WithingsRateLimitException extends WithingsApiException {

	private final Duration wait;

	public WithingsRateLimitException(String error, Duration wait) {
		super(601, error);
		this.wait = wait;
	}

	/** How long Withings asked to wait ({@code body.wait_seconds}). */
	public Duration getWait() {
		return this.wait;
	}

}
