package io.github.springwithings.benchmark;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

/**
 * Refresh under concurrency, the starter versus Spring's stock refresh provider (given the same
 * Withings-speaking token client, so that the only difference is the coordination), against the
 * simulator with a realistic latency and {@code client-secret} authentication; then the cost of
 * {@code authorize()} when the token is valid (the hot path of every API call).
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=RefreshBenchmark}.
 * It prints a Markdown table: printing is its purpose, hence standard output.
 */
public final class RefreshBenchmark {

	private static final Duration LATENCY = Duration.ofMillis(100);

	private static final int[] CALLERS = { 1, 10, 100, 500 };

	private static final int HOT_PATH_CALLS = 2_000_000;

	private RefreshBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		StringBuilder table = new StringBuilder();
		table.append("| callers | variant | token-endpoint calls | failed callers | client still stored | p50 | p99 |\n");
		table.append("|---:|---|---:|---:|---|---:|---:|\n");
		for (int callers : CALLERS) {
			for (Variant variant : Variant.values()) {
				table.append(expiredClientRun(variant, callers)).append('\n');
			}
		}
		table.append('\n').append("| steady state, valid token | ns per authorize() |\n|---|---:|\n");
		for (int round = 0; round < 2; round++) {
			for (Variant variant : Variant.values()) {
				double nanos = hotPath(variant);
				if (round == 1) {
					table.append("| ")
						.append(variant.label)
						.append(" | ")
						.append(String.format(Locale.ROOT, "%.0f", nanos))
						.append(" |\n");
				}
			}
		}
		System.out.print(table);
	}

	private static String expiredClientRun(Variant variant, int callers) throws Exception {
		try (WithingsSimulator simulator = WithingsSimulator.start()) {
			Setup setup = new Setup(simulator, variant);
			setup.save(true);
			simulator.setLatency(LATENCY);
			ExecutorService executor = Executors.newFixedThreadPool(callers);
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Long>> futures = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					futures.add(executor.submit(() -> {
						go.await();
						long start = System.nanoTime();
						try {
							setup.authorize();
							return System.nanoTime() - start;
						}
						catch (RuntimeException ex) {
							return -1L;
						}
					}));
				}
				go.countDown();
				List<Long> latencies = new ArrayList<>();
				int failed = 0;
				for (Future<Long> future : futures) {
					long latency = future.get(5, TimeUnit.MINUTES);
					if (latency < 0) {
						failed++;
					}
					else {
						latencies.add(latency);
					}
				}
				Collections.sort(latencies);
				int tokenCalls = simulator.counters().refreshTokenGrants() + simulator.counters().nonceRequests();
				return String.format(Locale.ROOT, "| %d | %s | %d | %d | %s | %s | %s |", callers, variant.label,
						tokenCalls, failed, (setup.stored() != null) ? "yes" : "**no**", millis(latencies, 0.50),
						millis(latencies, 0.99));
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	private static double hotPath(Variant variant) {
		try (WithingsSimulator simulator = WithingsSimulator.start()) {
			Setup setup = new Setup(simulator, variant);
			setup.save(false);
			for (int i = 0; i < HOT_PATH_CALLS / 4; i++) {
				setup.authorize();
			}
			long start = System.nanoTime();
			for (int i = 0; i < HOT_PATH_CALLS; i++) {
				setup.authorize();
			}
			return (System.nanoTime() - start) / (double) HOT_PATH_CALLS;
		}
	}

	private static String millis(List<Long> sorted, double percentile) {
		if (sorted.isEmpty()) {
			return "-";
		}
		long nanos = sorted.get(Math.max(0, (int) Math.ceil(percentile * sorted.size()) - 1));
		return String.format(Locale.ROOT, "%.0f ms", nanos / 1_000_000.0);
	}

	enum Variant {

		STOCK("Spring stock refresh provider"), STARTER("withings-spring-boot-starter");

		final String label;

		Variant(String label) {
			this.label = label;
		}

	}

	/** One user, one store, one manager, as an application outside a web request has them. */
	private static final class Setup {

		private final WithingsSimulator simulator;

		private final ClientRegistration registration;

		private final OAuth2AuthorizedClientService service;

		private final AuthorizedClientServiceOAuth2AuthorizedClientManager stockManager;

		private final WithingsAuthorizedClients starter;

		private final OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("withings")
			.principal("363")
			.build();

		Setup(WithingsSimulator simulator, Variant variant) {
			this.simulator = simulator;
			this.registration = TestClientRegistrations.withings(simulator).build();
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
					this.registration);
			WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refresh = WithingsAccessTokenResponseClient
				.refreshToken(withings, WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder());
			if (variant == Variant.STOCK) {
				this.service = new InMemoryOAuth2AuthorizedClientService(registrations);
				this.stockManager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, this.service);
				this.stockManager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
					.refreshToken((builder) -> builder.accessTokenResponseClient(refresh))
					.build());
				this.starter = null;
			}
			else {
				InMemoryWithingsAuthorizedClientService store = new InMemoryWithingsAuthorizedClientService(registrations);
				this.service = store;
				this.stockManager = null;
				this.starter = new WithingsAuthorizedClients(registrations, store,
						new SingleFlightRefreshTokenResponseClient(refresh, store, withings),
						new WithingsRevocationClient(RestClient.create()), "withings");
			}
		}

		void save(boolean expired) {
			this.simulator.setConsentingUserId("363");
			String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
					TestClientRegistrations.REDIRECT_URI, "user.metrics");
			OAuth2AccessTokenResponse response = WithingsAccessTokenResponseClient
				.authorizationCode(WithingsClientRegistrations.withIds(List.of("withings")),
						WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder())
				.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code));
			OAuth2AccessToken token = response.getAccessToken();
			if (expired) {
				Instant now = Instant.now();
				token = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), now.minusSeconds(11_000),
						now.minusSeconds(200), token.getScopes());
			}
			this.service.saveAuthorizedClient(
					new OAuth2AuthorizedClient(this.registration, "363", token, response.getRefreshToken()),
					new TestingAuthenticationToken("363", null));
		}

		OAuth2AuthorizedClient authorize() {
			return (this.starter != null) ? this.starter.authorize("363") : this.stockManager.authorize(this.request);
		}

		OAuth2AuthorizedClient stored() {
			return this.service.loadAuthorizedClient("withings", "363");
		}

	}

}
