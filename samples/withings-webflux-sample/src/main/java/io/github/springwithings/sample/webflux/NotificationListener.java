package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Withings notified new data: for a weight, fetches exactly the new measures (the
 * notification's dates) through {@link WithingsReactiveApi}, then remembers the notification with
 * what was fetched and tells the user's open dashboards. The listener only starts the fetch and
 * returns; what follows runs on the thread the answer arrives on (the starter's WebClient
 * answers on the JDK HttpClient's threads, another connector on an event loop), so it never
 * blocks. A failed fetch is logged on boundedElastic (logging writes to the console): the
 * dashboard reads Withings again on its next load.
 */
@Component
class NotificationListener {

	private static final Log logger = LogFactory.getLog(NotificationListener.class);

	private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

	private final WithingsReactiveApi withingsApi;

	private final LatestNotifications latest;

	private final DashboardUpdates updates;

	NotificationListener(WithingsReactiveApi withingsApi, LatestNotifications latest, DashboardUpdates updates) {
		this.withingsApi = withingsApi;
		this.latest = latest;
		this.updates = updates;
	}

	@EventListener
	void onNotification(WithingsNotificationEvent event) {
		fetch(event).timeout(FETCH_TIMEOUT)
			.onErrorResume((ex) -> Mono.fromSupplier(() -> failed(event, ex)).subscribeOn(Schedulers.boundedElastic()))
			.subscribe((fetched) -> this.updates.push(event.principalName(),
					this.latest.add(event.principalName(), event.appli(), event.appliCode(), fetched)));
	}

	private Mono<String> fetch(WithingsNotificationEvent event) {
		if (event.appli() != WithingsAppli.WEIGHT) {
			return Mono.just(describe(event));
		}
		if (event.startDate() == null || event.endDate() == null) {
			return Mono.just("nothing (no dates in the notification)");
		}
		return this.withingsApi.forUser(event.userId())
			.getMeasures(event.startDate(), event.endDate(), WithingsMeasure.WEIGHT)
			.map((measures) -> kilograms(measures.groups()));
	}

	private static String failed(WithingsNotificationEvent event, Throwable ex) {
		logger.warn("Fetching the weights notified for '" + event.principalName() + "' failed (" + ex.getMessage()
				+ "); the dashboard reads them on its next load");
		return "nothing yet (Withings did not answer; reload the page later)";
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
