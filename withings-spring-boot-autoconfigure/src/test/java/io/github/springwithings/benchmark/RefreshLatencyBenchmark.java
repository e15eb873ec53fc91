package io.github.springwithings.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsNonceClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.WithingsSimulator;
import org.awaitility.Awaitility;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * What a user waits for when the access token has expired: the latency of {@code authorize()}
 * that refreshes it, against the simulator answering every call after 200 ms, one user's
 * requests one after the other (50 measured, after 5 unmeasured). Spring's stock refresh provider
 * (given the Withings-speaking token client, without a nonce prefetcher: in {@code signature}
 * mode a nonce call then the token call) against the starter (single-flight refresh; in
 * {@code signature} mode with a nonce kept ready, as the starter configures it by default), with
 * the in-memory stores, and the starter on the JDBC store (H2) too. "One round trip" is a bare
 * signed call to the simulator (a nonce request) through the same kind of HTTP client. Between
 * two requests the application's clock moves 3 h 5 min, so that each finds the token expired;
 * with the prefetcher, each request starts once a nonce is ready again (it is, except within one
 * round trip after the previous signed call). The calls counted are those the request waited
 * for: the token calls and, with the prefetcher, the nonces it had to fetch itself.
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=RefreshLatencyBenchmark}.
 * About 90 s. It prints a Markdown table: printing is its purpose, hence standard output.
 */
public final class RefreshLatencyBenchmark {

	private static final Duration LATENCY = Duration.ofMillis(200);

	private static final int WARM_UP = 5;

	private static final int SAMPLES = 50;

	private static final Duration BETWEEN_REQUESTS = Duration.ofHours(3).plusMinutes(5);

	private RefreshLatencyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		List<Long> bare = bareRoundTrips();
		long bareP50 = percentile(bare, 0.50);
		long bareP99 = percentile(bare, 0.99);
		StringBuilder table = new StringBuilder();
		table.append("| variant | calls waited for per request | p50 | p99 | p50 / one round trip | p99 / one round trip |\n");
		table.append("|---|---:|---:|---:|---:|---:|\n");
		table.append(String.format(Locale.ROOT, "| one round trip (a bare signed call) | 1 | %s | %s | 1.00x | 1.00x |%n",
				millis(bareP50), millis(bareP99)));
		for (Variant variant : Variant.values()) {
			Run run = run(variant);
			long p50 = percentile(run.latencies(), 0.50);
			long p99 = percentile(run.latencies(), 0.99);
			table.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s | %.2fx | %.2fx |%n", variant.label,
					run.callsWaitedFor() / (double) SAMPLES, millis(p50), millis(p99), p50 / (double) bareP50,
					p99 / (double) bareP99));
		}
		System.out.print(table);
	}

	private static List<Long> bareRoundTrips() {
		try (WithingsSimulator simulator = WithingsSimulator.start()) {
			simulator.setLatency(LATENCY);
			ClientRegistration registration = TestClientRegistrations.withings(simulator).build();
			WithingsNonceClient nonces = new WithingsNonceClient(RestClient.create());
			List<Long> latencies = new ArrayList<>();
			for (int i = 0; i < WARM_UP + SAMPLES; i++) {
				long start = System.nanoTime();
				nonces.getNonce(registration);
				if (i >= WARM_UP) {
					latencies.add(System.nanoTime() - start);
				}
			}
			Collections.sort(latencies);
			return latencies;
		}
	}

	private static Run run(Variant variant) throws InterruptedException {
		try (WithingsSimulator simulator = WithingsSimulator.start(); Setup setup = new Setup(simulator, variant)) {
			setup.link();
			simulator.setLatency(LATENCY);
			List<Long> latencies = new ArrayList<>();
			long callsWaitedFor = 0;
			String accessToken = setup.authorize().getAccessToken().getTokenValue();
			for (int i = 0; i < WARM_UP + SAMPLES; i++) {
				setup.clock.advance(BETWEEN_REQUESTS);
				setup.awaitReadyNonce();
				long calls = setup.callsWaitedFor();
				long start = System.nanoTime();
				OAuth2AuthorizedClient client = setup.authorize();
				long latency = System.nanoTime() - start;
				Assert.state(!client.getAccessToken().getTokenValue().equals(accessToken), "not refreshed");
				accessToken = client.getAccessToken().getTokenValue();
				if (i >= WARM_UP) {
					latencies.add(latency);
					callsWaitedFor += setup.callsWaitedFor() - calls;
				}
			}
			Collections.sort(latencies);
			return new Run(latencies, callsWaitedFor);
		}
	}

	private static long percentile(List<Long> sorted, double percentile) {
		return sorted.get(Math.max(0, (int) Math.ceil(percentile * sorted.size()) - 1));
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.0f ms", nanos / 1_000_000.0);
	}

	private record Run(List<Long> latencies, long callsWaitedFor) {
	}

	enum Variant {

		STOCK_SIGNATURE("Spring stock refresh provider, signature", false, WithingsClientAuthentication.SIGNATURE,
				false, false),
		STARTER_SIGNATURE("withings-spring-boot-starter, signature, nonce kept ready", true,
				WithingsClientAuthentication.SIGNATURE, true, false),
		STARTER_SIGNATURE_JDBC("withings-spring-boot-starter, signature, nonce kept ready, JDBC store (H2)", true,
				WithingsClientAuthentication.SIGNATURE, true, true),
		STOCK_CLIENT_SECRET("Spring stock refresh provider, client-secret", false,
				WithingsClientAuthentication.CLIENT_SECRET, false, false),
		STARTER_CLIENT_SECRET("withings-spring-boot-starter, client-secret", true,
				WithingsClientAuthentication.CLIENT_SECRET, false, false);

		final String label;

		final boolean starter;

		final WithingsClientAuthentication authentication;

		final boolean prefetch;

		final boolean jdbc;

		Variant(String label, boolean starter, WithingsClientAuthentication authentication, boolean prefetch,
				boolean jdbc) {
			this.label = label;
			this.starter = starter;
			this.authentication = authentication;
			this.prefetch = prefetch;
			this.jdbc = jdbc;
		}

	}

	/** One user, one store, one manager, as an application outside a web request has them. */
	private static final class Setup implements AutoCloseable {

		final SimulatorClock clock = new SimulatorClock();

		private final WithingsSimulator simulator;

		private final ClientRegistration registration;

		private final OAuth2AuthorizedClientService service;

		private final AuthorizedClientServiceOAuth2AuthorizedClientManager stockManager;

		private final WithingsAuthorizedClients starter;

		private final WithingsNoncePrefetcher prefetcher;

		private final ExecutorService prefetchThreads;

		private final HikariDataSource dataSource;

		Setup(WithingsSimulator simulator, Variant variant) {
			this.simulator = simulator;
			this.registration = TestClientRegistrations.withings(simulator).build();
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
					this.registration);
			WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
			WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refresh = WithingsAccessTokenResponseClient
				.refreshToken(withings, variant.authentication, RestClient.builder());
			if (variant.prefetch) {
				this.prefetchThreads = Executors.newSingleThreadExecutor((task) -> {
					Thread thread = new Thread(task, "withings-nonce-");
					thread.setDaemon(true);
					return thread;
				});
				this.prefetcher = new WithingsNoncePrefetcher(new WithingsNonceClient(RestClient.create()),
						() -> List.of(this.registration), this.prefetchThreads);
				refresh.setNoncePrefetcher(this.prefetcher);
			}
			else {
				this.prefetchThreads = null;
				this.prefetcher = null;
			}
			if (!variant.starter) {
				this.dataSource = null;
				this.service = new InMemoryOAuth2AuthorizedClientService(registrations);
				this.stockManager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, this.service);
				this.stockManager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
					.refreshToken((builder) -> builder.accessTokenResponseClient(refresh).clock(this.clock))
					.build());
				this.starter = null;
				return;
			}
			WithingsAuthorizedClientService store;
			if (variant.jdbc) {
				this.dataSource = TestDatabases.dataSource("refresh-latency", 10);
				JdbcWithingsAuthorizedClientService jdbc = new JdbcWithingsAuthorizedClientService(this.dataSource,
						registrations);
				jdbc.setClock(this.clock);
				store = jdbc;
			}
			else {
				this.dataSource = null;
				InMemoryWithingsAuthorizedClientService memory = new InMemoryWithingsAuthorizedClientService(
						registrations);
				memory.setClock(this.clock);
				store = memory;
			}
			this.service = store;
			this.stockManager = null;
			SingleFlightRefreshTokenResponseClient singleFlight = new SingleFlightRefreshTokenResponseClient(refresh,
					store, withings);
			singleFlight.setClock(this.clock);
			this.starter = new WithingsAuthorizedClients(registrations, store, singleFlight,
					new WithingsRevocationClient(RestClient.create()), "withings");
			this.starter.setClock(this.clock);
		}

		void link() {
			this.simulator.setConsentingUserId("363");
			String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
					TestClientRegistrations.REDIRECT_URI, "user.metrics");
			OAuth2AccessTokenResponse response = WithingsAccessTokenResponseClient
				.authorizationCode(WithingsClientRegistrations.withIds(List.of("withings")),
						WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder())
				.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code));
			this.service.saveAuthorizedClient(new OAuth2AuthorizedClient(this.registration, "363",
					response.getAccessToken(), response.getRefreshToken()), new TestingAuthenticationToken("363", null));
			if (this.prefetcher != null) {
				this.prefetcher.refreshStale();
			}
		}

		/** With the prefetcher, until a nonce is ready (at most 10 round trips). */
		void awaitReadyNonce() throws InterruptedException {
			if (this.prefetcher == null) {
				return;
			}
			Awaitility.await("a nonce ready")
				.atMost(LATENCY.multipliedBy(10))
				.pollInterval(Duration.ofMillis(2))
				.until(() -> this.prefetcher.isReady(this.registration));
		}

		/** Token calls, and the nonce calls a request waits for (none fetched ahead). */
		long callsWaitedFor() {
			long nonces = (this.prefetcher != null)
					? this.prefetcher.count(WithingsNoncePrefetcher.Outcome.FETCHED_ON_DEMAND)
					: this.simulator.counters().nonceRequests();
			return this.simulator.counters().refreshTokenGrants() + nonces;
		}

		OAuth2AuthorizedClient authorize() {
			return (this.starter != null) ? this.starter.authorize("363")
					: this.stockManager.authorize(
							OAuth2AuthorizeRequest.withClientRegistrationId("withings").principal("363").build());
		}

		@Override
		public void close() {
			if (this.prefetchThreads != null) {
				this.prefetchThreads.shutdownNow();
			}
			if (this.dataSource != null) {
				this.dataSource.close();
			}
		}

	}

}
