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
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Typed calls of the Withings API over a {@code RestClient} set up by the starter
 * ({@code withingsRestClient}: base URL, bearer token, envelope handling): measures, activity,
 * sleep summaries, workouts, ECG recordings and devices, each read to its last page
 * ({@code more}/{@code offset}, at most {@link #MAX_PAGES}), by period or, for incremental sync,
 * {@code lastupdate}. When Withings' paging cannot be followed to its end (it says {@code more}
 * with an offset that does not advance, or still after {@link #MAX_PAGES} pages), the rows
 * received are returned marked incomplete ({@code isComplete()} is {@code false}), with a
 * {@code WARN} and the {@code withings.api.pages.incomplete} count: nothing Withings sent is
 * discarded. A notification's {@code startDate()} and {@code endDate()} can be passed
 * straight to them. {@link #call} covers any other action.
 *
 * <pre class="code">
 * WithingsMeasures lastMonth = withingsApi.getMeasures(Instant.now().minus(30, DAYS), Instant.now(), WithingsMeasure.WEIGHT);
 * WithingsMeasures inAJob = withingsApi.forUser(userId).getMeasures(since, Instant.now(), WithingsMeasure.WEIGHT);
 * </pre>
 */
public final class WithingsApi {

	/**
	 * The most pages a typed call reads ({@code more}/{@code offset}), so that a server that keeps
	 * answering {@code more} cannot hold a caller forever: 100. The rows of those pages are
	 * returned, marked incomplete ({@link WithingsRows#isComplete()}, {@link WithingsMeasures#isComplete()}).
	 */
	public static final int MAX_PAGES = 100;

	private final RestClient restClient;

	private final Consumer<Map<String, Object>> attributes;

	private final AtomicReference<ObservationRegistry> observationRegistry;

	/**
	 * @param restClient a client with the starter's interceptors (the {@code withingsRestClient} bean)
	 */
	public WithingsApi(RestClient restClient) {
		this(restClient, (attributes) -> {
		}, new AtomicReference<>(ObservationRegistry.NOOP));
	}

	private WithingsApi(RestClient restClient, Consumer<Map<String, Object>> attributes,
			AtomicReference<ObservationRegistry> observationRegistry) {
		Assert.notNull(restClient, "restClient cannot be null");
		this.restClient = restClient;
		this.attributes = attributes;
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Where answers returned incomplete are counted: the {@code withings.api.pages} observation,
	 * tagged {@code action}, whose {@code incomplete} event Micrometer's meter handler counts as
	 * {@code withings.api.pages.incomplete} ({@link ObservationRegistry#NOOP} by default). Shared
	 * with the APIs of {@link #forUser} and {@link #forPrincipal}.
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
	public WithingsApi forUser(String userId) {
		return new WithingsApi(this.restClient, WithingsRequestAttributes.userId(userId), this.observationRegistry);
	}

	/**
	 * The same API, on behalf of a principal (outside web requests).
	 * @param principalName the principal name
	 * @return the API for that principal
	 */
	public WithingsApi forPrincipal(String principalName) {
		return new WithingsApi(this.restClient, WithingsRequestAttributes.principal(principalName),
				this.observationRegistry);
	}

	/**
	 * {@code measure/getmeas} between two instants, every page ({@code more}/{@code offset}) read
	 * and merged in order, at most {@link #MAX_PAGES} pages.
	 * @param startDate the first instant (inclusive), e.g. a notification's {@code startDate()}
	 * @param endDate the last instant (inclusive), e.g. a notification's {@code endDate()}
	 * @param measureTypes the measure types, all when empty
	 * @return the measures,
	 * {@link WithingsMeasures#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsMeasures getMeasures(Instant startDate, Instant endDate, int... measureTypes) {
		return fetch(WithingsDataCalls.measures(startDate, endDate, measureTypes));
	}

	/**
	 * {@code measure/getmeas} of the groups created or changed after {@code lastUpdate}
	 * (Withings' incremental sync: pass the previous answer's {@link WithingsMeasures#lastModified()}),
	 * every page read and merged, at most {@link #MAX_PAGES} pages.
	 * @param lastUpdate the instant after which groups were created or changed
	 * @param measureTypes the measure types, all when empty
	 * @return the measures,
	 * {@link WithingsMeasures#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsMeasures getMeasuresUpdatedSince(Instant lastUpdate, int... measureTypes) {
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
	public WithingsRows<WithingsActivity> getActivity(LocalDate startDate, LocalDate endDate) {
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
	public WithingsRows<WithingsActivity> getActivity(Instant startDate, Instant endDate) {
		return getActivity(WithingsDataCalls.firstDay(startDate), WithingsDataCalls.lastDay(endDate));
	}

	/**
	 * {@code v2/measure/getactivity} of the days changed after {@code lastUpdate}, every page read.
	 * @param lastUpdate the instant after which days were changed
	 * @return a row a day,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsRows<WithingsActivity> getActivityUpdatedSince(Instant lastUpdate) {
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
	public WithingsRows<WithingsSleepSummary> getSleepSummaries(LocalDate startDate, LocalDate endDate) {
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
	public WithingsRows<WithingsSleepSummary> getSleepSummaries(Instant startDate, Instant endDate) {
		return getSleepSummaries(WithingsDataCalls.firstDay(startDate), WithingsDataCalls.lastDay(endDate));
	}

	/**
	 * {@code v2/sleep/getsummary} of the nights changed after {@code lastUpdate}.
	 * @param lastUpdate the instant after which nights were changed
	 * @return a summary a night,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsRows<WithingsSleepSummary> getSleepSummariesUpdatedSince(Instant lastUpdate) {
		return fetch(WithingsDataCalls.sleepSummariesSince(lastUpdate));
	}

	/**
	 * {@code v2/measure/getworkouts} between two days, every page read.
	 * @param startDate the first day (inclusive)
	 * @param endDate the last day (inclusive)
	 * @return the workouts,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsRows<WithingsWorkout> getWorkouts(LocalDate startDate, LocalDate endDate) {
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
	public WithingsRows<WithingsWorkout> getWorkouts(Instant startDate, Instant endDate) {
		return getWorkouts(WithingsDataCalls.firstDay(startDate), WithingsDataCalls.lastDay(endDate));
	}

	/**
	 * {@code v2/measure/getworkouts} changed after {@code lastUpdate}, every page read.
	 * @param lastUpdate the instant after which workouts were changed
	 * @return the workouts,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsRows<WithingsWorkout> getWorkoutsUpdatedSince(Instant lastUpdate) {
		return fetch(WithingsDataCalls.workoutsSince(lastUpdate));
	}

	/**
	 * {@code v2/heart/list}: the ECG recordings between two instants, every page read.
	 * @param startDate the first instant, e.g. a notification's {@code startDate()}
	 * @param endDate the last instant, e.g. a notification's {@code endDate()}
	 * @return the recordings,
	 * {@link WithingsRows#isComplete() incomplete} when the paging could not be followed to its end
	 */
	public WithingsRows<WithingsHeartRecording> getHeartRecordings(Instant startDate, Instant endDate) {
		return fetch(WithingsDataCalls.heartRecordings(startDate, endDate));
	}

	/**
	 * {@code v2/user/getdevice}: the user's devices.
	 * @return the devices
	 */
	public WithingsRows<WithingsDevice> getDevices() {
		return fetch(WithingsDataCalls.devices());
	}

	/** Every page of a typed call, merged; the rows received when the paging stops short. */
	private <T> T fetch(WithingsDataCalls.Call<T> call) {
		List<JsonNode> pages = new ArrayList<>();
		int offset = 0;
		while (true) {
			JsonNode page = WithingsDataCalls.Call.page(call(call.path(), call.action(), call.parameters(offset),
					String.class));
			pages.add(page);
			WithingsDataCalls.Paging paging = call.paging(page, pages.size(), offset);
			if (paging.next() == null) {
				return call.result(pages, paging, this.observationRegistry.get());
			}
			offset = paging.next();
		}
	}

	/** The form of an action. */
	static MultiValueMap<String, String> form(String action, Map<String, String> parameters) {
		MultiValueMap<String, String> form = new Form();
		form.set("action", action);
		parameters.forEach(form::set);
		return form;
	}

	/**
	 * A form whose {@code toString()}, what Spring's {@code RestClient} logs at DEBUG, shows a
	 * {@code callbackurl} (notify subscribe, revoke) masked: the notification callback's last path
	 * segment is its secret. What is sent is the form's entries, unchanged.
	 */
	private static final class Form extends LinkedMultiValueMap<String, String> {

		private static final long serialVersionUID = 1L;

		@Override
		public String toString() {
			List<String> callbackUrls = get("callbackurl");
			if (callbackUrls == null) {
				return super.toString();
			}
			LinkedMultiValueMap<String, String> shown = new LinkedMultiValueMap<>(this);
			shown.put("callbackurl", callbackUrls.stream().map(Form::mask).toList());
			return shown.toString();
		}

		private static String mask(String url) {
			int slash = (url != null) ? url.lastIndexOf('/', url.endsWith("/") ? url.length() - 2 : url.length() - 1)
					: -1;
			return (slash < 0) ? "****" : url.substring(0, slash + 1) + "****";
		}

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
	public <T> T call(String path, String action, Map<String, String> parameters, Class<T> bodyType) {
		return this.restClient.post()
			.uri(path)
			.attributes(this.attributes)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form(action, parameters))
			.retrieve()
			.body(bodyType);
	}

}
