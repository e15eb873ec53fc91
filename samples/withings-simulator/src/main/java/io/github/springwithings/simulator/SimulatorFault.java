package io.github.springwithings.simulator;

import java.time.Duration;

/**
 * A fault the simulator plays instead of (or on top of) its normal answer.
 *
 * @see WithingsSimulator#injectFault(SimulatorEndpoint, SimulatorFault)
 */
public final class SimulatorFault {

	enum Kind {

		DELAY, HTTP_STATUS, NON_JSON, EMPTY_BODY, TRUNCATED_BODY, CONNECTION_RESET, WITHINGS_STATUS

	}

	private final Kind kind;

	private final Duration delay;

	private final int status;

	private final String error;

	private final Integer waitSeconds;

	private SimulatorFault(Kind kind, Duration delay, int status, String error, Integer waitSeconds) {
		this.kind = kind;
		this.delay = delay;
		this.status = status;
		this.error = error;
		this.waitSeconds = waitSeconds;
	}

	/** The normal answer, but only after {@code delay}. */
	public static SimulatorFault delay(Duration delay) {
		return new SimulatorFault(Kind.DELAY, delay, 0, null, null);
	}

	/** An HTTP error status (e.g. 500) with an HTML body. */
	public static SimulatorFault httpStatus(int httpStatus) {
		return new SimulatorFault(Kind.HTTP_STATUS, Duration.ZERO, httpStatus, null, null);
	}

	/** HTTP 200 with an HTML body, as a proxy or maintenance page would send. */
	public static SimulatorFault nonJson() {
		return new SimulatorFault(Kind.NON_JSON, Duration.ZERO, 0, null, null);
	}

	/** HTTP 200 with an empty JSON body. */
	public static SimulatorFault emptyBody() {
		return new SimulatorFault(Kind.EMPTY_BODY, Duration.ZERO, 0, null, null);
	}

	/** HTTP 200 with a JSON envelope cut in the middle. */
	public static SimulatorFault truncatedBody() {
		return new SimulatorFault(Kind.TRUNCATED_BODY, Duration.ZERO, 0, null, null);
	}

	/** The connection is reset before any answer. */
	public static SimulatorFault connectionReset() {
		return new SimulatorFault(Kind.CONNECTION_RESET, Duration.ZERO, 0, null, null);
	}

	/** HTTP 200 with {@code {"status":status,"body":{},"error":error}}. */
	public static SimulatorFault withingsStatus(int status, String error) {
		return new SimulatorFault(Kind.WITHINGS_STATUS, Duration.ZERO, status, error, null);
	}

	/** HTTP 200 with a 601 envelope whose body carries {@code wait_seconds}. */
	public static SimulatorFault tooManyRequests(int waitSeconds) {
		return new SimulatorFault(Kind.WITHINGS_STATUS, Duration.ZERO, 601, "Same arguments in less than 10 seconds",
				waitSeconds);
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

	String error() {
		return this.error;
	}

	Integer waitSeconds() {
		return this.waitSeconds;
	}

}
