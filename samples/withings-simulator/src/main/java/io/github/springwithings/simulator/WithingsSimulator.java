package io.github.springwithings.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * A strict, stateful stand-in for Withings' OAuth2 and data API, built on WireMock.
 *
 * <p>It plays the consent page ({@code /oauth2_user/authorize2}, auto-approving for a configurable
 * user), nonces ({@code /v2/signature}), tokens ({@code /v2/oauth2 action=requesttoken}) and the
 * {@code /measure action=getmeas} data call, and checks what real Withings checks: form-encoded
 * bodies, a registered client id, the secret or a single-use nonce with a valid HMAC signature,
 * single-use 30-second codes bound to their redirect URI, known comma-separated scopes, refresh
 * token rotation (the old refresh token dies 8 hours after rotation or as soon as the new access
 * token is used) and the 10-second same-arguments rule (status 601). Every answer is HTTP 200 with
 * the {@code {"status":..,"body":..}} envelope, as Withings does.
 *
 * <pre class="code">
 * try (WithingsSimulator withings = WithingsSimulator.start()) {
 *     withings.registerClient("id", "secret");
 *     String apiBaseUri = withings.baseUrl();
 *     withings.clock().advance(Duration.ofHours(4));
 * }
 * </pre>
 */
public final class WithingsSimulator implements AutoCloseable {

	/** Client id registered by {@link #start()}. */
	public static final String DEFAULT_CLIENT_ID = "simulator-client-id";

	/** Client secret registered by {@link #start()}. */
	public static final String DEFAULT_CLIENT_SECRET = "simulator-client-secret";

	private final SimulatorClock clock = new SimulatorClock();

	private final SimulatorCounters counters = new SimulatorCounters();

	private final WithingsBackend backend = new WithingsBackend(this.clock, this.counters);

	private final WithingsTransformer transformer = new WithingsTransformer(this.backend);

	private final WireMockServer server;

	private WithingsSimulator(int port) {
		WireMockConfiguration options = WireMockConfiguration.options()
			.port(port)
			.bindAddress("127.0.0.1")
			.containerThreads(64)
			.jettyAcceptors(2)
			.extensions(this.transformer);
		this.server = new WireMockServer(options);
		this.server.stubFor(WireMock.any(WireMock.anyUrl())
			.willReturn(WireMock.aResponse().withTransformers(WithingsTransformer.NAME)));
		this.backend.registerClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
	}

	/**
	 * Start a simulator on a free port, with {@link #DEFAULT_CLIENT_ID} registered.
	 * @return the running simulator
	 */
	public static WithingsSimulator start() {
		return start(0);
	}

	/**
	 * Start a simulator on the given port ({@code 0} for a free one).
	 * @param port the port
	 * @return the running simulator
	 */
	public static WithingsSimulator start(int port) {
		WithingsSimulator simulator = new WithingsSimulator(port);
		simulator.server.start();
		return simulator;
	}

	/**
	 * Base URL of both the API and the account host, e.g. {@code http://127.0.0.1:51234}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	public int port() {
		return this.server.port();
	}

	/** Register an application (client id and secret). */
	public void registerClient(String clientId, String clientSecret) {
		this.backend.registerClient(clientId, clientSecret);
	}

	/** The clock every expiry rule of the simulator uses; move it with {@link SimulatorClock#advance}. */
	public SimulatorClock clock() {
		return this.clock;
	}

	/** Counters of what the simulator has seen. */
	public SimulatorCounters counters() {
		return this.counters;
	}

	/**
	 * The Withings user who consents on the next visits of the consent page. When unset, each
	 * consent creates a new user.
	 * @param userId a numeric Withings user id, or {@code null}
	 */
	public void setConsentingUserId(String userId) {
		this.backend.setConsentingUserId(userId);
	}

	/** Whether {@code userid} is sent as a JSON string (Withings does both); a number by default. */
	public void setUserIdAsString(boolean userIdAsString) {
		this.backend.setUserIdAsString(userIdAsString);
	}

	/** Whether the user denies consent ({@code error=access_denied} is sent back to the app). */
	public void setDenyConsent(boolean denyConsent) {
		this.backend.setDenyConsent(denyConsent);
	}

	/**
	 * Whether {@code recoverauthorizationcode} is allowed (Withings allows it to partners with a
	 * contract); allowed by default. Recovered codes are not bound to a redirect URI.
	 */
	public void setRecoveryAllowed(boolean recoveryAllowed) {
		this.backend.setRecoveryAllowed(recoveryAllowed);
	}

	/**
	 * Enforce Withings' application-wide rate limit: more than {@code requests} API, token and
	 * nonce requests within any {@code window} are answered 601 (Withings: 120 per minute). Off
	 * by default, so that tests that are not about it can go fast.
	 * @param requests the number of requests allowed per window, {@code 0} for no limit
	 * @param window the sliding window
	 */
	public void setRateLimit(int requests, Duration window) {
		this.backend.setRateLimit(requests, window);
	}

	/** Latency added to every answer. */
	public void setLatency(Duration latency) {
		this.transformer.setLatency(latency);
	}

	/**
	 * Play {@code fault} on the next request to {@code endpoint} (faults queue up, one per request).
	 * @param endpoint the endpoint
	 * @param fault the fault
	 */
	public void injectFault(SimulatorEndpoint endpoint, SimulatorFault fault) {
		this.transformer.injectFault(endpoint, fault);
	}

	/**
	 * Play the consent page without a browser: the consenting user approves and an authorization
	 * code is returned, exactly as the redirect to the application would carry it.
	 * @param clientId the client id
	 * @param redirectUri the redirect URI the code is bound to
	 * @param scope the comma-separated scopes
	 * @return the code
	 * @throws IllegalStateException when the consent page refuses the request
	 */
	public String authorize(String clientId, String redirectUri, String scope) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", clientId);
		query.put("redirect_uri", redirectUri);
		query.put("scope", scope);
		query.put("state", "state");
		SimulatorResponse response = this.backend.authorize(query);
		if (response.location == null || !response.location.contains("code=")) {
			throw new IllegalStateException("Consent refused: " + ((response.html != null) ? response.html : response.location));
		}
		return Urls.splitQueryFromUrl(response.location).get("code").firstValue();
	}

	/** What the simulator thinks of a refresh token it issued. */
	public RefreshTokenState refreshTokenState(String refreshToken) {
		return this.backend.refreshTokenState(refreshToken);
	}

	/**
	 * Make an access token expire now, as a revocation or clock drift would.
	 * @return whether the token was known
	 */
	public boolean expireAccessToken(String accessToken) {
		return this.backend.expireAccessToken(accessToken);
	}

	/** The underlying WireMock server, for its request journal. */
	public WireMockServer wireMock() {
		return this.server;
	}

	public void stop() {
		this.server.stop();
	}

	@Override
	public void close() {
		stop();
	}

}
