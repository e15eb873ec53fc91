package io.github.springwithings.sample.servlet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsSyncCursor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The one place the dashboard's weights come from (the chart, the table, the headline and
 * "Step on the scale" all read them here): the signed-in user's last 30 days as the starter's
 * data sync stored them ({@link SyncedWeights}, {@link MeasurementStore}). A page load never
 * calls Withings. Right after sign-in, before the sync's first fetch of the user succeeded, there
 * is nothing stored yet: {@link #syncState} says so, the page says "syncing", and reloads by
 * itself when the weights are stored.
 */
@Component
class DashboardWeights {

	static final Duration PERIOD = Duration.ofDays(30);

	private final MeasurementStore store;

	private final ObjectProvider<WithingsDataSync> sync;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardWeights(MeasurementStore store, ObjectProvider<WithingsDataSync> sync,
			ObjectProvider<WithingsSimulator> simulator) {
		this.store = store;
		this.sync = sync;
		this.simulator = simulator;
	}

	/**
	 * The user's stored weights of the period ending now.
	 * @param principalName the user
	 * @param now its end, {@link #now()}
	 * @return the weights, oldest first
	 */
	List<WeightChart.Weight> lastMonth(String principalName, Instant now) {
		return this.store.weights(principalName, now.minus(PERIOD), now);
	}

	/**
	 * Where the sync of the user's weights stands.
	 * @param registrationId the user's Withings registration
	 * @param userId the user's Withings id
	 * @param now the sync's now, {@link #now()}
	 * @return the state
	 */
	SyncState syncState(String registrationId, String userId, Instant now) {
		WithingsDataSync sync = this.sync.getIfAvailable();
		if (sync == null || userId == null) {
			return SyncState.off(now);
		}
		WithingsSyncCursor measures = sync.getStore()
			.findByUser(registrationId, userId)
			.stream()
			.filter((cursor) -> cursor.kind() == WithingsDataKind.MEASURES)
			.findFirst()
			.orElse(null);
		return SyncState.of(measures, now);
	}

	/**
	 * Now, on Withings' clock: the embedded simulator's, which "Fast-forward" moves and its new
	 * weighings are dated by (and the sync's, see {@link WithingsServletSampleApplication}).
	 * @return now
	 */
	Instant now() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		return (embedded != null) ? embedded.clock().instant() : Instant.now();
	}

	/**
	 * Fetches what the sync has due now, at once, instead of at its worker's next look (within
	 * {@code withings.sync.poll-interval}): for the simulator's "Fast-forward", after which the
	 * backstop is due.
	 */
	void fetchDueNow() {
		WithingsDataSync sync = this.sync.getIfAvailable();
		if (sync != null) {
			sync.runAllDue();
		}
	}

}
