package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;

/**
 * The spacing of the keep-alive's refreshes, and of the in-doubt follow-up's.
 */
final class WithingsKeepAliveSpacing {

	private WithingsKeepAliveSpacing() {
	}

	/**
	 * The keep-alive spacing: as set, or so that a sweep uses at most its share of the rate
	 * budget (a refresh is two requests in signature mode: a nonce, then the token).
	 */
	static Duration of(WithingsProperties properties, WithingsKeepAliveProperties keepAlive,
			WithingsRateLimitProperties rateLimit) {
		if (keepAlive.getSpacing() != null) {
			return keepAlive.getSpacing();
		}
		int requestsPerRefresh = (properties.getClientAuthentication() == WithingsClientAuthentication.SIGNATURE) ? 2 : 1;
		double requestsPerMinute = Math.max(1, rateLimit.getRequestsPerMinute())
				* Math.min(1.0, Math.max(0.01, keepAlive.getBudgetShare()));
		return Duration.ofMillis((long) Math.ceil(60_000.0 * requestsPerRefresh / requestsPerMinute));
	}

	/** The shorter of two durations. */
	static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
