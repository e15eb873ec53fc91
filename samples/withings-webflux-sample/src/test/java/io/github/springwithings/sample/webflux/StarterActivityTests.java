package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;

import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.github.springwithings.oauth2.client.WithingsUserRefreshedEvent;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSyncedEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "What the starter did for you" panel: per user, bounded, newest first, forgotten on
 * disconnect; refreshes and syncs from the starter's events, in words.
 */
class StarterActivityTests {

	private final StarterActivity activity = new StarterActivity();

	@Test
	void ofWhenEventsThenPerUserNewestFirstAndBounded() {
		Instant issued = Instant.now().minus(Duration.ofHours(1));
		this.activity.onLinked(new WithingsUserLinkedEvent(user("363", issued)));
		this.activity.onLinked(new WithingsUserLinkedEvent(user("999", issued)));
		for (int i = 0; i < StarterActivity.KEPT + 5; i++) {
			this.activity.onNotification(weightNotification("363"));
		}

		assertThat(this.activity.of("363")).hasSize(StarterActivity.KEPT)
			.allSatisfy((entry) -> assertThat(entry.kind()).isEqualTo(StarterActivity.Kind.NOTIFIED));
		assertThat(this.activity.of("363").get(0).text()).isEqualTo("Received Withings' notification about your weight and answered it");
		assertThat(this.activity.of("999")).singleElement()
			.satisfies((entry) -> assertThat(entry.text()).isEqualTo("Linked your Withings account (user 999) and stored the link"));
	}

	@Test
	void onRefreshedThenARefreshEntry() {
		this.activity.onLinked(new WithingsUserLinkedEvent(user("363", Instant.now())));

		this.activity.onRefreshed(new WithingsUserRefreshedEvent(user("363", Instant.now())));

		assertThat(this.activity.of("363")).extracting(StarterActivity.Entry::kind)
			.containsExactly(StarterActivity.Kind.REFRESHED, StarterActivity.Kind.LINKED);
		assertThat(this.activity.of("363").get(0).text()).isEqualTo(
				"Refreshed your access token, which Withings no longer accepted, and stored the new tokens before using them");
		assertThat(this.activity.of("999")).isEmpty();
	}

	@Test
	void onSyncedThenTheKindHowManyAndWhatAskedForTheFetchInWords() {
		this.activity.onLinked(new WithingsUserLinkedEvent(user("363", Instant.now())));

		this.activity.onSynced(synced(WithingsDataKind.MEASURES, 30, false));
		this.activity.onSynced(synced(WithingsDataKind.MEASURES, 1, true));
		this.activity.onSynced(synced(WithingsDataKind.SLEEP_SUMMARIES, 2, false));

		assertThat(this.activity.of("363")).filteredOn((entry) -> entry.kind() == StarterActivity.Kind.SYNCED)
			.extracting(StarterActivity.Entry::text)
			.containsExactly("Synced 2 nights from Withings, found by the backstop (no notification announced them)",
					"Synced 1 measure group from Withings, announced by a notification",
					"Synced 30 measure groups from Withings, the first fetch since you linked");
		assertThat(StarterActivity.records(WithingsDataKind.ACTIVITY, 3)).isEqualTo("days of activity");
		assertThat(StarterActivity.records(WithingsDataKind.HEART_RECORDINGS, 1)).isEqualTo("heart recording");
	}

	@Test
	void onDisconnectedThenTheUsersEntriesAreForgotten() {
		this.activity.onLinked(new WithingsUserLinkedEvent(user("363", Instant.now())));
		this.activity.onLost(new WithingsUserLostEvent(user("363", Instant.now()), WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD));
		assertThat(this.activity.of("363")).extracting(StarterActivity.Entry::kind).contains(StarterActivity.Kind.LOST);

		this.activity.onDisconnected(new WithingsUserDisconnectedEvent(user("363", Instant.now())));

		assertThat(this.activity.of("363")).isEmpty();
	}

	private static WithingsLinkedUser user(String id, Instant refreshTokenIssuedAt) {
		return new WithingsLinkedUser("withings", id, id, Set.of("user.metrics"), refreshTokenIssuedAt);
	}

	private static WithingsDataSyncedEvent<String> synced(WithingsDataKind kind, int records, boolean announced) {
		return new WithingsDataSyncedEvent<>("withings", "363", "363", kind, Collections.nCopies(records, "record"),
				Instant.now(), announced);
	}

	private static WithingsNotificationEvent weightNotification(String id) {
		return new WithingsNotificationEvent("withings", id, id, WithingsAppli.WEIGHT, 1, Instant.now().minusSeconds(60),
				Instant.now(), null, null, null);
	}

}
