package io.github.springwithings.api;

import java.time.Duration;

/**
 * Withings answered 601 (too many requests) and asked to wait longer than the application is
 * configured to wait ({@code withings.api.max-rate-limit-wait}).
 */
public final class WithingsRateLimitException extends WithingsApiException {

	private static final long serialVersionUID = 1L;

	/** How long Withings asked to wait. */
	private final Duration wait;

	/**
	 * @param error the Withings error text, may be {@code null}
	 * @param wait how long Withings asked to wait
	 */
	public WithingsRateLimitException(String error, Duration wait) {
		super(601, error);
		this.wait = wait;
	}

	/** {@return how long Withings asked to wait ({@code body.wait_seconds})} */
	public Duration getWait() {
		return this.wait;
	}

}
