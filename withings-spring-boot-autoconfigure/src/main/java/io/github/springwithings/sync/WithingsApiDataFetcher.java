package io.github.springwithings.sync;

import java.time.Instant;
import java.util.List;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.api.WithingsRows;
import io.github.springwithings.ratelimit.WithingsRatePriority;

import org.springframework.util.Assert;

/**
 * The servlet stack's fetcher: {@link WithingsApi}'s {@code *UpdatedSince} calls on behalf of the
 * user, every page read, at {@link WithingsRatePriority#BACKGROUND background priority}.
 */
public final class WithingsApiDataFetcher implements WithingsDataFetcher {

	private final WithingsApi api;

	/**
	 * @param api the API (the sync's, whose requests its pacer spaces)
	 */
	public WithingsApiDataFetcher(WithingsApi api) {
		Assert.notNull(api, "api cannot be null");
		this.api = api;
	}

	@Override
	public List<?> fetch(String userId, WithingsDataKind kind, Instant lastUpdate, Instant now) {
		WithingsApi user = this.api.forUser(userId);
		return WithingsRatePriority.BACKGROUND.callAs(() -> switch (kind) {
			case MEASURES -> complete(kind, user.getMeasuresUpdatedSince(lastUpdate));
			case ACTIVITY -> complete(kind, user.getActivityUpdatedSince(lastUpdate));
			case SLEEP_SUMMARIES -> complete(kind, user.getSleepSummariesUpdatedSince(lastUpdate));
			case WORKOUTS -> complete(kind, user.getWorkoutsUpdatedSince(lastUpdate));
			case HEART_RECORDINGS -> complete(kind, user.getHeartRecordings(HeartWindow.start(lastUpdate), now));
		});
	}

	static List<?> complete(WithingsDataKind kind, WithingsMeasures measures) {
		if (!measures.isComplete()) {
			throw new WithingsIncompleteFetchException(kind);
		}
		return measures.groups();
	}

	static List<?> complete(WithingsDataKind kind, WithingsRows<?> rows) {
		if (!rows.isComplete()) {
			throw new WithingsIncompleteFetchException(kind);
		}
		return rows;
	}

}
