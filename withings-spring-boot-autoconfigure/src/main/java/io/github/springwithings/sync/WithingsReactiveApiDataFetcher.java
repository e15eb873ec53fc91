package io.github.springwithings.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.ratelimit.WithingsReactiveRatePriority;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * The WebFlux stack's fetcher: {@link WithingsReactiveApi}'s {@code *UpdatedSince} calls on behalf
 * of the user, at {@link WithingsRatePriority#BACKGROUND background priority}, awaited on the
 * sync's own worker thread (never an event loop) for at most the fetch timeout.
 */
public final class WithingsReactiveApiDataFetcher implements WithingsDataFetcher {

	private final WithingsReactiveApi api;

	private Duration timeout = Duration.ofMinutes(2);

	/**
	 * @param api the reactive API (the sync's, whose requests its pacer spaces)
	 */
	public WithingsReactiveApiDataFetcher(WithingsReactiveApi api) {
		Assert.notNull(api, "api cannot be null");
		this.api = api;
	}

	/**
	 * The longest a fetch is awaited (2 minutes by default; keep it below the sync's lease).
	 * @param timeout the timeout
	 */
	public void setTimeout(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		this.timeout = timeout;
	}

	@Override
	public List<?> fetch(String userId, WithingsDataKind kind, Instant lastUpdate, Instant now) {
		WithingsReactiveApi user = this.api.forUser(userId);
		Mono<? extends List<?>> rows = switch (kind) {
			case MEASURES -> user.getMeasuresUpdatedSince(lastUpdate)
				.map((measures) -> WithingsApiDataFetcher.complete(kind, measures));
			case ACTIVITY -> user.getActivityUpdatedSince(lastUpdate)
				.map((page) -> WithingsApiDataFetcher.complete(kind, page));
			case SLEEP_SUMMARIES -> user.getSleepSummariesUpdatedSince(lastUpdate)
				.map((page) -> WithingsApiDataFetcher.complete(kind, page));
			case WORKOUTS -> user.getWorkoutsUpdatedSince(lastUpdate)
				.map((page) -> WithingsApiDataFetcher.complete(kind, page));
			case HEART_RECORDINGS -> user.getHeartRecordings(HeartWindow.start(lastUpdate), now)
				.map((page) -> WithingsApiDataFetcher.complete(kind, page));
		};
		List<?> records = rows.contextWrite(WithingsReactiveRatePriority.withPriority(WithingsRatePriority.BACKGROUND))
			.block(this.timeout);
		return (records != null) ? records : List.of();
	}

}
