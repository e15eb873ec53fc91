package io.github.springwithings.actuate.metrics;

import java.time.Duration;
import java.util.List;

import io.github.springwithings.actuate.StatisticsFixture;
import io.github.springwithings.actuate.WithingsStatistics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsMetrics} in a {@link SimpleMeterRegistry}: the endpoint's counts as gauges and
 * counters, the store read once per cache time.
 */
@Tag("database")
class WithingsMetricsTests {

	private final StatisticsFixture fixture = new StatisticsFixture();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	private WithingsMetrics metrics() {
		WithingsMetrics metrics = new WithingsMetrics(this.fixture.statistics);
		metrics.setClock(this.fixture.clock);
		metrics.bindTo(this.registry);
		return metrics;
	}

	private double gauge(String name, String... tags) {
		return this.registry.get(name).tags(tags).gauge().value();
	}

	@Test
	void bindToWhenUsedThenGaugesOfTheEndpointsCounts() {
		this.fixture.populated();
		metrics();

		assertThat(gauge("withings.users.linked", "registration", "withings")).isEqualTo(7);
		assertThat(gauge("withings.users.linked", "registration", "withings-eu")).isEqualTo(1);
		assertThat(gauge("withings.refresh.tokens", "registration", "withings", "age", "335To365Days")).isEqualTo(2);
		assertThat(gauge("withings.refresh.tokens", "registration", "withings", "age", "365DaysOrMore")).isEqualTo(1);
		assertThat(gauge("withings.refreshes.in.doubt", "registration", "withings")).isEqualTo(1);
		assertThat(gauge("withings.keep.alive.last.sweep"))
			.isEqualTo(StatisticsFixture.NOW.minus(Duration.ofHours(3)).getEpochSecond());
		assertThat(gauge("withings.keep.alive.next.sweep"))
			.isEqualTo(StatisticsFixture.NOW.plus(Duration.ofHours(21)).getEpochSecond());
		assertThat(gauge("withings.rate.budget.last.hour", "outcome", "tooManyRequests")).isEqualTo(1);
		assertThat(gauge("withings.rate.budget.last.hour", "outcome", "interactive")).isEqualTo(4);
		assertThat(this.registry.get("withings.rate.budget.permits").tags("outcome", "background").functionCounter()
			.count()).isEqualTo(1);
		assertThat(gauge("withings.rate.budget.available")).isNegative();
		assertThat(this.registry.get("withings.notifications.callbacks").tags("outcome", "accepted").functionCounter()
			.count()).isEqualTo(2);
		assertThat(gauge("withings.notifications.last.callback")).isEqualTo(StatisticsFixture.NOW.getEpochSecond());
		assertThat(gauge("withings.notifications.subscriptions.pending")).isZero();
		assertThat(this.registry.get("withings.notifications.subscriptions").tags("outcome", "subscribed")
			.functionCounter()
			.count()).isZero();
	}

	@Test
	void gaugesWhenReadAgainWithinTheCacheTimeThenTheStoreIsNotAskedAgain() {
		this.fixture.populated();
		metrics();
		assertThat(gauge("withings.users.linked", "registration", "withings")).isEqualTo(7);

		this.fixture.link("withings", "ivan", "36000009", Duration.ofDays(1));
		this.fixture.clock.advance(Duration.ofSeconds(30));
		assertThat(gauge("withings.users.linked", "registration", "withings")).isEqualTo(7);

		this.fixture.clock.advance(Duration.ofSeconds(31));
		assertThat(gauge("withings.users.linked", "registration", "withings")).isEqualTo(8);
	}

	@Test
	void gaugesWhenTheStoreIsDownThenNaNAndTheRestStillRead() {
		this.fixture.populated();
		metrics();
		this.fixture.dataSource.close();

		assertThat(gauge("withings.users.linked", "registration", "withings")).isNaN();
		assertThat(gauge("withings.keep.alive.last.sweep")).isNaN();
		assertThat(gauge("withings.rate.budget.last.hour", "outcome", "tooManyRequests")).isEqualTo(1);
	}

	@Test
	void bindToWhenOnlyTheStoreThenOnlyTheStoresMeters() {
		WithingsStatistics statistics = new WithingsStatistics(this.fixture.store, List.of("withings"));
		new WithingsMetrics(statistics).bindTo(this.registry);

		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.containsOnly("withings.users.linked", "withings.refresh.tokens", "withings.refreshes.in.doubt");
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getTag("registration"))
			.containsOnly("withings");
	}

}
