package io.github.springwithings.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.JdbcWithingsRateBudgetStore;
import io.github.springwithings.oauth2.client.TestDatabases;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Three instances of an application, each with the starter's API client and a budget of its own
 * over one database, against a simulator that enforces Withings' 120 requests a minute for the
 * whole application, on the simulator's clock (waits move it): more demand than the budget never
 * gets a 601 and uses the budget; one instance's 601 holds the others.
 */
class WithingsClusterRateBudgetTests {

	private static final String USER = "36000077";

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private HikariDataSource dataSource;

	private final List<WithingsRateBudget> budgets = new ArrayList<>();

	private final List<WithingsApi> instances = new ArrayList<>();

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.fixture.link("alice", USER);
		this.dataSource = TestDatabases.dataSource("cluster-budget", 8);
		for (int i = 0; i < 3; i++) {
			WithingsRateBudget budget = WithingsRateBudget.shared(
					new JdbcWithingsRateBudgetStore(this.dataSource, this.simulator.clock()), 120, 6,
					this.simulator.clock());
			budget.setSleeper(this.simulator.clock()::advance);
			WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(this.fixture.clients,
					this.fixture.service);
			configurer.setRateBudget(budget);
			configurer.setSleeper(this.simulator.clock()::advance);
			this.budgets.add(budget);
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
