package io.github.springwithings.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.springwithings.api.WithingsRequestAttributes;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The reactive twin of {@link WithingsApi}, over a {@code WebClient} set up by the starter
 * ({@code withingsWebClient}: base URL, bearer token of the signed-in user or of the user named,
 * single-flight refresh, envelope handling, the shared rate limit), for WebFlux handlers and
 * reactive background work. Nothing blocks the subscribing thread. The typed calls are those of
 * {@link WithingsApi}, with the same paging ({@code more}/{@code offset}, at most
 * {@link WithingsApi#MAX_PAGES} pages, one after the other) and the same answers: when the
 * paging cannot be followed to its end, the rows received, marked incomplete
 * ({@code isComplete()} is {@code false}), with a {@code WARN} and the
 * {@code withings.api.pages.incomplete} count.
 *
 * <pre class="code">
 * Mono&lt;WithingsMeasures&gt; lastMonth = withingsReactiveApi.getMeasures(Instant.now().minus(30, DAYS), Instant.now(), WithingsMeasure.WEIGHT);
 * Mono&lt;WithingsMeasures&gt; inAJob = withingsReactiveApi.forUser(userId).getMeasures(since, Instant.now(), WithingsMeasure.WEIGHT);
 * </pre>
 */
public final class WithingsReactiveApi {

	private final WebClient webClient;

	private final Consumer<Map<String, Object>> attributes;

	private final AtomicReference<ObservationRegistry> observationRegistry;

	/**
	 * @param webClient a client with the starter's filter (the {@code withingsWebClient} bean)
	 */
	public WithingsReactiveApi(WebClient webClient) {
		this(webClient, (attributes) -> {
		}, new AtomicReference<>(ObservationRegistry.NOOP));
	}

	private WithingsReactiveApi(WebClient webClient, Consumer<Map<String, Object>> attributes,
			AtomicReference<ObservationRegistry> observationRegistry) {
		Assert.notNull(webClient, "webClient cannot be null");
		this.webClient = webClient;
		this.attributes = attributes;
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Where answers returned incomplete are counted, as {@link WithingsApi#setObservationRegistry}
	 * ({@link ObservationRegistry#NOOP} by default). Shared with the APIs of {@link #forUser} and
	 * {@link #forPrincipal}.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry.set(observationRegistry);
	}

	/**
	 * The same API, on behalf of a Withings user (outside web requests).
	 * @param userId the Withings user id
	 * @return the API for that user
	 */
	public WithingsReactiveApi forUser(String userId) {
		return new WithingsReactiveApi(this.webClient, WithingsRequestAttributes.userId(userId),
				this.observationRegistry);
	}

	/**
	 * The same API, on behalf of a principal (outside web requests).
	 * @param principalName the principal name
	 * @return the API for that principal
	 */
	public WithingsReactiveApi forPrincipal(String principalName) {
		return new WithingsReactiveApi(this.webClient, WithingsRequestAttributes.principal(principalName),
				this.observationRegistry);
	}

	/**
	 * {@code measure/getmeas} between two instants, every page ({@code more}/{@code offset}) read
	 * and merged in order, at most {@link WithingsApi#MAX_PAGES} pages.
	 * @param startDate the first instant (inclusive), e.g. a notification's {@code startDate()}
	 * @param endDate the last instant (inclusive), e.g. a notification's {@code endDate()}
	 * @param measureTypes the measure types, all when empty
	 * @return the measures,
	 * {@link WithingsMeasures#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsMeasures> getMeasures(Instant startDate, Instant endDate, int... measureTypes) {
		return fetch(WithingsDataCalls.measures(startDate, endDate, measureTypes));
	}

	/**
	 * {@code measure/getmeas} of the groups created or changed after {@code lastUpdate}
	 * (Withings' incremental sync: pass the previous answer's {@link WithingsMeasures#lastModified()}),
	 * every page read and merged, at most {@link WithingsApi#MAX_PAGES} pages.
	 * @param lastUpdate the instant after which groups were created or changed
	 * @param measureTypes the measure types, all when empty
	 * @return the measures,
	 * {@link WithingsMeasures#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsMeasures> getMeasuresUpdatedSince(Instant lastUpdate, int... measureTypes) {
		return fetch(WithingsDataCalls.measuresSince(lastUpdate, measureTypes));
	}

	/**
	 * {@code v2/measure/getactivity} between two days ({@code startdateymd}, {@code enddateymd}),
	 * every page read.
	 * @param startDate the first day (inclusive)
	 * @param endDate the last day (inclusive)
	 * @return a row a day,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsActivity>> getActivity(LocalDate startDate, LocalDate endDate) {
		return fetch(WithingsDataCalls.activity(startDate, endDate));
	}

	/**
	 * {@code v2/measure/getactivity} of the days two instants can fall on in any time zone (a day
	 * more on each side than in the user's), e.g. a notification's {@code startDate()} and
	 * {@code endDate()}, every page read.
	 * @param startDate the first instant
	 * @param endDate the last instant
	 * @return a row a day,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsActivity>> getActivity(Instant startDate, Instant endDate) {
		return getActivity(WithingsDataCalls.firstDay(startDate), WithingsDataCalls.lastDay(endDate));
	}

	/**
	 * {@code v2/measure/getactivity} of the days changed after {@code lastUpdate}, every page read.
	 * @param lastUpdate the instant after which days were changed
	 * @return a row a day,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsActivity>> getActivityUpdatedSince(Instant lastUpdate) {
		return fetch(WithingsDataCalls.activitySince(lastUpdate));
	}

	/**
	 * {@code v2/sleep/getsummary} of the nights attributed to two days, every page read (Withings
	 * documents {@code more}/{@code offset} in the answer but no {@code offset} parameter: the
	 * pages are asked with {@code offset} as for the other actions).
	 * @param startDate the first day (inclusive)
	 * @param endDate the last day (inclusive)
	 * @return a summary a night,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsSleepSummary>> getSleepSummaries(LocalDate startDate, LocalDate endDate) {
		return fetch(WithingsDataCalls.sleepSummaries(startDate, endDate));
	}

	/**
	 * {@code v2/sleep/getsummary} of the days two instants can fall on in any time zone, e.g. a
	 * notification's {@code startDate()} and {@code endDate()}.
	 * @param startDate the first instant
	 * @param endDate the last instant
	 * @return a summary a night,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsSleepSummary>> getSleepSummaries(Instant startDate, Instant endDate) {
		return getSleepSummaries(WithingsDataCalls.firstDay(startDate), WithingsDataCalls.lastDay(endDate));
	}

	/**
	 * {@code v2/sleep/getsummary} of the nights changed after {@code lastUpdate}.
	 * @param lastUpdate the instant after which nights were changed
	 * @return a summary a night,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsSleepSummary>> getSleepSummariesUpdatedSince(Instant lastUpdate) {
		return fetch(WithingsDataCalls.sleepSummariesSince(lastUpdate));
	}

	/**
	 * {@code v2/measure/getworkouts} between two days, every page read.
	 * @param startDate the first day (inclusive)
	 * @param endDate the last day (inclusive)
	 * @return the workouts,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsWorkout>> getWorkouts(LocalDate startDate, LocalDate endDate) {
		return fetch(WithingsDataCalls.workouts(startDate, endDate));
	}

	/**
	 * {@code v2/measure/getworkouts} of the days two instants can fall on in any time zone, e.g. a
	 * notification's {@code startDate()} and {@code endDate()}.
	 * @param startDate the first instant
	 * @param endDate the last instant
	 * @return the workouts,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsWorkout>> getWorkouts(Instant startDate, Instant endDate) {
		return getWorkouts(WithingsDataCalls.firstDay(startDate), WithingsDataCalls.lastDay(endDate));
	}

	/**
	 * {@code v2/measure/getworkouts} changed after {@code lastUpdate}, every page read.
	 * @param lastUpdate the instant after which workouts were changed
	 * @return the workouts,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsWorkout>> getWorkoutsUpdatedSince(Instant lastUpdate) {
		return fetch(WithingsDataCalls.workoutsSince(lastUpdate));
	}

	/**
	 * {@code v2/heart/list}: the ECG recordings between two instants, every page read.
	 * @param startDate the first instant, e.g. a notification's {@code startDate()}
	 * @param endDate the last instant, e.g. a notification's {@code endDate()}
	 * @return the recordings,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public Mono<WithingsRows<WithingsHeartRecording>> getHeartRecordings(Instant startDate, Instant endDate) {
		return fetch(WithingsDataCalls.heartRecordings(startDate, endDate));
	}

	/**
	 * {@code v2/user/getdevice}: the user's devices.
	 * @return the devices
	 */
	public Mono<WithingsRows<WithingsDevice>> getDevices() {
		return fetch(WithingsDataCalls.devices());
	}

	/** Every page of a typed call, merged; the rows received when the paging stops short. */
	private <T> Mono<T> fetch(WithingsDataCalls.Call<T> call) {
		return Mono.defer(() -> pages(call, 0, new ArrayList<>()));
	}

	private <T> Mono<T> pages(WithingsDataCalls.Call<T> call, int offset, List<JsonNode> pages) {
		return call(call.path(), call.action(), call.parameters(offset), String.class).defaultIfEmpty("")
			.map(WithingsDataCalls.Call::page)
			.flatMap((page) -> {
				pages.add(page);
				WithingsDataCalls.Paging paging = call.paging(page, pages.size(), offset);
				return (paging.next() != null) ? pages(call, paging.next(), pages)
						: Mono.fromSupplier(() -> call.result(pages, paging, this.observationRegistry.get()));
			});
	}

	/**
	 * Any action: {@code POST path} with {@code action} and the parameters as a form.
	 * @param path the path under the API base URI, e.g. {@code /v2/sleep}
	 * @param action the action
	 * @param parameters the other parameters
	 * @param bodyType what the envelope's {@code body} is read as
	 * @param <T> the body type
	 * @return the body
	 */
	public <T> Mono<T> call(String path, String action, Map<String, String> parameters, Class<T> bodyType) {
		return this.webClient.post()
			.uri(path)
			.attributes(this.attributes)
			.attributes(WithingsRequestAttributes.action(action))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(WithingsApi.form(action, parameters)))
			.retrieve()
			.bodyToMono(bodyType);
	}

}
