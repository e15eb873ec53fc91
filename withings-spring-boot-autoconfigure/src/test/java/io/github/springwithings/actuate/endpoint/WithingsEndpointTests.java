package io.github.springwithings.actuate.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.springwithings.actuate.StatisticsFixture;
import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.WithingsStatistics;
import io.github.springwithings.actuate.metrics.WithingsMetrics;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsEndpoint} on a JDBC store (H2) with users of various refresh-token ages and a
 * refresh in doubt, and the starter's other parts used: counts and times only.
 */
@Tag("database")
class WithingsEndpointTests {

	private final StatisticsFixture fixture = new StatisticsFixture();

	private final JsonMapper json = JsonMapper.builder().build();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void withingsWhenUsersOfVariousAgesThenCountsPerRegistrationAgeAndInDoubt() {
		WithingsEndpoint.WithingsDescriptor descriptor = new WithingsEndpoint(this.fixture.populated().statistics)
			.withings();

		WithingsStatistics.Registration withings = descriptor.registrations().get("withings");
		assertThat(withings.linkedUsers()).isEqualTo(7);
		assertThat(withings.refreshTokenAge()).containsExactly(Map.entry("lessThan30Days", 2L),
				Map.entry("30To180Days", 1L), Map.entry("180To335Days", 1L),
				Map.entry("335To365Days", 2L), Map.entry("365DaysOrMore", 1L),
				Map.entry("unknown", 0L));
		assertThat(withings.closeToLimit()).isEqualTo(2);
		assertThat(withings.refreshesInDoubt()).isOne();
		assertThat(descriptor.registrations().get("withings-eu").linkedUsers()).isOne();
		assertThat(descriptor.registrations().get("withings-eu").closeToLimit()).isOne();
	}

	@Test
	void withingsWhenSweptUsedAndNotifiedThenSweepsBudgetAndNotifications() {
		WithingsEndpoint.WithingsDescriptor descriptor = new WithingsEndpoint(this.fixture.populated().statistics)
			.withings();

		assertThat(descriptor.keepAlive().lastSweep()).isEqualTo(StatisticsFixture.NOW.minus(Duration.ofHours(3)));
		assertThat(descriptor.keepAlive().nextSweep()).isEqualTo(StatisticsFixture.NOW.plus(Duration.ofHours(21)));
		assertThat(descriptor.keepAlive().interval()).isEqualTo(Duration.ofHours(24));
		WithingsStatistics.RateBudget budget = descriptor.rateBudget();
		assertThat(budget.requestsPerMinute()).isEqualTo(120);
		assertThat(budget.shared()).isFalse();
		assertThat(budget.tooManyRequestsLastHour()).isOne();
		assertThat(budget.lastHour()).containsEntry("interactive", 4L)
			.containsEntry("background", 1L)
			.containsEntry("paused", 1L)
			.containsEntry("tooManyRequests", 1L);
		assertThat(budget.availablePermits()).isNegative(); // the 601's debt
		WithingsStatistics.Notifications notifications = descriptor.notifications();
		assertThat(notifications.callbacks()).containsEntry("accepted", 2L)
			.containsEntry("published", 1L)
			.containsEntry("unknownUser", 1L);
		assertThat(notifications.lastCallback()).isEqualTo(StatisticsFixture.NOW);
		assertThat(notifications.subscriptions()).containsEntry("subscribed", 0L).containsEntry("failed", 0L);
		assertThat(notifications.pendingSubscriptions()).isZero();
	}

	@Test
	void withingsWhenAnHourPassedThenTheLastHourIsEmptyAndTheAgesMoved() {
		this.fixture.populated();
		this.fixture.clock.advance(Duration.ofDays(21));

		WithingsEndpoint.WithingsDescriptor descriptor = new WithingsEndpoint(this.fixture.statistics).withings();

		assertThat(descriptor.rateBudget().tooManyRequestsLastHour()).isZero();
		assertThat(descriptor.rateBudget().sinceStart()).containsEntry("tooManyRequests", 1L);
		// erin (350 days) is past the year now, grace (10 days) is past 30 days
		assertThat(descriptor.registrations().get("withings").refreshTokenAge()).containsEntry("lessThan30Days", 1L)
			.containsEntry("30To180Days", 2L)
			.containsEntry("365DaysOrMore", 2L);
		assertThat(descriptor.keepAlive().nextSweep()).as("overdue: no sweep ran since")
			.isBefore(this.fixture.clock.instant());
	}

	/**
	 * Withings' state shows in the endpoint and in the {@code withings.reachable} metric: UP, then
	 * DOWN with the error kind and when it was checked once the simulator is stopped.
	 */
	@Test
	void withingsWhenWithingsStopsThenTheEndpointAndTheMetricShowItDown() throws Exception {
		WithingsSimulator simulator = WithingsSimulator.start();
		try {
			WithingsReachability reachability = new WithingsReachability(RestClient.create(),
					new InMemoryClientRegistrationRepository(TestClientRegistrations.withings(simulator).build()),
					List.of("withings"));
			reachability.setExecutor(Runnable::run);
			reachability.setCache(Duration.ZERO);
			reachability.setClock(this.fixture.clock);
			WithingsStatistics statistics = new WithingsStatistics(this.fixture.store, List.of("withings"));
			statistics.setReachability(reachability);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new WithingsMetrics(statistics).bindTo(registry);

			JsonNode up = this.json.readTree(this.json.writeValueAsString(new WithingsEndpoint(statistics).withings()));
			double reachableUp = registry.get("withings.reachable").gauge().value();
			simulator.stop();
			JsonNode down = this.json.readTree(this.json.writeValueAsString(new WithingsEndpoint(statistics).withings()));

			assertThat(up.at("/withings/status").asString()).isEqualTo("UP");
			assertThat(reachableUp).isOne();
			assertThat(down.at("/withings/status").asString()).isEqualTo("DOWN");
			assertThat(down.at("/withings/error").asString()).isEqualTo("ResourceAccessException");
			assertThat(down.at("/withings/checkedAt").asString()).isEqualTo("2026-06-01T12:00:00Z");
			assertThat(registry.get("withings.reachable").gauge().value()).isZero();
			assertThat(registry.get("withings.reachability.probes").tag("outcome", "down").functionCounter().count())
				.isOne();
		}
		finally {
			simulator.stop();
		}
	}

	@Test
	void withingsWhenOnlyTheStoreThenTheOtherPartsAreLeftOut() throws Exception {
		WithingsStatistics statistics = new WithingsStatistics(this.fixture.store, List.of("withings"));

		JsonNode json = this.json.readTree(this.json.writeValueAsString(new WithingsEndpoint(statistics).withings()));

		assertThat(json.propertyNames()).containsExactly("registrations");
		assertThat(json.at("/registrations/withings/linkedUsers").asLong()).isZero();
	}

	@Test
	void withingsWhenSerializedThenNoTokenSecretPrincipalOrUserIdAppears() throws Exception {
		String json = this.json.writeValueAsString(new WithingsEndpoint(this.fixture.populated().statistics).withings());

		assertThat(json).contains("\"linkedUsers\":7", "\"refreshesInDoubt\":1", "\"lastCallback\":\"2026-06-01T12:00:00Z\"");
		assertThat(json).doesNotContain("token-of-", StatisticsFixture.CLIENT_SECRET, "client-id-", "s3cret-path",
				"36000", "99999999", "alice", "bob", "heidi");
	}

	@Test
	void withingsWhenTheStoreIsDownThenTheReadFails() {
		this.fixture.dataSource.close();

		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> new WithingsEndpoint(this.fixture.statistics).withings());
	}

}
