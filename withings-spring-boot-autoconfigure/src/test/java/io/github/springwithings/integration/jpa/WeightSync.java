package io.github.springwithings.integration.jpa;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The README's background job: every linked user's new weighings, a user at a time. No
 * transaction is open while Withings is called; each user's weighings are saved in a short
 * transaction of their own, so one user's failure never costs another user's data.
 */
@Component
public class WeightSync {

	private static final Log logger = LogFactory.getLog(WeightSync.class);

	private final WithingsLinkedUsers linkedUsers;

	private final WithingsApi withingsApi;

	private final WeightStore store;

	private static final Duration MAX_WINDOW = Duration.ofDays(30);

	WeightSync(WithingsLinkedUsers linkedUsers, WithingsApi withingsApi, WeightStore store) {
		this.linkedUsers = linkedUsers;
		this.withingsApi = withingsApi;
		this.store = store;
	}

	@Scheduled(fixedDelayString = "${weights.sync-interval:PT30M}")
	public void syncAll() {
		try (Stream<WithingsLinkedUser> users = this.linkedUsers.stream()) {
			users.forEach(this::sync);
		}
	}

	void sync(WithingsLinkedUser user) {
		Instant now = Instant.now();
		// at most 30 days a run: getMeasures reads every page of Withings' answer; a short window
		// keeps a run short and costs little when Withings' paging cannot be followed to its end
		Instant since = this.store.lastMeasuredAt(user.userId())
			.map((last) -> last.plusSeconds(1))
			.filter((start) -> start.isAfter(now.minus(MAX_WINDOW)))
			.orElse(now.minus(MAX_WINDOW));
		WithingsMeasures measures;
		try {
			measures = this.withingsApi.forPrincipal(user.principalName()).getMeasures(since, now, WithingsMeasure.WEIGHT);
		}
		catch (RuntimeException ex) {
			// a dead link (removed by the starter, which published WithingsUserLostEvent), a refresh
			// that failed for now, 601, Withings or the network down: nothing lost, the next run
			// tries again, the other users go on
			logger.warn("Withings sync of '" + user.principalName() + "' failed: " + ex);
			return;
		}
		// more() is true only when Withings' paging could not be followed to its end (isComplete()
		// is false): the groups received are kept, and the next run asks again from the last one
		if (measures.more()) {
			logger.warn("Withings has more weighings of '" + user.principalName() + "' than one page since " + since);
		}
		this.store.save(user.userId(), measures);
	}

}
