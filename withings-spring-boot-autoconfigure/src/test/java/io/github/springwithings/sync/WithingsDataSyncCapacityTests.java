package io.github.springwithings.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.simulator.SimulatorClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync's scheduling at scale, with a controlled clock and a counting fetcher (one page a
 * fetch): 10,000 users, two kinds each, the backstop at half of Withings' 120 requests a minute.
 * It never sends more than its share in any minute, visits every cursor within the period
 * docs/sync.md computes (cursors ÷ requests a minute), and past its capacity the backstop period
 * stretches to that round while a notified cursor still goes first.
 */
class WithingsDataSyncCapacityTests {

	private static final int USERS = 10_000;

	private static final Set<WithingsDataKind> KINDS = EnumSet.of(WithingsDataKind.MEASURES,
			WithingsDataKind.ACTIVITY);

	/** Half of Withings' 120 requests a minute. */
	private static final int SHARE_PER_MINUTE = 60;

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"),
			ZoneOffset.UTC));

	private final InMemoryWithingsSyncCursorStore store = new InMemoryWithingsSyncCursorStore();

	private final SyncTestLinks links = new SyncTestLinks();

	private final WithingsSyncPacer pacer = WithingsSyncPacer.share(120, 0.5, this.clock);

	/** When each fetch was sent, by cursor (user and kind). */
	private final Map<String, List<Instant>> visits = new HashMap<>();

	private final List<Instant> requests = new ArrayList<>();

	private final List<String> order = new ArrayList<>();

	private WithingsDataSync sync(Duration backstopPeriod) {
		this.pacer.setSleeper(this.clock::advance);
		WithingsDataFetcher counting = (userId, kind, lastUpdate, now) -> {
			try {
				this.pacer.take();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			Instant sent = this.clock.instant();
			this.requests.add(sent);
			this.visits.computeIfAbsent(userId + "/" + kind, (key) -> new ArrayList<>()).add(sent);
			this.order.add(userId + "/" + kind);
			return List.of();
		};
		WithingsDataSync sync = new WithingsDataSync(this.store, counting, this.links, (event) -> {
		});
		sync.setClock(this.clock);
		sync.setKinds(KINDS);
		sync.setBackstopPeriod(backstopPeriod);
		for (int i = 0; i < USERS; i++) {
			String userId = String.valueOf(40_000_000 + i);
			this.links.linked.add(userId);
			sync.enroll(new WithingsLinkedUser("withings", userId, userId, Set.of("user.metrics", "user.activity"),
					null));
		}
		return sync;
	}

	/** Runs the worker's rounds until {@code until}: each round fetches what is due, then the clock moves to the next due. */
	private void runUntil(WithingsDataSync sync, Instant until) {
		while (this.clock.instant().isBefore(until)) {
			if (sync.runDue() > 0) {
				continue;
			}
			Instant next = this.store.nextDue();
			if (next.isAfter(this.clock.instant())) {
				this.clock.advance(Duration.between(this.clock.instant(), next));
			}
		}
	}

	/** Minutes for one fetch of every cursor at the share: what docs/sync.md calls a round. */
	private static Duration round() {
		return Duration.ofMinutes(1).multipliedBy(USERS * KINDS.size()).dividedBy(SHARE_PER_MINUTE);
	}

	@Test
	void backstopWhenTenThousandUsersWithinCapacityThenShareNeverExceededAndEveryCursorVisitedEachPeriod() {
		Duration period = Duration.ofHours(6);
		assertThat(round()).as("20,000 cursors at 60 a minute").isEqualTo(Duration.ofMinutes(333).plusSeconds(20));
		Instant start = this.clock.instant();
		WithingsDataSync sync = sync(period);

		runUntil(sync, start.plus(Duration.ofHours(18)));

		assertThat(maxInAnyMinute()).isLessThanOrEqualTo(SHARE_PER_MINUTE);
		assertThat(this.visits).hasSize(USERS * KINDS.size());
		Duration slack = this.pacer.getSpacing().multipliedBy(10);
		this.visits.forEach((cursor, times) -> {
			assertThat(Duration.between(start, times.get(0))).as(cursor).isLessThanOrEqualTo(round());
			for (int i = 1; i < times.size(); i++) {
				assertThat(Duration.between(times.get(i - 1), times.get(i))).as(cursor)
					.isLessThanOrEqualTo(period.plus(slack));
			}
			assertThat(times).as(cursor).hasSizeGreaterThanOrEqualTo(3);
		});
	}

	@Test
	void backstopWhenPastCapacityThenPeriodStretchesToARoundNothingSkippedAndNotifiedCursorsFirst() {
		Duration period = Duration.ofHours(1);
		Instant start = this.clock.instant();
		WithingsDataSync sync = sync(period);
		runUntil(sync, start.plus(Duration.ofHours(7)));
		int before = this.order.size();
		// a notification in the middle of a backlog: served at the next batch, before older due cursors
		sync.onNotification(new io.github.springwithings.notification.WithingsNotificationEvent("withings",
				"40009999", "40009999", io.github.springwithings.notification.WithingsAppli.WEIGHT, 1, null, null, null,
				null, null));
		runUntil(sync, this.clock.instant().plus(Duration.ofMinutes(30)));

		assertThat(maxInAnyMinute()).isLessThanOrEqualTo(SHARE_PER_MINUTE);
		assertThat(this.visits).hasSize(USERS * KINDS.size());
		Duration slack = this.pacer.getSpacing().multipliedBy(10);
		this.visits.forEach((cursor, times) -> {
			for (int i = 1; i < times.size(); i++) {
				assertThat(Duration.between(times.get(i - 1), times.get(i))).as(cursor)
					.isLessThanOrEqualTo(round().plus(slack));
			}
		});
		assertThat(this.order.subList(before, before + 11)).as("within one batch of cursors").contains(
				"40009999/MEASURES");
	}

	/** The most requests in any 60 seconds (a sliding window over every request). */
	private int maxInAnyMinute() {
		int max = 0;
		int from = 0;
		for (int to = 0; to < this.requests.size(); to++) {
			while (!this.requests.get(from).plus(Duration.ofMinutes(1)).isAfter(this.requests.get(to))) {
				from++;
			}
			max = Math.max(max, to - from + 1);
		}
		return max;
	}

}
