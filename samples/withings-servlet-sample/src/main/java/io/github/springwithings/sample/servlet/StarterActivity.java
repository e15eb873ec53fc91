package io.github.springwithings.sample.servlet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What the starter did for each user, told by its own events, for the dashboard's "What the
 * starter did for you" panel and the log (one INFO line each): the link stored at sign-in
 * ({@link WithingsUserLinkedEvent}), each notification received and acknowledged
 * ({@link WithingsNotificationEvent}), a link Withings ended ({@link WithingsUserLostEvent}). The
 * starter publishes no event when it refreshes a user's tokens (its refreshes go through its own
 * manager, which publishes none): a refresh is noticed when the dashboard reads the stored link
 * ({@link #noticeRefreshToken}), whose refresh token is then newer than the one stored at sign-in
 * or seen last, and entered at the time that token was issued. A disconnect
 * ({@link WithingsUserDisconnectedEvent}) forgets the user's entries, as everything else of
 * theirs. In memory, the newest {@value #KEPT} per user (a sample's choice: gone on restart). A
 * data sync's events would add {@link Kind#SYNCED} entries the same way.
 */
@Component
class StarterActivity {

	static final int KEPT = 20;

	private static final Log logger = LogFactory.getLog(StarterActivity.class);

	private final Map<String, List<Entry>> byPrincipal = new ConcurrentHashMap<>();

	/** When each user's refresh token seen last was issued. */
	private final Map<String, Instant> refreshTokens = new ConcurrentHashMap<>();

	@EventListener
	void onLinked(WithingsUserLinkedEvent event) {
		String text = "Linked your Withings account (user " + event.user().userId() + ") and stored the link";
		if (event.replacedAnotherAccount()) {
			text += ", replacing the link to Withings user " + event.replaced().userId();
		}
		if (event.user().refreshTokenIssuedAt() != null) {
			this.refreshTokens.put(event.user().principalName(), event.user().refreshTokenIssuedAt());
		}
		add(event.user().principalName(), Kind.LINKED, text, Instant.now());
	}

	/**
	 * Notes a refresh when a user's stored refresh token is newer than the one seen last (Withings
	 * issues a new one at each refresh).
	 * @param principalName the user
	 * @param issuedAt when the stored refresh token was issued, {@code null} when unknown
	 */
	void noticeRefreshToken(String principalName, Instant issuedAt) {
		if (issuedAt == null) {
			return;
		}
		Instant known = this.refreshTokens.put(principalName, issuedAt);
		if (known != null && issuedAt.isAfter(known)) {
			add(principalName, Kind.REFRESHED,
					"Refreshed your access token, which had expired, and stored the new tokens before using them",
					issuedAt);
		}
	}

	@EventListener
	void onNotification(WithingsNotificationEvent event) {
		add(event.principalName(), Kind.NOTIFIED,
				"Received Withings' notification about your " + category(event.appli()) + " and answered it",
				Instant.now());
	}

	@EventListener
	void onLost(WithingsUserLostEvent event) {
		add(event.user().principalName(), Kind.LOST,
				(event.reason() == WithingsUserLostEvent.Reason.UNLINKED)
						? "Removed your link: Withings said you removed this application"
						: "Removed your link: Withings no longer accepted it, so you were asked to sign in again",
				Instant.now());
	}

	@EventListener
	void onDisconnected(WithingsUserDisconnectedEvent event) {
		this.byPrincipal.remove(event.user().principalName());
		this.refreshTokens.remove(event.user().principalName());
		logger.info("Withings, for '" + event.user().principalName()
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
		logger.info("Withings, for '" + principalName + "': " + text);
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

	/** What the starter did (public: templates read it). */
	enum Kind {

		/** Signed in: the link stored. */
		LINKED,

		/** The access token refreshed. */
		REFRESHED,

		/** A notification received and acknowledged. */
		NOTIFIED,

		/** New data fetched by the starter's data sync (to come). */
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
