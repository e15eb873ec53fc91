package io.github.springwithings.actuate.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestDatabases;
import org.h2.Driver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link WithingsHealthIndicator} against the simulator over HTTP and a real store: DOWN when the
 * store does not answer; Withings' state in the details, DOWN only when strict; never DOWN because
 * of one user's dead link; Withings' answer kept for the cache time, asked with a background
 * permit free now, in the background (never waited for), and UNKNOWN once too old.
 *
 * <p>Most tests run the probe on the calling thread ({@code Runnable::run}) to read its answer at
 * once; the concurrency tests use the default background executor.
 */
@Tag("database")
class WithingsHealthIndicatorTests {

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private HikariDataSource dataSource;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.dataSource = TestDatabases.dataSource("health-" + UUID.randomUUID(), 2);
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		this.dataSource.close();
	}

	/** An indicator whose probe runs on the calling thread. */
	private WithingsHealthIndicator indicator() {
		WithingsHealthIndicator indicator = backgroundIndicator();
		indicator.setExecutor(Runnable::run);
		return indicator;
	}

	/** An indicator whose probe runs in the background, as the starter's does. */
	private WithingsHealthIndicator backgroundIndicator() {
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
		requestFactory.setReadTimeout(Duration.ofSeconds(20)); // the simulator's first answer in a JVM is slow
		WithingsHealthIndicator indicator = new WithingsHealthIndicator(
				RestClient.builder().requestFactory(requestFactory).build(), this.fixture.registrations,
				List.of("withings"), this.fixture.service);
		indicator.setClock(this.fixture.clock);
		return indicator;
	}

	@Test
	void healthWhenWithingsAndTheStoreAnswerThenUpWithOneUnauthenticatedRequest() {
		Health health = indicator().health();

		assertThat(health.getStatus()).as(health.getDetails().toString()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("withings", "UP")
			.containsEntry("store", "UP")
			.doesNotContainKeys("withingsError", "storeError");
		assertThat(this.simulator.counters().actionlessRequests()).isOne();
		assertThat(this.simulator.counters().rejectedTokenRequests()).as("no credentials sent").isZero();
	}

	@Test
	void healthWhenAskedAgainWithinTheCacheTimeThenWithingsIsNotAskedAgain() {
		WithingsHealthIndicator indicator = indicator();
		indicator.health();
		indicator.health();
		this.fixture.clock.advance(Duration.ofSeconds(59));
		indicator.health();
		assertThat(this.simulator.counters().actionlessRequests()).isOne();

		this.fixture.clock.advance(Duration.ofSeconds(2));
		indicator.health();

		assertThat(this.simulator.counters().actionlessRequests()).isEqualTo(2);
	}

	@Test
	void healthWhenWithingsIsStoppedThenUpWithWithingsDownInTheDetails() {
		WithingsHealthIndicator indicator = indicator();
		this.simulator.stop();

		Health health = indicator.health();

		assertThat(health.getStatus()).as("a Withings outage does not take the application out").isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("withings", "DOWN")
			.containsEntry("withingsError", "ResourceAccessException")
			.containsKey("withingsCheckedAt")
			.containsEntry("store", "UP");
	}

	@Test
	void healthWhenStrictAndWithingsIsStoppedThenDownNamingWithings() {
		WithingsHealthIndicator indicator = indicator();
		indicator.setStrict(true);
		this.simulator.stop();

		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("withings", "DOWN")
			.containsEntry("withingsError", "ResourceAccessException")
			.containsEntry("store", "UP");
	}

	@Test
	void healthWhenWithingsAnswers5xxThenDownInTheDetailsAndUpAgainOnceTheCacheTimePassed() {
		WithingsHealthIndicator indicator = indicator();
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(502));

		Health down = indicator.health();
		this.fixture.clock.advance(Duration.ofMinutes(1));
		Health up = indicator.health();

		assertThat(down.getStatus()).isEqualTo(Status.UP);
		assertThat(down.getDetails()).containsEntry("withings", "DOWN").containsEntry("withingsError", "HTTP 502");
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("withings", "UP").doesNotContainKey("withingsError");
	}

	@Test
	void healthWhenStrictAndWithingsAnswersSomethingElseThanAnEnvelopeThenDown() {
		WithingsHealthIndicator indicator = indicator();
		indicator.setStrict(true);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.nonJson());

		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("withings", "DOWN");
	}

	@Test
	void healthWhenTheDatabaseIsDownThenDownNamingTheStore() {
		SimpleDriverDataSource unreachable = new SimpleDriverDataSource(new Driver(),
				"jdbc:h2:tcp://127.0.0.1:1/nowhere");
		JdbcWithingsAuthorizedClientService store = new JdbcWithingsAuthorizedClientService(unreachable,
				this.fixture.registrations);
		WithingsHealthIndicator indicator = new WithingsHealthIndicator(RestClient.create(), this.fixture.registrations,
				List.of("withings"), store);
		indicator.setExecutor(Runnable::run);

		Health health = indicator.health();

		assertThat(health.getStatus()).as("the application's own store").isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("withings", "UP")
			.containsEntry("store", "DOWN")
			.containsEntry("storeError", "CannotGetJdbcConnectionException");
	}

	@Test
	void healthWhenAUsersLinkIsDeadThenStillUp() {
		this.fixture.link("alice", "36000001");
		this.fixture.link("bob", "36000002");
		assertThat(this.simulator.revokeUser("36000001")).isTrue();

		Health health = indicator().health();

		assertThat(health.getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void healthWhenARateBudgetThenABackgroundPermitAndWhenNoneIsFreeWithingsIsNotAsked() {
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.fixture.clock);
		WithingsHealthIndicator indicator = indicator();
		indicator.setRateBudget(budget);
		indicator.setCache(Duration.ZERO);

		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isOne();
		while (budget.tryTake() == 0) {
			// the application's own calls take every free permit
		}
		this.simulator.stop();
		Health busy = indicator.health();

		assertThat(busy.getStatus()).as("the last answer stands").isEqualTo(Status.UP);
		assertThat(busy.getDetails()).containsEntry("withings", "UP");
	}

	@Test
	void healthWhenNoPermitBeforeTheFirstAnswerThenWithingsUnknownAndTheStoreDecides() {
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.fixture.clock);
		while (budget.tryTake() == 0) {
			// every free permit taken
		}
		WithingsHealthIndicator indicator = indicator();
		indicator.setRateBudget(budget);

		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("withings", "UNKNOWN").containsEntry("store", "UP");
		assertThat(this.simulator.counters().actionlessRequests()).isZero();
	}

	/**
	 * Withings was DOWN, then no background permit is ever free: the DOWN stands for the maximum
	 * age, then reads UNKNOWN (the last status kept apart), never served forever, and it never
	 * made the contributor DOWN.
	 */
	@Test
	void healthWhenNoPermitIsFreeForLongerThanTheMaximumAgeThenTheLastDownReadsUnknown() {
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, this.fixture.clock);
		WithingsHealthIndicator indicator = indicator();
		indicator.setRateBudget(budget);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(503));
		assertThat(indicator.health().getDetails()).containsEntry("withings", "DOWN");

		this.fixture.clock.advance(Duration.ofMinutes(4));
		takeEveryFreePermit(budget);
		Health stillDown = indicator.health();
		this.fixture.clock.advance(Duration.ofMinutes(2));
		takeEveryFreePermit(budget);
		Health stale = indicator.health();

		assertThat(stillDown.getDetails()).containsEntry("withings", "DOWN");
		assertThat(stale.getStatus()).isEqualTo(Status.UP);
		assertThat(stale.getDetails()).containsEntry("withings", "UNKNOWN")
			.containsEntry("withingsLastStatus", "DOWN")
			.containsKey("withingsCheckedAt");
		assertThat(this.simulator.wireMock()
			.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v2/oauth2")))).as("no permit: Withings not asked again")
			.hasSize(1);
	}

	private static void takeEveryFreePermit(WithingsRateBudget budget) {
		while (budget.tryTake() == 0) {
			// the application's own calls take every free permit
		}
	}

	/**
	 * Withings answers slowly (the probe's answer held): five concurrent health() calls each
	 * return the cached answer while the probe still waits, and only one probe is made.
	 */
	@Test
	void healthWhenTheProbeIsHeldThenConcurrentCallsReturnTheCachedAnswerWithoutWaiting() throws Exception {
		WithingsHealthIndicator indicator = backgroundIndicator();
		assertThat(indicator.health().getDetails()).as("the first call does not wait either")
			.containsEntry("withings", "UNKNOWN");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(indicator.health().getDetails().get("withings")));
		CountDownLatch processed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(processed, release));
		this.fixture.clock.advance(Duration.ofMinutes(2));
		indicator.health();
		assertThat(processed.await(30, TimeUnit.SECONDS)).as("the probe reached Withings").isTrue();
		ExecutorService callers = Executors.newFixedThreadPool(5);
		try {
			List<CompletableFuture<Health>> calls = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				calls.add(CompletableFuture.supplyAsync(indicator::health, callers));
			}
			for (CompletableFuture<Health> call : calls) {
				// the held probe is only released below: a call that waited on it would not end here
				Health health = call.get(30, TimeUnit.SECONDS);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("withings", "UP");
			}
			assertThat(release.getCount()).as("still held").isOne();
			assertThat(indicator.getReachability().isProbing()).isTrue();
			assertThat(this.simulator.counters().actionlessRequests()).as("one probe at a time").isEqualTo(2);
		}
		finally {
			release.countDown();
			callers.shutdown();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> !indicator.getReachability().isProbing());
		assertThat(this.simulator.counters().actionlessRequests()).isEqualTo(2);
	}

	/** Slow Withings and a first probe still running: concurrent calls get UNKNOWN at once. */
	@Test
	void healthWhenTheFirstProbeIsHeldThenConcurrentCallsReturnUnknownAtOnce() throws Exception {
		CountDownLatch processed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(processed, release));
		WithingsHealthIndicator indicator = backgroundIndicator();
		indicator.setStrict(true);
		ExecutorService callers = Executors.newFixedThreadPool(5);
		try {
			indicator.health();
			assertThat(processed.await(30, TimeUnit.SECONDS)).isTrue();
			List<CompletableFuture<Health>> calls = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				calls.add(CompletableFuture.supplyAsync(indicator::health, callers));
			}
			for (CompletableFuture<Health> call : calls) {
				Health health = call.get(30, TimeUnit.SECONDS);
				assertThat(health.getStatus()).as("UNKNOWN is never DOWN, even strict").isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("withings", "UNKNOWN")
					.containsEntry("withingsError", "being checked");
			}
			assertThat(release.getCount()).isOne();
		}
		finally {
			release.countDown();
			callers.shutdown();
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(indicator.health().getDetails().get("withings")));
		assertThat(this.simulator.counters().actionlessRequests()).isOne();
	}

	@Test
	void healthWhenUsersAreLinkedThenNoTokenSecretOrUserInTheDetails() {
		this.fixture.link("alice", "36000001");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(500));

		String details = indicator().health().getDetails().toString();

		String accessToken = this.fixture.stored("alice").getAccessToken().getTokenValue();
		String refreshToken = this.fixture.stored("alice").getRefreshToken().getTokenValue();
		assertThat(details).doesNotContain(accessToken, refreshToken, "36000001", "alice",
				this.fixture.registrations.findByRegistrationId("withings").getClientSecret());
	}

}
