package io.github.springwithings.simulator;

/**
 * The Withings endpoints the simulator plays.
 */
public enum SimulatorEndpoint {

	/** {@code GET /oauth2_user/authorize2}, the consent page. */
	AUTHORIZE("/oauth2_user/authorize2"),

	/** {@code POST /v2/signature}, nonces. */
	SIGNATURE("/v2/signature"),

	/** {@code POST /v2/oauth2}, tokens. */
	OAUTH2("/v2/oauth2"),

	/** {@code POST /measure}, the data API ({@code getmeas}). */
	MEASURE("/measure"),

	/** {@code POST /v2/measure} ({@code getactivity}, {@code getworkouts}). */
	MEASURE_V2("/v2/measure"),

	/** {@code POST /v2/sleep} ({@code getsummary}, {@code get}). */
	SLEEP("/v2/sleep"),

	/** {@code POST /v2/heart} ({@code list}, {@code get}). */
	HEART("/v2/heart"),

	/** {@code POST /v2/user} ({@code getdevice}). */
	USER("/v2/user"),

	/** {@code POST /notify}, notification subscriptions. */
	NOTIFY("/notify");

	private final String path;

	SimulatorEndpoint(String path) {
		this.path = path;
	}

	/** {@return the path the endpoint answers on, e.g. {@code /v2/oauth2}} */
	public String path() {
		return this.path;
	}

	static SimulatorEndpoint forPath(String path) {
		for (SimulatorEndpoint endpoint : values()) {
			if (endpoint.path.equals(path)) {
				return endpoint;
			}
		}
		return null;
	}

}
