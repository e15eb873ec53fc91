package io.github.springwithings.sample.webflux;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.github.springwithings.oauth2.client.WithingsUserRefreshedEvent;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSyncedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * What the starter did for each user, told by its own events, for the dashboard's "What the
 * starter did for you" panel and the log (one INFO line each): the link stored at sign-in
 * ({@link WithingsUserLinkedEvent}), each refresh of the user's tokens, once the rotated pair is
 * stored ({@link WithingsUserRefreshedEvent}), each notification received and acknowledged
 * ({@link WithingsNotificationEvent}), each batch of records the data sync fetched
 * ({@link WithingsDataSyncedEvent}: the kind, how many, and whether a notification announced it,
 * it was the first fetch since the user linked, or the backstop found it), a link Withings ended
 * ({@link WithingsUserLostEvent}). A disconnect
 * ({@link WithingsUserDisconnectedEvent}) forgets the user's entries, as everything else of
 * theirs. In memory, the newest {@value #KEPT} per user (a sample's choice: gone on restart). Its
 * listeners run first: those that tell a page to reload run last, so the page reloaded shows the
 * entry. Never blocks (events may come on an event loop): its log lines are written on
 * {@code boundedElastic}.
 */
@Component
class StarterActivity {

	static final int KEPT = 20;

	private static final Log logger = LogFactory.getLog(StarterActivity.class);

	private final Map<String, List<Entry>> byPrincipal = new ConcurrentHashMap<>();

	/** Users linked whose first sync is yet to come (neither announced nor the backstop). */
	private final Set<String> firstSyncPending = ConcurrentHashMap.newKeySet();

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onLinked(WithingsUserLinkedEvent event) {
		String text = "Linked your Withings account (user " + event.user().userId() + ") and stored the link";
		if (event.replacedAnotherAccount()) {
			text += ", replacing the link to Withings user " + event.replaced().userId();
		}
		this.firstSyncPending.add(event.user().principalName());
		add(event.user().principalName(), Kind.LINKED, text, Instant.now());
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onRefreshed(WithingsUserRefreshedEvent event) {
		add(event.user().principalName(), Kind.REFRESHED,
				"Refreshed your access token, which Withings no longer accepted, and stored the new tokens before using them",
				Instant.now());
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onSynced(WithingsDataSyncedEvent<?> event) {
		int count = event.records().size();
		boolean first = this.firstSyncPending.remove(event.principalName());
		String how = event.announced() ? "announced by a notification"
				: first ? "the first fetch since you linked" : "found by the backstop (no notification announced them)";
		add(event.principalName(), Kind.SYNCED,
				"Synced " + count + " " + records(event.kind(), count) + " from Withings, " + how, Instant.now());
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onNotification(WithingsNotificationEvent event) {
		add(event.principalName(), Kind.NOTIFIED,
				"Received Withings' notification about your " + category(event.appli()) + " and answered it",
				Instant.now());
	}

	@EventListener
	void onLost(WithingsUserLostEvent event) {
		this.firstSyncPending.remove(event.user().principalName());
		add(event.user().principalName(), Kind.LOST,
				(event.reason() == WithingsUserLostEvent.Reason.UNLINKED)
						? "Removed your link: Withings said you removed this application"
						: "Removed your link: Withings no longer accepted it, so you were asked to sign in again",
				Instant.now());
	}

	@EventListener
	void onDisconnected(WithingsUserDisconnectedEvent event) {
		this.byPrincipal.remove(event.user().principalName());
		this.firstSyncPending.remove(event.user().principalName());
		log("Withings, for '" + event.user().principalName()
				+ "': revoked this application's access at Withings and removed the link");
	}

	/**
	 * What the starter did for a user.
	 * @param principalName the user
	 * @return the entries, newest first
	 */
	List<Entry> of(String principalName) {
		return this.byPrincipal.getOrDefault(principalName, List.of());
	}

	private void add(String principalName, Kind kind, String text, Instant at) {
		Entry entry = new Entry(kind, at, text);
		this.byPrincipal.compute(principalName, (name, kept) -> {
			List<Entry> newest = new ArrayList<>(KEPT + 1);
			newest.add(entry);
			if (kept != null) {
				newest.addAll(kept);
			}
			newest.sort(Comparator.comparing(Entry::at).reversed());
			return List.copyOf(newest.subList(0, Math.min(newest.size(), KEPT)));
		});
		log("Withings, for '" + principalName + "': " + text);
	}

	/** Logging writes to the console: never on an event loop. */
	private static void log(String line) {
		Schedulers.boundedElastic().schedule(() -> logger.info(line));
	}

	/** {@code weight}, {@code user actions}: a category in words. */
	static String category(WithingsAppli appli) {
		return switch (appli) {
			case WEIGHT -> "weight";
			case USER_ACTION -> "user actions";
			case UNKNOWN -> "data";
			default -> appli.name().replace('_', ' ').toLowerCase(Locale.ROOT);
		};
	}

	/** {@code measure group}, {@code nights}: a kind's records in words. */
	static String records(WithingsDataKind kind, int count) {
		String one = switch (kind) {
			case MEASURES -> "measure group";
			case ACTIVITY -> "day of activity";
			case SLEEP_SUMMARIES -> "night";
			case WORKOUTS -> "workout";
			case HEART_RECORDINGS -> "heart recording";
		};
		if (count == 1) {
			return one;
		}
		return (kind == WithingsDataKind.ACTIVITY) ? "days of activity" : one + "s";
	}

	/** What the starter did (public: templates read it). */
	enum Kind {

		/** Signed in: the link stored. */
		LINKED,

		/** The access token refreshed. */
		REFRESHED,

		/** A notification received and acknowledged. */
		NOTIFIED,

		/** New and changed records fetched by the starter's data sync. */
		SYNCED,

		/** A link Withings ended. */
		LOST;

		public String label() {
			return switch (this) {
				case LINKED -> "Link";
				case REFRESHED -> "Refresh";
				case NOTIFIED -> "Notification";
				case SYNCED -> "Sync";
				case LOST -> "Link lost";
			};
		}

	}

	/**
	 * An entry of the panel (public: templates read it).
	 *
	 * @param kind what
	 * @param at when
	 * @param text in words
	 */
	record Entry(Kind kind, Instant at, String text) {

		/** {@code 2 min ago}. */
		public String relativeTo(Instant now) {
			return Times.relative(this.at, now);
		}

	}

}
