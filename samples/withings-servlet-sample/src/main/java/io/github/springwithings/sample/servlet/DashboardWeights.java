package io.github.springwithings.sample.servlet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The one place the dashboard's weights come from (the chart, the table, the headline and
 * "Step on the scale" all read them here): the signed-in user's last 30 days, asked of Withings
 * through {@link WithingsApi} in the request. A data sync feeding a table would change this
 * class only.
 */
@Component
class DashboardWeights {

	static final Duration PERIOD = Duration.ofDays(30);

	private final WithingsApi withingsApi;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardWeights(WithingsApi withingsApi, ObjectProvider<WithingsSimulator> simulator) {
		this.withingsApi = withingsApi;
		this.simulator = simulator;
	}

	/**
	 * The signed-in user's weights of the period ending now.
	 * @param now its end, {@link #now()}
	 * @return the weights, in Withings' order
	 */
	List<WeightChart.Weight> lastMonth(Instant now) {
		return this.withingsApi.getMeasures(now.minus(PERIOD), now, WithingsMeasure.WEIGHT)
			.groups()
			.stream()
			.flatMap((group) -> group.measure(WithingsMeasure.WEIGHT)
				.map((measure) -> new WeightChart.Weight(group.date(), measure.value()))
				.stream())
			.toList();
	}

	/**
	 * Now, on Withings' clock: the embedded simulator's, which "Fast-forward" moves and its new
	 * weighings are dated by.
	 * @return now
	 */
	Instant now() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		return (embedded != null) ? embedded.clock().instant() : Instant.now();
	}

}
