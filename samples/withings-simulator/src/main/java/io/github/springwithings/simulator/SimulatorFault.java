package io.github.springwithings.simulator;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fault the simulator plays instead of (or on top of) its normal answer.
 *
 * @see WithingsSimulator#injectFault(SimulatorEndpoint, SimulatorFault)
 */
public final class SimulatorFault {

	enum Kind {

		DELAY, HTTP_STATUS, NON_JSON, EMPTY_BODY, TRUNCATED_BODY, CONNECTION_RESET, WITHINGS_STATUS,
		WITHINGS_STATUS_WITHOUT_BODY, HOLD, ANSWER

	}

	private final Kind kind;

	private final Duration delay;

	private final int status;

	private final String error;

	private final Integer waitSeconds;

	private final boolean afterProcessing;

	private final CountDownLatch processed;

	private final CountDownLatch release;

	private SimulatorFault(Kind kind, Duration delay, int status, String error, Integer waitSeconds) {
		this(kind, delay, status, error, waitSeconds, false, null, null);
	}

	private SimulatorFault(Kind kind, Duration delay, int status, String error, Integer waitSeconds,
			boolean afterProcessing, CountDownLatch processed, CountDownLatch release) {
		this.kind = kind;
		this.delay = delay;
		this.status = status;
		this.error = error;
		this.waitSeconds = waitSeconds;
		this.afterProcessing = afterProcessing;
		this.processed = processed;
		this.release = release;
	}

	/**
	 * The same fault, played after Withings has done the work: a refresh rotates the tokens (the
	 * old refresh token enters its 8-hour grace) and then the answer is lost. This is how a
	 * timeout, a proxy's 5xx or a reset connection look when they hit the answer.
	 * @return the fault, after processing
	 */
	public SimulatorFault afterProcessing() {
		return new SimulatorFault(this.kind, this.delay, this.status, this.error, this.waitSeconds, true,
				this.processed, this.release);
	}

	/**
	 * Do the work, count {@code processed} down, then hold the answer until {@code release} is
	 * counted down (at most a minute): the moment to kill the application that is waiting for it.
	 * @param processed counted down once Withings has done the work
	 * @param release awaited before answering
	 * @return the fault
	 */
	public static SimulatorFault hold(CountDownLatch processed, CountDownLatch release) {
		return new SimulatorFault(Kind.HOLD, Duration.ZERO, 0, null, null, true, processed, release);
	}

	/**
	 * The normal answer, but only after {@code delay}.
	 * @param delay how long to wait before answering
	 * @return the fault
	 */
	public static SimulatorFault delay(Duration delay) {
		return new SimulatorFault(Kind.DELAY, delay, 0, null, null);
	}

	/**
	 * An HTTP error status (e.g. 500) with an HTML body.
	 * @param httpStatus the HTTP status
	 * @return the fault
	 */
	public static SimulatorFault httpStatus(int httpStatus) {
		return new SimulatorFault(Kind.HTTP_STATUS, Duration.ZERO, httpStatus, null, null);
	}

	/**
	 * HTTP 200 with an HTML body, as a proxy or maintenance page would send.
	 * @return the fault
	 */
	public static SimulatorFault nonJson() {
		return new SimulatorFault(Kind.NON_JSON, Duration.ZERO, 0, null, null);
	}

	/**
	 * HTTP 200 with an empty JSON body.
	 * @return the fault
	 */
	public static SimulatorFault emptyBody() {
		return new SimulatorFault(Kind.EMPTY_BODY, Duration.ZERO, 0, null, null);
	}

	/**
	 * HTTP 200 with a JSON envelope cut in the middle.
	 * @return the fault
	 */
	public static SimulatorFault truncatedBody() {
		return new SimulatorFault(Kind.TRUNCATED_BODY, Duration.ZERO, 0, null, null);
	}

	/**
	 * The connection is reset before any answer.
	 * @return the fault
	 */
	public static SimulatorFault connectionReset() {
		return new SimulatorFault(Kind.CONNECTION_RESET, Duration.ZERO, 0, null, null);
	}

	/**
	 * HTTP 200 with {@code {"status":status,"body":{},"error":error}}.
	 * @param status the Withings status of the envelope
	 * @param error the envelope's {@code error} message
	 * @return the fault
	 */
	public static SimulatorFault withingsStatus(int status, String error) {
		return new SimulatorFault(Kind.WITHINGS_STATUS, Duration.ZERO, status, error, null);
	}

	/**
	 * HTTP 200 with {@code {"status":status,"error":error}} and no {@code body} at all, as Withings
	 * answers a request with no or an unknown {@code action} ({@code {"status":2554,"error":"Not
	 * implemented"}}) or an old error that carries its number as its text
	 * ({@code {"status":246,"error":"246"}}).
	 * @param status the Withings status of the envelope
	 * @param error the envelope's {@code error} message
	 * @return the fault
	 */
	public static SimulatorFault withingsStatusWithoutBody(int status, String error) {
		return new SimulatorFault(Kind.WITHINGS_STATUS_WITHOUT_BODY, Duration.ZERO, status, error, null);
	}

	/**
	 * HTTP 200 with a 601 envelope ({@code "Same arguments in less than 10 seconds"}) whose body
	 * carries {@code wait_seconds}.
	 * @param waitSeconds the wait Withings asks for
	 * @return the fault
	 */
	public static SimulatorFault tooManyRequests(int waitSeconds) {
		return new SimulatorFault(Kind.WITHINGS_STATUS, Duration.ZERO, 601, "Same arguments in less than 10 seconds",
				waitSeconds);
	}

	/**
	 * HTTP 200 with a 601 envelope for the application-wide rate limit ({@code "Too many
	 * requests"}, as {@link WithingsSimulator#setRateLimit} answers), whose body carries
	 * {@code wait_seconds}.
	 * @param waitSeconds the wait Withings asks for
	 * @return the fault
	 */
	public static SimulatorFault rateLimited(int waitSeconds) {
		return new SimulatorFault(Kind.WITHINGS_STATUS, Duration.ZERO, 601, "Too many requests", waitSeconds);
	}

	/**
	 * A whole answer as Withings may send it, played verbatim (HTTP 200, {@code application/json})
	 * instead of the simulator's own, to replay a real answer's shape: {@code more} as 1, an
	 * {@code offset} that does not advance, no {@code body}, an {@code error} that is just the
	 * number, the {@code {"errors":[...]}} shape. The request is checked first as always (access
	 * token, action, scope, parameters): a request the simulator refuses gets its refusal instead.
	 * @param json the answer's body, e.g. {@code {"status":0,"body":{...}}}
	 * @return the fault
	 */
	public static SimulatorFault answer(String json) {
		if (json == null) {
			throw new IllegalArgumentException("json cannot be null");
		}
		return new SimulatorFault(Kind.ANSWER, Duration.ZERO, 0, json, null);
	}

	boolean isAfterProcessing() {
		return this.afterProcessing;
	}

	/** Signal that the work is done, then wait for the release (bounded). */
	void holdAfterProcessing() {
		this.processed.countDown();
		try {
			this.release.await(1, TimeUnit.MINUTES);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	Kind kind() {
		return this.kind;
	}

	Duration delay() {
		return this.delay;
	}

	int status() {
		return this.status;
	}

	/** The envelope's {@code error} of a {@code WITHINGS_STATUS} fault, the whole body of an {@code ANSWER}. */
	String error() {
		return this.error;
	}

	Integer waitSeconds() {
		return this.waitSeconds;
	}

}
