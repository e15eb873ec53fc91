package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.util.stream.Collectors;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.sync.WithingsDataSyncedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The sample's whole integration of Withings data: a listener of the starter's data sync. Each
 * {@link WithingsDataSyncedEvent} of measure groups (a notification announced them, or the
 * backstop found them) is stored ({@link MeasurementStore}, an upsert by Withings' group id: the
 * sync delivers at least once) and, when it changed something, the user's open dashboards are
 * told to reload. The sync publishes on its own worker thread, never an event loop, and moves its
 * cursor only after its listeners returned: so this listener waits for the database (a failure
 * here brings the same groups again later).
 */
@Component
class SyncedWeights {

	private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

	private final MeasurementStore store;

	private final DashboardUpdates updates;

	SyncedWeights(MeasurementStore store, DashboardUpdates updates) {
		this.store = store;
		this.updates = updates;
	}

	@EventListener
	@Order(Ordered.LOWEST_PRECEDENCE)
	void onSynced(WithingsDataSyncedEvent<WithingsMeasureGroup> event) {
		Long changed = this.store.store(event.principalName(), event.records()).block(STORE_TIMEOUT);
		if (changed != null && changed > 0) {
			this.updates.push(event.principalName(), DashboardUpdates.SYNCED, kilograms(event));
		}
	}

	/** {@code 72.4 kg}, one per weight. */
	private static String kilograms(WithingsDataSyncedEvent<WithingsMeasureGroup> event) {
		return event.records()
			.stream()
			.flatMap((group) -> group.measure(WithingsMeasure.WEIGHT).stream())
			.map((weight) -> WeightChart.kilograms(weight.value()) + " kg")
			.collect(Collectors.joining(", "));
	}

}
