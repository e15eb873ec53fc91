package io.github.springwithings.sample.servlet;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The background sync: every {@code sample.sync.interval}, pulls the last 30 days of weights of
 * every linked user through the starter's outside-a-request API and stores them. With
 * notifications on, new weights come at once ({@link NotificationListener}); this job stays as
 * the fallback for what a notification missed (notifications off, a fetch that failed, an
 * instance that was down).
 */
@Component
class MeasurementSync {

	private static final Log logger = LogFactory.getLog(MeasurementSync.class);

	private final WithingsLinkedUsers linkedUsers;

	private final WithingsApi withingsApi;

	private final MeasurementStore store;

	private final AtomicReference<Instant> lastSync = new AtomicReference<>();

	MeasurementSync(WithingsLinkedUsers linkedUsers, WithingsApi withingsApi, MeasurementStore store) {
		this.linkedUsers = linkedUsers;
		this.withingsApi = withingsApi;
		this.store = store;
	}

	@Scheduled(initialDelayString = "${sample.sync.initial-delay:PT20S}", fixedDelayString = "${sample.sync.interval:PT5M}")
	void sync() {
		Instant now = Instant.now();
		int users = 0;
		try (Stream<WithingsLinkedUser> linked = this.linkedUsers.stream()) {
			for (WithingsLinkedUser user : (Iterable<WithingsLinkedUser>) linked::iterator) {
				try {
					this.store.store(user.principalName(), this.withingsApi.forPrincipal(user.principalName())
						.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT)
						.groups());
					users++;
				}
				catch (RuntimeException ex) {
					// one user's failure (a dead link, Withings down, 601) never stops the others
					logger.warn("Sync of '" + user.principalName() + "' failed: " + ex.getMessage());
				}
			}
		}
		this.lastSync.set(now);
		logger.info("Synced the weights of " + users + " users");
	}

	Instant lastSync() {
		return this.lastSync.get();
	}

}
