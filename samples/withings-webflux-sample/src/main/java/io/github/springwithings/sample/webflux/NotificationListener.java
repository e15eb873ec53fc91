package io.github.springwithings.sample.webflux;

import java.util.Set;

import io.github.springwithings.autoconfigure.WithingsSyncProperties;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.sync.WithingsDataKind;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Withings notified new data: the sample remembers the notification, with what follows, and
 * tells the user's open dashboards. It fetches nothing: the starter's data sync, listening to the
 * same event, fetches what changed and publishes it ({@link SyncedWeights} stores the weights).
 * Never blocks (the event may come on an event loop).
 */
@Component
class NotificationListener {

	private final LatestNotifications latest;

	private final DashboardUpdates updates;

	private final Set<WithingsDataKind> synced;

	NotificationListener(LatestNotifications latest, DashboardUpdates updates,
			ObjectProvider<WithingsSyncProperties> sync) {
		this.latest = latest;
		this.updates = updates;
		// the kinds the sync fetches (withings.sync.kinds), none when it is off
		WithingsSyncProperties properties = sync.getIfAvailable();
		this.synced = (properties != null) ? Set.copyOf(properties.getKinds()) : Set.of();
	}

	@EventListener
	@Order(Ordered.LOWEST_PRECEDENCE)
	void onNotification(WithingsNotificationEvent event) {
		ReceivedNotification received = this.latest.add(event.principalName(), event.appli(), event.appliCode(),
				then(event));
		this.updates.push(event.principalName(), DashboardUpdates.NOTIFICATION,
				received.category() + ": " + received.then());
	}

	/** What follows a notification, in words. */
	private String then(WithingsNotificationEvent event) {
		if (event.action() != null) {
			return "nothing to fetch (action " + event.action() + ")";
		}
		boolean announcesSynced = this.synced.stream().anyMatch((kind) -> kind.isAnnouncedBy(event.appli()));
		return announcesSynced ? "the data sync fetches what changed"
				: "nothing to fetch (this sample syncs measures only)";
	}

}
