package io.github.springwithings.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Withings' rules for a callback URL, then its {@code HEAD} probe: a URL is accepted when it is
 * well formed and answers 2xx in time. The settings are guarded by the
 * {@link SimulatorNotifications}' lock; the probe runs outside it.
 */
final class CallbackUrlRules {

	/** Withings documents no timeout for its probe; the two seconds of a delivery. */
	static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);

	/** Withings: a callback URL has at most 255 characters. */
	static final int MAX_CALLBACK_URL_LENGTH = 255;

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private final Object lock;

	private final SimulatorCounters counters;

	private final Supplier<HttpClient> http;

	private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;

	private boolean strictCallbackUrls;

	private boolean echoCallbackUrls;

	CallbackUrlRules(Object lock, SimulatorCounters counters, Supplier<HttpClient> http) {
		this.lock = lock;
		this.counters = counters;
		this.http = http;
	}

	/** Back to the default settings; call with the lock held. */
	void reset() {
		this.probeTimeout = DEFAULT_PROBE_TIMEOUT;
		this.strictCallbackUrls = false;
		this.echoCallbackUrls = false;
	}

	void setProbeTimeout(Duration probeTimeout) {
		synchronized (this.lock) {
			this.probeTimeout = probeTimeout;
		}
	}

	void setStrictCallbackUrls(boolean strict) {
		synchronized (this.lock) {
			this.strictCallbackUrls = strict;
		}
	}

	void setEchoCallbackUrls(boolean echo) {
		synchronized (this.lock) {
			this.echoCallbackUrls = echo;
		}
	}

	/**
	 * The callback URL rules, then the {@code HEAD} probe (outside the lock).
	 * @return {@code null} when the URL is accepted, else the status 293 answer
	 */
	SimulatorResponse check(String callbackUrl) {
		URI uri;
		boolean strict;
		boolean echo;
		Duration timeout;
		synchronized (this.lock) {
			strict = this.strictCallbackUrls;
			echo = this.echoCallbackUrls;
			timeout = this.probeTimeout;
		}
		String problem = urlProblem(callbackUrl, strict);
		if (problem == null) {
			uri = URI.create(callbackUrl);
			problem = probe(uri, timeout);
		}
		if (problem != null) {
			this.counters.refusedCallbacks.incrementAndGet();
			return SimulatorResponse.envelope(SimulatedNotifyEndpoint.CALLBACK_INVALID, Map.of(),
					"The callback URL " + (echo ? callbackUrl + " " : "") + "is either absent or incorrect (" + problem
							+ ")");
		}
		return null;
	}

	/**
	 * Withings' rules for a callback URL: an absolute http(s) URL of at most 255 characters; when
	 * strict, also HTTPS only, no IP address or localhost, ports 80 and 443 only. Withings accepts
	 * a URL that breaks the strict rules in "restricted mode" (at most 10 linked users, for
	 * development): the simulator does too unless told to be strict, and does not count users.
	 */
	static String urlProblem(String callbackUrl, boolean strict) {
		if (callbackUrl == null || callbackUrl.isBlank()) {
			return "no callbackurl";
		}
		if (callbackUrl.length() > MAX_CALLBACK_URL_LENGTH) {
			return "longer than " + MAX_CALLBACK_URL_LENGTH + " characters";
		}
		URI uri;
		try {
			uri = new URI(callbackUrl);
		}
		catch (URISyntaxException ex) {
			return "not a URL";
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return "not an http(s) URL";
		}
		String host = uri.getHost();
		if (host == null || host.isEmpty()) {
			return "no host";
		}
		if (strict) {
			if (!scheme.equals("https")) {
				return "HTTPS only";
			}
			String name = host.toLowerCase(Locale.ROOT);
			if (name.equals("localhost") || name.endsWith(".localhost") || name.startsWith("[")
					|| IPV4.matcher(name).matches()) {
				return "no IP address or localhost";
			}
			if (uri.getPort() != -1 && uri.getPort() != 80 && uri.getPort() != 443) {
				return "ports 80 and 443 only";
			}
		}
		return null;
	}

	/** {@code HEAD} the callback URL: {@code null} when it answers 2xx in time. */
	private String probe(URI uri, Duration timeout) {
		this.counters.callbackProbes.incrementAndGet();
		HttpRequest request = HttpRequest.newBuilder(uri)
			.method("HEAD", HttpRequest.BodyPublishers.noBody())
			.timeout(timeout)
			.header("User-Agent", "withings-simulator")
			.build();
		try {
			int status = this.http.get().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			return (status >= 200 && status < 300) ? null : "HEAD answered " + status;
		}
		catch (HttpTimeoutException ex) {
			return "HEAD not answered within " + timeout.toMillis() + " ms";
		}
		catch (IOException | IllegalArgumentException ex) {
			return "HEAD failed: " + ex.getClass().getSimpleName();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "HEAD interrupted";
		}
	}

}
