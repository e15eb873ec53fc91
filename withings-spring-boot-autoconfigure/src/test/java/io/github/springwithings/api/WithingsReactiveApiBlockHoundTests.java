package io.github.springwithings.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsReactiveApi} over the starter's {@code WebClient} filter, on Reactor Netty, with
 * BlockHound installed and every caller on Reactor's parallel scheduler: the signed-in user from
 * the reactive security context, background users, single-flight refresh, a body-401 answered by
 * one refresh and one retry, a dead link, 601, the shared rate limit reserved without blocking,
 * and a reactive disconnect. (A JVM of its own, see the build.)
 */
class WithingsReactiveApiBlockHoundTests {

	private static final Instant FROM = Instant.now().minus(Duration.ofDays(400));

	private static final Instant TO = Instant.now().plus(Duration.ofDays(400));

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WithingsExchangeFilterFunction filter;

	private WithingsReactiveApi api;

	private final List<Duration> waits = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
		this.filter = new WithingsExchangeFilterFunction(this.fixture.clients, this.fixture.service);
		this.filter.setWaiter((wait) -> {
			this.waits.add(wait);
			return Mono.empty();
		});
		this.api = new WithingsReactiveApi(WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new ReactorClientHttpConnector())
			.filter(this.filter)
			.build());
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	private static <T> Mono<T> asSignedIn(String principalName, Mono<T> call) {
		return call.contextWrite(ReactiveSecurityContextHolder
			.withAuthentication(new TestingAuthenticationToken(principalName, null, "ROLE_USER")))
			.subscribeOn(Schedulers.parallel());
	}

	@Test
	void getMeasuresWhenSignedInThenTheUsersWeightsFromTheReactiveSecurityContext() {
		this.fixture.link("363", "363");

		WithingsMeasures measures = asSignedIn("363", this.api.getMeasures(FROM, TO, WithingsMeasure.WEIGHT))
			.block(Duration.ofSeconds(30));

		assertThat(measures.groups()).hasSize(60)
			.allSatisfy((group) -> assertThat(group.measure(WithingsMeasure.WEIGHT)).isPresent());
	}

	@Test
	void getMeasuresWhen200CallersOfAnExpiredUserThenOneNonceOneRefreshAndEveryCallSucceeds() {
		this.fixture.linkExpired("363", "363");
		int nonces = this.simulator.counters().nonceRequests();

		List<WithingsMeasures> all = Flux.range(0, 200)
			.flatMap((i) -> asSignedIn("363", this.api.getMeasures(FROM, TO, WithingsMeasure.WEIGHT)), 200)
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(all).hasSize(200);
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
		assertThat(this.simulator.counters().nonceRequests() - nonces).isOne();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@Test
	void getMeasuresWhenWithingsRefusesTheAccessTokenThenOneRefreshAndOneRetryForABackgroundUser() {
		this.fixture.link("alice", "36000007");
		this.simulator.expireAccessToken(this.fixture.stored("alice").getAccessToken().getTokenValue());

		WithingsMeasures measures = this.api.forUser("36000007")
			.getMeasures(FROM, TO, WithingsMeasure.WEIGHT)
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30));

		assertThat(measures.groups()).hasSize(60);
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isOne();
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
	}

	@Test
	void getMeasuresWhenTheUserRevokedTheAppThenConsentIsRequiredAndTheLinkRemoved() {
		this.fixture.link("363", "363");
		assertThat(this.simulator.revokeUser("363")).isTrue();

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(
				() -> asSignedIn("363", this.api.getMeasures(FROM, TO)).block(Duration.ofSeconds(30)));
		assertThat(this.fixture.stored("363")).isNull();
	}

	@Test
	void getMeasuresWhenWithingsAnswers601ThenOneWaitWithinTheBoundAndOneRetry() {
		this.fixture.link("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(3));

		WithingsMeasures measures = asSignedIn("363", this.api.getMeasures(FROM, TO)).block(Duration.ofSeconds(30));

		assertThat(measures.groups()).hasSize(60);
		assertThat(this.waits).containsExactly(Duration.ofSeconds(3));
	}

	@Test
	void getMeasuresWhenThePagingCannotAdvanceThenTheGroupsReceivedMarkedIncompleteWithoutBlocking() {
		this.fixture.link("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.answer("{\"status\":0,\"body\":{"
				+ "\"updatetime\":1764921600,\"timezone\":\"Europe/Berlin\",\"more\":1,\"offset\":0,\"measuregrps\":["
				+ "{\"grpid\":11,\"date\":1764900000,\"category\":1,\"measures\":[{\"value\":70,\"type\":1,\"unit\":0}]},"
				+ "{\"grpid\":12,\"date\":1764800000,\"category\":1,\"measures\":[{\"value\":71,\"type\":1,\"unit\":0}]}]}}"));

		WithingsMeasures measures = asSignedIn("363", this.api.getMeasures(FROM, TO)).block(Duration.ofSeconds(30));

		assertThat(measures.groups()).map(WithingsMeasureGroup::id).containsExactly(11L, 12L);
		assertThat(measures.isComplete()).isFalse();
	}

	@Test
	void getMeasuresWhenTheSharedRateLimitHasNoPermitThenRefusedWithoutCallingWithings() {
		this.fixture.link("363", "363");
		int dataRequests = this.simulator.counters().dataRequests();
		// one permit a minute on a clock that does not move, taken already
		WithingsRateBudget budget = WithingsRateBudget.local(2, 1,
				Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));
		budget.tryTake();
		this.filter.setRateBudget(budget, Duration.ofSeconds(30));

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> asSignedIn("363", this.api.getMeasures(FROM, TO)).block(Duration.ofSeconds(30)));
		assertThat(this.simulator.counters().dataRequests()).isEqualTo(dataRequests);
	}

	@Test
	void getMeasuresWhenThePermitComesLaterThenItIsWaitedForWithATimer() {
		this.fixture.link("363", "363");
		// 20 a minute: a burst of 2, then one permit every 3.3 s; the burst is taken
		WithingsRateBudget budget = WithingsRateBudget.local(20, 2, Clock.systemUTC());
		budget.tryTake();
		budget.tryTake();
		this.filter.setRateBudget(budget, Duration.ofSeconds(30));

		long started = System.nanoTime();
		WithingsMeasures measures = asSignedIn("363", this.api.getMeasures(FROM, TO)).block(Duration.ofSeconds(30));

		assertThat(measures.groups()).hasSize(60);
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isEqualTo(3);
		// waited with timers on a parallel thread (BlockHound), never shorter than the refill
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void getMeasuresWhenForAWebExchangeThenItsPermitIsInteractiveElseBackground() {
		this.fixture.link("363", "363");
		WithingsRateBudget budget = WithingsRateBudget.local(120, 6, Clock.systemUTC());
		this.filter.setRateBudget(budget, Duration.ofSeconds(30));

		asSignedIn("363", this.api.getMeasures(FROM, TO))
			.contextWrite(Context.of(ServerWebExchange.class,
					MockServerWebExchange
						.from(MockServerHttpRequest.get("/dashboard"))))
			.block(Duration.ofSeconds(30));
		this.api.forUser("363").getMeasures(FROM, TO).block(Duration.ofSeconds(30));

		assertThat(budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isOne();
		assertThat(budget.count(WithingsRateBudget.Outcome.BACKGROUND)).isOne();
	}

	@Test
	void disconnectWhenLinkedThenRevokedAtWithingsAndRemovedWithoutBlockingTheCaller() {
		this.fixture.link("363", "363");
		int revocations = this.simulator.counters().revocations();

		Boolean removed = new WithingsReactiveAuthorizedClients(this.fixture.clients).disconnect("363")
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30));

		assertThat(removed).isTrue();
		assertThat(this.fixture.stored("363")).isNull();
		assertThat(this.simulator.counters().revocations()).isEqualTo(revocations + 1);
	}

}
