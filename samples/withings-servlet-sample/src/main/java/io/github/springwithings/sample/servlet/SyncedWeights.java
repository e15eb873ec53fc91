package io.github.springwithings.sample.servlet;

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
 * told to reload. Runs on the sync's worker thread; the sync moves its cursor only after this
 * returned, so a failure here (the database down) brings the same groups again later.
 */
@Component
class SyncedWeights {

	private final MeasurementStore store;

	private final DashboardUpdates updates;

	SyncedWeights(MeasurementStore store, DashboardUpdates updates) {
		this.store = store;
		this.updates = updates;
	}

	@EventListener
	@Order(Ordered.LOWEST_PRECEDENCE)
	void onSynced(WithingsDataSyncedEvent<WithingsMeasureGroup> event) {
		if (this.store.store(event.principalName(), event.records()) > 0) {
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
