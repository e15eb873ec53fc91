package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.simulator.WithingsSimulator;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The one place the dashboard's weights come from (the chart, the table, the headline and
 * "Step on the scale" all read them here): the signed-in user's last 30 days, asked of Withings
 * through {@link WithingsReactiveApi} in the request, never blocking. A data sync feeding a table
 * would change this class only.
 */
@Component
class DashboardWeights {

	static final Duration PERIOD = Duration.ofDays(30);

	private final WithingsReactiveApi withingsApi;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardWeights(WithingsReactiveApi withingsApi, ObjectProvider<WithingsSimulator> simulator) {
		this.withingsApi = withingsApi;
		this.simulator = simulator;
	}

	/**
	 * The signed-in user's weights of the period ending now.
	 * @param now its end, {@link #now()}
	 * @return the weights, in Withings' order
	 */
	Mono<List<WeightChart.Weight>> lastMonth(Instant now) {
		return Mono.defer(() -> this.withingsApi.getMeasures(now.minus(PERIOD), now, WithingsMeasure.WEIGHT))
			.map((measures) -> measures.groups()
				.stream()
				.flatMap((group) -> group.measure(WithingsMeasure.WEIGHT)
					.map((measure) -> new WeightChart.Weight(group.date(), measure.value()))
					.stream())
				.toList());
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
