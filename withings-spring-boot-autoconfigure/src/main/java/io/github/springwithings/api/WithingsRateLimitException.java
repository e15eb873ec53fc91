package io.github.springwithings.api;

import java.time.Duration;

/**
 * A Withings call stopped by the rate limit, on either side: Withings answered {@code 601} (too
 * many requests) and the call is not retried (for an API call: Withings asked to wait longer than
 * {@code withings.api.max-rate-limit-wait}, or the one retry was refused again; for a token,
 * nonce or signed call: at once), or the client-side rate budget gave the call no permit within
 * its longest wait, so that it was never sent. {@link #isAnswered()} tells the two apart;
 * {@link #getStatus()} is {@code 601} either way.
 */
public final class WithingsRateLimitException extends WithingsApiException {

	private static final long serialVersionUID = 1L;

	/** The wait of a {@code 601} that does not say how long to wait. */
	private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

	/** How long to wait, {@code null} when a {@code 601} did not say. */
	private final Duration wait;

	/** Whether Withings answered {@code 601}, rather than the client-side budget holding the call back. */
	private final boolean answered;

	/**
	 * Withings answered {@code 601}.
	 * @param error the Withings error text, may be {@code null}
	 * @param wait how long Withings asked to wait ({@code body.wait_seconds}), {@code null} when its
	 * answer did not say
	 */
	public WithingsRateLimitException(String error, Duration wait) {
		this(error, wait, true);
	}

	private WithingsRateLimitException(String error, Duration wait, boolean answered) {
		super(601, error);
		this.wait = wait;
		this.answered = answered;
	}

	/**
	 * The client-side rate budget held a call back: it was not sent.
	 * @param reason why, never a request value
	 * @param wait the longest wait the call was given
	 * @return the exception
	 */
	public static WithingsRateLimitException notSent(String reason, Duration wait) {
		return new WithingsRateLimitException(reason, wait, false);
	}

	/**
	 * How long to wait before trying again: {@code body.wait_seconds} of Withings' {@code 601}
	 * (10 seconds when it did not say), or the longest wait the client-side budget gave the call.
	 * @return the wait
	 */
	public Duration getWait() {
		return (this.wait != null) ? this.wait : DEFAULT_WAIT;
	}

	/**
	 * {@link #getWait()} in whole seconds as given, {@code null} when Withings' {@code 601} did not
	 * say how long to wait.
	 * @return the seconds (at most {@link Integer#MAX_VALUE}), or {@code null}
	 */
	public Integer getWaitSeconds() {
		return (this.wait != null) ? (int) Math.min(this.wait.getSeconds(), Integer.MAX_VALUE) : null;
	}

	/**
	 * Whether Withings answered {@code 601}; {@code false} when the client-side rate budget held
	 * the call back and nothing was sent.
	 * @return {@code true} for Withings' answer
	 */
	public boolean isAnswered() {
		return this.answered;
	}

}
