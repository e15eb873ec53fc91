package io.github.springwithings.sample.webflux;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.oauth2.client.WithingsLinkEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The latest notifications received for each user, newest first, in this instance's memory (a
 * sample's choice: they are gone on restart, the weights themselves are stored). Never blocks:
 * notifications may be added on an event loop. A user's are forgotten when their link ends
 * (disconnected or lost).
 */
@Component
class LatestNotifications {

	static final int KEPT = 10;

	private final Map<String, List<ReceivedNotification>> byPrincipal = new ConcurrentHashMap<>();

	/**
	 * Remembers a notification.
	 * @param principalName the user
	 * @param appli the category
	 * @param appliCode the category's code
	 * @param then what followed
	 * @return the notification as remembered
	 */
	ReceivedNotification add(String principalName, WithingsAppli appli, int appliCode, String then) {
		ReceivedNotification received = new ReceivedNotification(Instant.now().truncatedTo(ChronoUnit.SECONDS), appli,
				appliCode, then);
		this.byPrincipal.compute(principalName, (name, kept) -> {
			List<ReceivedNotification> newest = new ArrayList<>(KEPT);
			newest.add(received);
			if (kept != null) {
				newest.addAll(kept.subList(0, Math.min(kept.size(), KEPT - 1)));
			}
			return List.copyOf(newest);
		});
		return received;
	}

	/**
	 * A user's latest notifications.
	 * @param principalName the user
	 * @return them, newest first
	 */
	List<ReceivedNotification> of(String principalName) {
		return this.byPrincipal.getOrDefault(principalName, List.of());
	}

	@EventListener({ WithingsUserDisconnectedEvent.class, WithingsUserLostEvent.class })
	void onLinkEnded(WithingsLinkEvent event) {
		this.byPrincipal.remove(event.user().principalName());
	}

}
