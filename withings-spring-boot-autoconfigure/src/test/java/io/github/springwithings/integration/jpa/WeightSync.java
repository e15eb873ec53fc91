package io.github.springwithings.integration.jpa;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
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
		Instant since = this.store.lastMeasuredAt(user.userId()).map((last) -> last.plusSeconds(1))
			.orElse(now.minus(Duration.ofDays(365)));
		WithingsMeasures measures;
		try {
			measures = this.withingsApi.forUser(user.userId()).getMeasures(since, now, WithingsMeasure.WEIGHT);
		}
		catch (ClientAuthorizationException ex) {
			// the link is dead: the starter removed it and published WithingsUserLostEvent
			logger.info("Withings user " + user.userId() + " must sign in again (" + ex.getError().getErrorCode() + ")");
			return;
		}
		catch (WithingsApiException ex) {
			// throttled, Withings down, bad answer: nothing lost, the next run tries again
			logger.warn("Withings sync of user " + user.userId() + " failed: " + ex.getMessage());
			return;
		}
		this.store.save(user.userId(), measures);
	}

}
