package io.github.springwithings.sample.servlet;

import java.util.List;
import java.util.stream.Collectors;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Withings notified new data: for a weight, fetches exactly the new measures (the
 * notification's dates) and stores them as the background sync does; then remembers the
 * notification and tells the user's open dashboards. Runs on the starter's task-executor thread,
 * after Withings got its answer, so the calls here may take their time. A failed fetch is
 * logged: the background sync brings the weights later.
 */
@Component
class NotificationListener {

	private static final Log logger = LogFactory.getLog(NotificationListener.class);

	private final WithingsApi withingsApi;

	private final MeasurementStore store;

	private final LatestNotifications latest;

	private final DashboardUpdates updates;

	NotificationListener(WithingsApi withingsApi, MeasurementStore store, LatestNotifications latest,
			DashboardUpdates updates) {
		this.withingsApi = withingsApi;
		this.store = store;
		this.latest = latest;
		this.updates = updates;
	}

	@EventListener
	void onNotification(WithingsNotificationEvent event) {
		String fetched = (event.appli() == WithingsAppli.WEIGHT) ? fetchWeights(event) : describe(event);
		ReceivedNotification received = this.latest.add(event.principalName(), event.appli(), event.appliCode(),
				fetched);
		this.updates.push(event.principalName(), received);
	}

	private String fetchWeights(WithingsNotificationEvent event) {
		if (event.startDate() == null || event.endDate() == null) {
			return "nothing (no dates in the notification)";
		}
		try {
			List<WithingsMeasureGroup> groups = this.withingsApi.forUser(event.userId())
				.getMeasures(event.startDate(), event.endDate(), WithingsMeasure.WEIGHT)
				.groups();
			this.store.store(event.principalName(), groups);
			return kilograms(groups);
		}
		catch (RuntimeException ex) {
			logger.warn("Fetching the weights notified for '" + event.principalName() + "' failed ("
					+ ex.getMessage() + "); the background sync brings them later");
			return "nothing yet (Withings did not answer; the background sync will bring it)";
		}
	}

	/** {@code 72.4 kg}, one per group (a notification usually brings one). */
	static String kilograms(List<WithingsMeasureGroup> groups) {
		String kilograms = groups.stream()
			.flatMap((group) -> group.measure(WithingsMeasure.WEIGHT).stream())
			.map((weight) -> WeightChart.kilograms(weight.value()) + " kg")
			.collect(Collectors.joining(", "));
		return kilograms.isEmpty() ? "no weight in that period" : kilograms;
	}

	private static String describe(WithingsNotificationEvent event) {
		if (event.action() != null) {
			return "nothing (action " + event.action() + ")";
		}
		return "nothing (this sample fetches weights only)";
	}

}
