package io.github.springwithings.actuate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.TestDatabases;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.h2.Driver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsHealthIndicator} against the simulator over HTTP and a real store: UP when both
 * answer, DOWN naming which does not, never because of one user's dead link; Withings' answer
 * kept for the cache time and asked with a background permit free now.
 */
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

	private WithingsHealthIndicator indicator() {
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
	void healthWhenWithingsIsStoppedThenDownNamingWithings() {
		WithingsHealthIndicator indicator = indicator();
		this.simulator.stop();

		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("withings", "DOWN")
			.containsEntry("withingsError", "ResourceAccessException")
			.containsEntry("store", "UP");
	}

	@Test
	void healthWhenWithingsAnswers5xxThenDownAndUpAgainOnceTheCacheTimePassed() {
		WithingsHealthIndicator indicator = indicator();
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(502));

		Health down = indicator.health();
		this.fixture.clock.advance(Duration.ofMinutes(1));
		Health up = indicator.health();

		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("withings", "DOWN").containsEntry("withingsError", "HTTP 502");
		assertThat(up.getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void healthWhenWithingsAnswersSomethingElseThanAnEnvelopeThenDown() {
		WithingsHealthIndicator indicator = indicator();
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

		Health health = indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
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
