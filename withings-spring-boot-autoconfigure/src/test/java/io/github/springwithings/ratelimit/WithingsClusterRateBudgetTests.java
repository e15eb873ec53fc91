package io.github.springwithings.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.JdbcWithingsRateBudgetStore;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.support.Sleeper;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Three instances of an application, each with the starter's API client and a budget of its own
 * over one database, against a simulator that enforces Withings' 120 requests a minute for the
 * whole application, on the simulator's clock (waits move it): more demand than the budget never
 * gets a 601 and uses the budget; one instance's 601 holds the others; calls that reserved their
 * permits before a 601 are not sent into its pause.
 */
@Tag("database")
class WithingsClusterRateBudgetTests {

	private static final String USER = "36000077";

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private HikariDataSource dataSource;

	private final List<WithingsRateBudget> budgets = new ArrayList<>();

	private final List<WithingsApi> instances = new ArrayList<>();

	private final List<WithingsRestClientConfigurer> configurers = new ArrayList<>();

	/** How the instances wait: by moving the simulator's clock, unless a test says otherwise. */
	private Sleeper sleeper;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.fixture.link("alice", USER);
		this.dataSource = TestDatabases.dataSource("cluster-budget", 8);
		this.sleeper = this.simulator.clock()::advance;
		for (int i = 0; i < 3; i++) {
			WithingsRateBudget budget = WithingsRateBudget.shared(
					new JdbcWithingsRateBudgetStore(this.dataSource, this.simulator.clock()), 120, 6,
					this.simulator.clock());
			budget.setSleeper((duration) -> this.sleeper.sleep(duration));
			WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(this.fixture.clients,
					this.fixture.service);
			configurer.setRateBudget(budget);
			configurer.setSleeper((duration) -> this.sleeper.sleep(duration));
			this.budgets.add(budget);
			this.configurers.add(configurer);
			this.instances.add(new WithingsApi(RestClient.builder()
				.baseUrl(this.simulator.baseUrl())
				.apply(configurer)
				.requestInterceptor(new WithingsRateLimitInterceptor(budget, Duration.ofMinutes(2)))
				.build()).forUser(USER));
		}
		this.simulator.setRateLimit(120, Duration.ofMinutes(1));
	}

	@AfterEach
	void stop() {
		this.dataSource.close();
		this.simulator.stop();
	}

	@Test
	void callsWhenThreeInstancesWantMoreThanTheBudgetThenNo601AndTheBudgetUsed() {
		Instant started = this.simulator.clock().instant();

		for (int i = 0; i < 400; i++) {
			this.instances.get(i % 3).call("/measure", "getmeas", Map.of(), Map.class);
		}

		Duration took = Duration.between(started, this.simulator.clock().instant());
		assertThat(this.simulator.counters().tooManyRequests()).isZero();
		assertThat(this.simulator.counters().dataRequests()).isEqualTo(400);
		// the burst, then 114 a minute: (400 - 6) / 114 minutes, and a little real time
		assertThat(took).isBetween(Duration.ofNanos(Duration.ofMinutes(1).toNanos() * 393 / 114),
				Duration.ofNanos(Duration.ofMinutes(1).toNanos() * 395 / 114).plusSeconds(2));
		assertThat(400 * 60_000.0 / took.toMillis()).as("requests a minute").isGreaterThan(108);
	}

	@Test
	void callWhenOneInstanceGets601ThenEveryInstanceWaitsAndWithingsIsNotAskedAgainMeanwhile() {
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.rateLimited(40));
		Instant started = this.simulator.clock().instant();

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> this.instances.get(0).call("/measure", "getmeas", Map.of(), Map.class))
			.satisfies((ex) -> assertThat(ex.getWait()).isEqualTo(Duration.ofSeconds(40)));
		int requests = this.simulator.counters().dataRequests();

		this.instances.get(1).call("/measure", "getmeas", Map.of(), Map.class);

		assertThat(Duration.between(started, this.simulator.clock().instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(40));
		assertThat(this.simulator.counters().dataRequests()).isEqualTo(requests + 1);
		assertThat(this.budgets.get(1).count(WithingsRateBudget.Outcome.PAUSED)).as("paused by another instance").isZero();
		assertThat(this.budgets.get(0).count(WithingsRateBudget.Outcome.PAUSED)).isOne();
	}

	@Test
	void callsWhenTenInteractiveCallsOfThreeInstancesGoPastWithingsLimitThenOne601OnePauseAndNothingSentIntoIt()
			throws Exception {
		// Withings allows 5 a minute: the budget's burst of 6 goes past it
		this.simulator.setRateLimit(5, Duration.ofMinutes(1));
		VirtualTime time = new VirtualTime(this.simulator.clock());
		this.sleeper = time;
		this.configurers.forEach((configurer) -> configurer.setMaxRateLimitWait(Duration.ofMinutes(2)));
		Instant started = this.simulator.clock().instant();
		List<Instant> sent = new CopyOnWriteArrayList<>();
		List<Instant> tooManyRequests = new CopyOnWriteArrayList<>();
		this.simulator.wireMock().addMockServiceRequestListener((request, response) -> {
			if (request.getUrl().startsWith("/measure")) {
				sent.add(this.simulator.clock().instant());
				if (response.getBodyAsString().contains("\"status\":601")) {
					tooManyRequests.add(this.simulator.clock().instant());
				}
			}
		});
		List<Callable<Map<?, ?>>> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			WithingsApi instance = this.instances.get(i % 3);
			calls.add(() -> WithingsRatePriority.INTERACTIVE
				.callAs(() -> instance.call("/measure", "getmeas", Map.of(), Map.class)));
		}

		List<Future<Map<?, ?>>> done = time.run(calls);

		for (Future<Map<?, ?>> call : done) {
			assertThat(call.get().containsKey("measuregrps")).as("every call answered in the end").isTrue();
		}
		assertThat(tooManyRequests).as("one 601: the calls reserved before it did not fire into the pause").hasSize(1);
		// wait_seconds: 60 s from the first request, less the little real time the burst took
		Instant paused = tooManyRequests.get(0);
		assertThat(paused).isBefore(started.plusSeconds(1));
		Instant pauseEnd = paused.plusSeconds(60);
		// the burst's 6 were on their way together (the 601 among them); the next permits came 0.5 s later
		assertThat(sent).hasSize(11);
		assertThat(sent.stream().filter(paused.plusSeconds(1)::isAfter)).as("the burst").hasSize(6);
		assertThat(sent).as("nothing sent to Withings during the pause")
			.noneMatch((instant) -> instant.isAfter(paused.plusSeconds(1)) && instant.isBefore(paused.plusSeconds(59)));
		// the budget resumes at the end of the one wait: the other 5 at 114 a minute after it
		assertThat(sent.stream().max(Instant::compareTo).orElseThrow())
			.isBefore(pauseEnd.plus(WithingsRateBudgetTests.INTERVAL.multipliedBy(6)));
		assertThat(this.budgets.stream().mapToLong((budget) -> budget.count(WithingsRateBudget.Outcome.TOO_MANY_REQUESTS)))
			.as("one answer, one signal").containsExactlyInAnyOrder(0L, 0L, 1L);
		assertThat(this.budgets.stream().mapToLong((budget) -> budget.count(WithingsRateBudget.Outcome.PAUSED)).sum())
			.isOne();
		assertThat(this.simulator.counters().tooManyRequests()).isOne();
	}

	@Test
	void reserveWhenAnotherInstanceSaturatesWithBackgroundWorkThenAnInteractiveCallWaitsOnePermitAtMost() {
		WithingsRateBudget background = this.budgets.get(0);
		while (background.tryTake() == 0) {
			// the background work of instance 0 takes every free permit
		}

		long wait = this.budgets.get(2).reserve(Duration.ofSeconds(30));

		assertThat(Duration.ofNanos(wait)).isLessThanOrEqualTo(WithingsRateBudgetTests.INTERVAL.plusMillis(5));
		this.simulator.clock().advance(Duration.ofNanos(wait));
		assertThat(background.tryTake()).as("background waits behind it").isPositive();
	}

}
