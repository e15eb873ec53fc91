package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.ratelimit.WithingsReactiveRatePriority;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter's {@code WebClient} filter refreshes and renews without holding a thread for a
 * wait, as the application wires it: {@link WithingsReactiveAuthorizedClients} over the reactive
 * refresh client (on a token scheduler of a single thread) and the reactive store (on a store
 * scheduler of a single thread). Every caller subscribes on Reactor's parallel scheduler with
 * BlockHound installed, on Reactor Netty; Reactor's shared {@code boundedElastic} is kept busy
 * with other work while the refreshes wait, so nothing of the filter may need it.
 */
class WithingsExchangeFilterFunctionWaitsBlockHoundTests {

	private static final Instant FROM = Instant.now().minus(Duration.ofDays(400));

	private static final Instant TO = Instant.now().plus(Duration.ofDays(400));

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private Scheduler tokens;

	private Scheduler store;

	private WithingsReactiveApi api;

	private WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> refresh;

	private WithingsExchangeFilterFunction filter;

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		this.tokens = Schedulers.newBoundedElastic(1, 1000, "test-withings-token");
		this.store = Schedulers.newBoundedElastic(1, 1000, "test-withings-store");
		this.refresh = new WithingsReactiveTokenResponseClientAdapter<>(this.fixture.refreshClient,
				new WebClientReactiveRefreshTokenTokenResponseClient(), this.fixture.withingsRegistrations);
		this.refresh.setScheduler(this.tokens);
		WithingsReactiveAuthorizedClientService reactiveStore = new WithingsReactiveAuthorizedClientService(
				this.fixture.service);
		reactiveStore.setScheduler(this.store);
		WithingsReactiveAuthorizedClients clients = new WithingsReactiveAuthorizedClients(this.fixture.clients,
				this.refresh, reactiveStore);
		clients.setSchedulers(new WithingsReactiveSchedulers(this.tokens, this.store));
		this.filter = new WithingsExchangeFilterFunction(clients, this.fixture.service);
		this.filter.setScheduler(this.store);
		this.api = new WithingsReactiveApi(WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new ReactorClientHttpConnector())
			.filter(this.filter)
			.build());
	}

	@AfterEach
	void stop() {
		this.tokens.dispose();
		this.store.dispose();
		this.simulator.stop();
	}

	/**
	 * Four calls of one expired user while Withings holds the refresh: one token call, and the
	 * three waiting for it hold no thread: a user with a valid token is served meanwhile by the
	 * single store thread.
	 */
	@Test
	void getMeasuresWhen4CallsOfAnExpiredUserThenOneRefreshAndTheWaitersHoldNoThread() throws Exception {
		this.fixture.linkExpired("alice", "36300001");
		this.fixture.link("bob", "36300002");
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(held, release));
		List<CompletableFuture<WithingsMeasures>> alice = new ArrayList<>();
		Disposable busy = occupyBoundedElastic();
		try {
			for (int call = 0; call < 4; call++) {
				alice.add(measures("alice"));
			}
			assertThat(held.await(10, TimeUnit.SECONDS)).as("the refresh is held at Withings").isTrue();

			WithingsMeasures bob = measures("bob").get(5, TimeUnit.SECONDS);

			assertThat(bob.groups()).hasSize(60);
			assertThat(alice).noneMatch(CompletableFuture::isDone);
		}
		finally {
			release.countDown();
			busy.dispose();
		}
		for (CompletableFuture<WithingsMeasures> call : alice) {
			assertThat(call.get(10, TimeUnit.SECONDS).groups()).hasSize(60);
		}
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/**
	 * Withings answers the refresh 601 ({@code wait_seconds} 5): the call waits with a delay and
	 * holds no thread: another expired user's refresh takes the single token thread and is
	 * answered meanwhile; then the first refresh is tried once more and the call answered.
	 */
	@Test
	void getMeasuresWhenTheRefreshIsAnswered601ThenItWaitsWithoutAThreadAndAnotherUserIsRefreshedMeanwhile()
			throws Exception {
		this.fixture.linkExpired("alice", "36300001");
		this.fixture.linkExpired("bob", "36300002");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(5));
		CompletableFuture<WithingsMeasures> alice;
		Disposable busy = occupyBoundedElastic();
		try {
			alice = measures("alice");
			WithingsMeasures bob = measures("bob").get(4, TimeUnit.SECONDS);

			assertThat(bob.groups()).hasSize(60);
			assertThat(alice).as("alice's refresh waits Withings' 5 seconds").isNotDone();
		}
		finally {
			busy.dispose();
		}
		assertThat(alice.get(20, TimeUnit.SECONDS).groups()).hasSize(60);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(2);
	}

	/**
	 * Withings rejects access tokens that look valid (data API 401): each call renews once and
	 * retries, without blocking; the core's cap holds on this path too (three rotations a minute
	 * per principal), after which the call asks for consent instead of rotating again.
	 */
	@Test
	void getMeasuresWhenWithingsKeepsRejectingFreshTokensThenRenewedWithoutBlockingAtMostThreeTimesAMinute() {
		this.fixture.link("alice", "36000042");

		for (int call = 0; call < 3; call++) {
			this.simulator.expireAccessToken(this.fixture.stored("alice").getAccessToken().getTokenValue());

			assertThat(this.api.forPrincipal("alice")
				.getMeasures(FROM, TO)
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(30))
				.groups()).hasSize(60);
		}
		this.simulator.expireAccessToken(this.fixture.stored("alice").getAccessToken().getTokenValue());

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.api.forPrincipal("alice")
				.getMeasures(FROM, TO)
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(30)));
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(3);
		assertThat(this.fixture.stored("alice")).as("the link is kept").isNotNull();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/**
	 * The rate budget, as in an application (the refresh client's permit is taken ahead, so that
	 * the refresh request takes no second one): an expired user's call that a user waits for takes
	 * one interactive permit for its refresh and one for its data call; the same call from
	 * background work takes two background ones.
	 */
	@Test
	void getMeasuresWhenAnExpiredUsersCallIsInteractiveThenItsRefreshIsInteractiveTooAndTakesOnePermit() {
		this.fixture.linkExpired("alice", "36300001");
		this.fixture.linkExpired("bob", "36300002");
		WithingsRateBudget budget = WithingsRateBudget.local(600, 60, Clock.systemUTC());
		this.refresh.setRateBudget(budget, Duration.ofSeconds(30), this.store);
		this.filter.setRateBudget(budget, Duration.ofSeconds(30));

		WithingsMeasures interactive = this.api.forPrincipal("alice")
			.getMeasures(FROM, TO)
			.contextWrite(WithingsReactiveRatePriority.withPriority(WithingsRatePriority.INTERACTIVE))
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30));

		assertThat(interactive.groups()).hasSize(60);
		assertThat(budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isEqualTo(2);
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isZero();

		WithingsMeasures background = this.api.forPrincipal("bob")
			.getMeasures(FROM, TO)
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30));

		assertThat(background.groups()).hasSize(60);
		assertThat(budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isEqualTo(2);
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isEqualTo(2);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(2);
	}

	/** A dead refresh token met by the filter's refresh: the link removed (compare before remove), consent asked. */
	@Test
	void getMeasuresWhenTheUserRevokedTheAppAndTheTokenExpiredThenConsentIsRequiredAndTheLinkRemoved() {
		this.fixture.linkExpired("alice", "36300001");
		assertThat(this.simulator.revokeUser("36300001")).isTrue();

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.api.forPrincipal("alice")
				.getMeasures(FROM, TO)
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(30)));
		assertThat(this.fixture.stored("alice")).isNull();
	}

	/** Keep every thread of Reactor's shared {@code boundedElastic} busy until disposed. */
	private static Disposable occupyBoundedElastic() throws InterruptedException {
		CountDownLatch started = new CountDownLatch(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE);
		CountDownLatch done = new CountDownLatch(1);
		Disposable tasks = Flux.range(0, Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE)
			.flatMap((task) -> Mono.fromRunnable(() -> {
				started.countDown();
				try {
					done.await(2, TimeUnit.MINUTES);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}).subscribeOn(Schedulers.boundedElastic()), Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE)
			.subscribe();
		assertThat(started.await(30, TimeUnit.SECONDS)).as("every boundedElastic thread is busy").isTrue();
		return () -> {
			done.countDown();
			tasks.dispose();
		};
	}

	private CompletableFuture<WithingsMeasures> measures(String principalName) {
		return this.api.forPrincipal(principalName)
			.getMeasures(FROM, TO)
			.subscribeOn(Schedulers.parallel())
			.timeout(Duration.ofSeconds(30))
			.toFuture();
	}

}
