package io.github.springwithings.api;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorMeasure;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Answers shaped as Withings really sends them (the quirks recorded from the live API and its
 * documentation by other clients), replayed over HTTP by the simulator after it checked the
 * request, through the typed calls of {@link WithingsApi} and {@link WithingsReactiveApi}: every
 * one reads without an exception, and a paging that cannot advance returns the rows received,
 * marked incomplete, with a WARN and a count. The fixtures under {@code answers/} are the
 * project's own, with made-up values reproducing each quirk's shape.
 */
@ExtendWith(OutputCaptureExtension.class)
class WithingsRealAnswersTests {

	private static final String USER = "36000042";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	enum Stack {

		SERVLET, REACTIVE

	}

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WithingsApi api;

	private WithingsReactiveApi reactiveApi;

	private MeterRegistry meters;

	private OAuth2AuthorizedClient client;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		WithingsApi api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build());
		this.api = api.forUser(USER);
		api.setObservationRegistry(observations);
		WithingsReactiveApi reactiveApi = new WithingsReactiveApi(WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new JdkClientHttpConnector())
			.filter(new WithingsExchangeFilterFunction(this.fixture.clients, this.fixture.service))
			.build());
		this.reactiveApi = reactiveApi.forUser(USER);
		reactiveApi.setObservationRegistry(observations);
		this.client = this.fixture.link("alice", USER);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	/** The same call on the stack under test, its answer. */
	private <T> T call(Stack stack, Function<WithingsApi, T> servlet, Function<WithingsReactiveApi, Mono<T>> reactive) {
		return (stack == Stack.SERVLET) ? servlet.apply(this.api) : reactive.apply(this.reactiveApi).block(TIMEOUT);
	}

	/** The next request to {@code endpoint} is answered with the fixture, once the simulator checked it. */
	private void replay(SimulatorEndpoint endpoint, String fixture) {
		this.simulator.injectFault(endpoint, SimulatorFault.answer(fixture(fixture)));
	}

	private static String fixture(String name) {
		try (InputStream in = WithingsRealAnswersTests.class.getResourceAsStream("answers/" + name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private double incompleteCount(String action) {
		var counter = this.meters.find("withings.api.pages.incomplete").tag("action", action).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");

	private static final Instant TO = Instant.parse("2026-12-06T00:00:00Z");

	// --- paging -------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenMoreAsOneWithOffsetZeroThenEveryGroupReturnedMarkedIncompleteWarnedAndCounted(Stack stack,
			CapturedOutput output) {
		replay(SimulatorEndpoint.MEASURE, "getmeas-more-1-offset-0.json");
		int requests = this.simulator.counters().dataRequests();

		WithingsMeasures measures = call(stack, (api) -> api.getMeasures(FROM, TO), (api) -> api.getMeasures(FROM, TO));

		assertThat(this.simulator.counters().dataRequests() - requests).isOne();
		assertThat(measures.groups()).map(WithingsMeasureGroup::id).containsExactly(880001L, 880002L, 880003L, 880004L);
		assertThat(measures.isComplete()).isFalse();
		assertThat(measures.more()).isTrue();
		assertThat(measures.offset()).isZero();
		assertThat(measures.timezone()).isEqualTo("Europe/Berlin");
		assertThat(measures.updatedAt()).isEqualTo(Instant.ofEpochSecond(1764921600));
		assertThat(measures.groups().get(0).modified()).isNull();
		assertThat(measures.groups().get(0).measure(WithingsMeasure.WEIGHT).orElseThrow().value())
			.isEqualTo(new BigDecimal("71.250"));
		assertThat(measures.groups().get(1).timezone()).isEqualTo("America/New_York");
		assertThat(measures.groups().get(0).timezone()).isNull();
		assertThat(measures.groups().get(3).raw().path("apppfmid").asInt()).isEqualTo(6);
		assertThat(incompleteCount("getmeas")).isEqualTo(1);
		assertThat(output).contains("WARN")
			.contains("Withings answered getmeas with more data but an offset (0) that does not advance past 0; "
					+ "returning the 4 rows received in 1 page, marked incomplete")
			.doesNotContain(this.client.getAccessToken().getTokenValue())
			.doesNotContain(this.client.getRefreshToken().getTokenValue());
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenMorePastMaxPagesThenTheRowsOfEveryPageReadMarkedIncomplete(Stack stack) {
		// the simulator's 60 days of weighings and 41 more: 101 groups, one a page
		for (int i = 0; i < 41; i++) {
			this.simulator.recordMeasures(USER, new SimulatorMeasure(WithingsMeasure.HEART_PULSE, 60 + i, 0));
		}
		this.simulator.setPageSize(1);
		int requests = this.simulator.counters().dataRequests();

		WithingsMeasures measures = call(stack, (api) -> api.getMeasuresUpdatedSince(Instant.EPOCH),
				(api) -> api.getMeasuresUpdatedSince(Instant.EPOCH));

		assertThat(this.simulator.counters().dataRequests() - requests).isEqualTo(WithingsApi.MAX_PAGES);
		assertThat(measures.groups()).hasSize(WithingsApi.MAX_PAGES);
		assertThat(measures.isComplete()).isFalse();
		assertThat(measures.offset()).isEqualTo(WithingsApi.MAX_PAGES);
		assertThat(incompleteCount("getmeas")).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenExactlyMaxPagesThenComplete(Stack stack) {
		for (int i = 0; i < 40; i++) {
			this.simulator.recordMeasures(USER, new SimulatorMeasure(WithingsMeasure.HEART_PULSE, 60 + i, 0));
		}
		this.simulator.setPageSize(1);

		WithingsMeasures measures = call(stack, (api) -> api.getMeasuresUpdatedSince(Instant.EPOCH),
				(api) -> api.getMeasuresUpdatedSince(Instant.EPOCH));

		assertThat(measures.groups()).hasSize(WithingsApi.MAX_PAGES);
		assertThat(measures.isComplete()).isTrue();
		assertThat(incompleteCount("getmeas")).isZero();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getHeartRecordingsWhenMoreTrueWithOffsetZeroThenRowsReturnedIncompleteAndCounted(Stack stack) {
		replay(SimulatorEndpoint.HEART, "heart-list-more-offset-0.json");

		WithingsRows<WithingsHeartRecording> recordings = call(stack, (api) -> api.getHeartRecordings(FROM, TO),
				(api) -> api.getHeartRecordings(FROM, TO));

		assertThat(recordings).map(WithingsHeartRecording::signalId).containsExactly(7001234L, 7001233L);
		assertThat(recordings.isComplete()).isFalse();
		assertThat(recordings.get(0).afib()).isEqualTo(2);
		assertThat(recordings.get(0).raw().path("bloodpressure").path("systole").asInt()).isEqualTo(124);
		assertThat(incompleteCount("list")).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenNoMoreNoOffsetAndUpdatetimeAsTextThenCompleteAndDuplicateGroupIdsKept(Stack stack) {
		replay(SimulatorEndpoint.MEASURE, "getmeas-no-paging-keys.json");

		WithingsMeasures measures = call(stack, (api) -> api.getMeasuresUpdatedSince(Instant.EPOCH),
				(api) -> api.getMeasuresUpdatedSince(Instant.EPOCH));

		assertThat(measures.isComplete()).isTrue();
		assertThat(measures.more()).isFalse();
		assertThat(measures.updatedAt()).isEqualTo(Instant.ofEpochSecond(1764921600));
		assertThat(measures.groups()).map(WithingsMeasureGroup::id).containsExactly(990017L, 990017L);
		assertThat(measures.groups().get(1).measure(WithingsMeasure.FAT_RATIO).orElseThrow().value())
			.isEqualTo(new BigDecimal("15.12"));
		assertThat(measures.groups().get(0).raw().path("comment").isNull()).isTrue();
		assertThat(measures.lastModified()).contains(Instant.ofEpochSecond(1764900004));
		assertThat(incompleteCount("getmeas")).isZero();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getActivityWhenMoreFalseWithAnOffsetThenOnePageCompleteAndPerDayTimezones(Stack stack) {
		replay(SimulatorEndpoint.MEASURE_V2, "getactivity-more-false-offset.json");
		int requests = this.simulator.counters().dataRequests();

		WithingsRows<WithingsActivity> days = call(stack,
				(api) -> api.getActivity(LocalDate.parse("2026-11-30"), LocalDate.parse("2026-12-01")),
				(api) -> api.getActivity(LocalDate.parse("2026-11-30"), LocalDate.parse("2026-12-01")));

		assertThat(this.simulator.counters().dataRequests() - requests).isOne();
		assertThat(days.isComplete()).isTrue();
		assertThat(days).map(WithingsActivity::timezone).containsExactly("Europe/Lisbon", "Atlantic/Azores");
		assertThat(days).map(WithingsActivity::deviceId).containsOnlyNulls();
		assertThat(days.get(0).value("hr_average")).contains(BigDecimal.valueOf(71));
		assertThat(days.get(1).value("hr_average")).isEmpty();
		assertThat(days.get(1).modified()).isEqualTo(Instant.ofEpochSecond(1764646400));
		assertThat(days.get(0).distance()).isEqualTo(new BigDecimal("6120.4"));
		assertThat(days.get(1).value("model")).isEmpty();
		assertThat(days.get(0).raw().path("model").asString()).isEqualTo("GoogleFit tracker");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getSleepSummariesWhenMoreTrueWithOffsetThenNextPageAskedAndNightEventsNeverThrow(Stack stack) {
		replay(SimulatorEndpoint.SLEEP, "getsummary-night-events.json");
		int requests = this.simulator.counters().dataRequests();
		LocalDate day = LocalDate.parse("2026-12-01");

		WithingsRows<WithingsSleepSummary> nights = call(stack, (api) -> api.getSleepSummaries(day, day),
				(api) -> api.getSleepSummaries(day, day));

		// the second page (offset=300) is the simulator's own: past its rows, empty and the last
		assertThat(this.simulator.counters().dataRequests() - requests).isEqualTo(2);
		assertThat(nights.isComplete()).isTrue();
		assertThat(nights).hasSize(2).map(WithingsSleepSummary::date).containsOnly(day);
		WithingsSleepSummary first = nights.get(0);
		assertThat(first.value("night_events")).isEmpty();
		assertThat(first.data().path("night_events").path("3").size()).isEqualTo(2);
		assertThat(first.value("sleep_efficiency")).contains(new BigDecimal("0.9"));
		WithingsSleepSummary second = nights.get(1);
		assertThat(second.value("night_events")).isEmpty();
		assertThat(second.value("breathing_disturbances_intensity")).isEmpty();
		assertThat(second.value("sleep_state")).contains(new BigDecimal("3"));
		assertThat(second.value("absent")).isEmpty();
		assertThat(WithingsJson.date(second.data().path("night_events"))).isNull();
		assertThat(WithingsJson.text(first.data().path("night_events"))).isNull();
		assertThat(WithingsJson.text(second.data().path("night_events"))).isNull();
		assertThat(second.model()).isEqualTo(16);
	}

	// --- rows ---------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getWorkoutsWhenOnePageRepeatsAnIdAndHasNullDataThenBothRowsKeptAndNullsEmpty(Stack stack) {
		replay(SimulatorEndpoint.MEASURE_V2, "getworkouts-duplicate-ids.json");
		LocalDate day = LocalDate.parse("2026-11-30");

		WithingsRows<WithingsWorkout> workouts = call(stack, (api) -> api.getWorkouts(day, day),
				(api) -> api.getWorkouts(day, day));

		assertThat(workouts).map(WithingsWorkout::id).containsExactly(4400123987L, 4400123987L);
		assertThat(workouts).map(WithingsWorkout::modified)
			.containsExactly(Instant.ofEpochSecond(1764502500), Instant.ofEpochSecond(1764502600));
		assertThat(workouts).allSatisfy((workout) -> {
			assertThat(workout.value("spo2_average")).isEmpty();
			assertThat(workout.value("algo_pause_duration")).isEmpty();
			assertThat(workout.deviceId()).isNull();
			assertThat(workout.category()).isEqualTo(2);
		});
		assertThat(workouts.get(0).value("calories")).contains(new BigDecimal("310.4"));
		assertThat(workouts.get(0).raw().path("model").asInt()).isEqualTo(1055);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenOneTypeComesWithDifferentExponentsThenEachScaledExactly(Stack stack) {
		replay(SimulatorEndpoint.MEASURE, "getmeas-exponents.json");

		WithingsMeasures measures = call(stack, (api) -> api.getMeasures(FROM, TO), (api) -> api.getMeasures(FROM, TO));

		assertThat(measures.groups().subList(0, 4))
			.map((group) -> group.measure(WithingsMeasure.WEIGHT).orElseThrow().value())
			.map(BigDecimal::toPlainString)
			.containsExactly("61.200", "61.2000", "61.20", "61.200004");
		WithingsMeasureGroup bodyScan = measures.groups().get(3);
		assertThat(bodyScan.measures()).map(WithingsMeasure::type).containsExactly(1, 170, 174, 130, 155);
		assertThat(bodyScan.measure(174).orElseThrow().value()).isEqualTo(new BigDecimal("42.10"));
		assertThat(bodyScan.raw().path("measures").path(2).path("position").asInt()).isEqualTo(12);
		assertThat(measures.groups().get(4).measure(WithingsMeasure.SYSTOLIC_BLOOD_PRESSURE).orElseThrow().value())
			.isEqualByComparingTo("119");
		WithingsMeasureGroup manual = measures.groups().get(5);
		assertThat(manual.measure(WithingsMeasure.SYSTOLIC_BLOOD_PRESSURE).orElseThrow().value())
			.isEqualByComparingTo("121");
		// a measure whose value is not a number stays in raw(), the group is read
		assertThat(manual.measures()).map(WithingsMeasure::type).containsExactly(10, 9);
		assertThat(manual.raw().path("measures").size()).isEqualTo(4);
		assertThat(manual.raw().path("deviceid").isNull()).isTrue();
		assertThat(measures.groups()).map((group) -> group.raw().path("attrib").asInt())
			.containsExactly(0, 1, 17, 0, 0, 2);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getDevicesWhenEmptyModelUnknownBatteryNullDatesAndUnknownModelThenRead(Stack stack) {
		replay(SimulatorEndpoint.USER, "getdevice-quirks.json");

		WithingsRows<WithingsDevice> devices = call(stack, WithingsApi::getDevices, WithingsReactiveApi::getDevices);

		assertThat(devices.isComplete()).isTrue();
		WithingsDevice scale = devices.get(0);
		assertThat(scale.model()).isEmpty();
		assertThat(scale.battery()).isEqualTo("unknown");
		assertThat(scale.firstSessionDate()).isNull();
		assertThat(scale.lastSessionDate()).isNull();
		WithingsDevice unknown = devices.get(1);
		assertThat(unknown.type()).isEqualTo("Smart Mirror");
		assertThat(unknown.modelId()).isEqualTo(424242);
		assertThat(unknown.firstSessionDate()).isNull();
		assertThat(unknown.lastSessionDate()).isEqualTo(Instant.ofEpochSecond(1764500000));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void callWhenNotifyListWithExpiresAndNullCommentThenRead(Stack stack) {
		replay(SimulatorEndpoint.NOTIFY, "notify-list-expires.json");

		JsonNode body = call(stack, (api) -> api.call("/notify", "list", Map.of(), JsonNode.class),
				(api) -> api.call("/notify", "list", Map.of(), JsonNode.class));

		assertThat(body.path("profiles")).hasSize(2);
		assertThat(body.path("profiles").path(0).path("comment").isNull()).isTrue();
		assertThat(WithingsJson.text(body.path("profiles").path(0).path("comment"))).isNull();
		assertThat(WithingsJson.whole(body.path("profiles").path(1).path("expires"))).isEqualTo(2147483647L);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void callWhenSleepGetSeriesIsAnArrayOfMapsKeyedByEpochStringsThenRead(Stack stack) {
		Map<String, String> night = Map.of("startdate", "1764630000", "enddate", "1764633000", "data_fields", "hr,rr");
		JsonNode own = call(stack, (api) -> api.call("/v2/sleep", "get", night, JsonNode.class),
				(api) -> api.call("/v2/sleep", "get", night, JsonNode.class));
		assertThat(own.path("series").isArray()).isTrue();
		assertThat(own.path("series").path(0).path("hr").propertyNames()).allMatch((key) -> key.matches("\\d+"));
		assertThat(own.path("series").path(0).has("snoring")).isFalse();
		replay(SimulatorEndpoint.SLEEP, "sleep-get-series-array.json");

		@SuppressWarnings("unchecked")
		Map<String, Object> body = call(stack, (api) -> api.call("/v2/sleep", "get", night, Map.class),
				(api) -> api.call("/v2/sleep", "get", night, Map.class));

		assertThat(body.get("series")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.hasSize(3)
			.first()
			.satisfies((segment) -> assertThat(((Map<?, ?>) segment).get("hr"))
				.isEqualTo(Map.of("1764630000", 61, "1764630300", 60)));
		assertThat(((Map<?, ?>) ((List<?>) body.get("series")).get(2)).containsKey("hr")).isFalse();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void callWhenHeartGetSignalIsAStringThenReadAsSent(Stack stack) {
		Map<String, String> signal = Map.of("signalid", "7001234");
		JsonNode own = call(stack, (api) -> api.call("/v2/heart", "get", signal, JsonNode.class),
				(api) -> api.call("/v2/heart", "get", signal, JsonNode.class));
		assertThat(own.path("signal").isArray()).isTrue();
		replay(SimulatorEndpoint.HEART, "heart-get-signal-string.json");

		JsonNode body = call(stack, (api) -> api.call("/v2/heart", "get", signal, JsonNode.class),
				(api) -> api.call("/v2/heart", "get", signal, JsonNode.class));

		assertThat(body.path("signal").isString()).isTrue();
		assertThat(body.path("signal").asString()).isEqualTo("[12,-4,33,0,7]");
		assertThat(WithingsJson.number(body.path("signal"))).isNull();
		assertThat(WithingsJson.integer(body.path("sampling_frequency"))).isEqualTo(300);
	}

	// --- envelopes ----------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenErrorWithoutBodyAndTheNumberAsTextThenWithingsApiExceptionWithStatusAndText(Stack stack) {
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.answer("{\"status\":246,\"error\":\"246\"}"));

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call(stack, (api) -> api.getMeasures(FROM, TO), (api) -> api.getMeasures(FROM, TO)))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(246);
				assertThat(ex.getError()).isEqualTo("246");
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.of(246));
			});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getSleepSummariesWhenNotImplementedWithoutBodyThenWithingsApiExceptionWithStatus(Stack stack) {
		this.simulator.injectFault(SimulatorEndpoint.SLEEP,
				SimulatorFault.answer("{\"status\":2554,\"error\":\"Not implemented\"}"));
		LocalDate day = LocalDate.parse("2026-12-01");

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call(stack, (api) -> api.getSleepSummaries(day, day),
					(api) -> api.getSleepSummaries(day, day)))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(2554);
				assertThat(ex.getError()).isEqualTo("Not implemented");
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.NOT_IMPLEMENTED);
			});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getWorkoutsWhenErrorsListInsteadOfEnvelopeThenWithingsApiExceptionWithWithingsText(Stack stack) {
		this.simulator.injectFault(SimulatorEndpoint.MEASURE_V2, SimulatorFault
			.answer("{\"errors\":[{\"message\":\"invalid_params: the parameters must be in the POST body\"}]}"));
		LocalDate day = LocalDate.parse("2026-12-01");

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call(stack, (api) -> api.getWorkouts(day, day), (api) -> api.getWorkouts(day, day)))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isNull();
				assertThat(ex.getError()).isEqualTo("invalid_params: the parameters must be in the POST body");
				assertThat(ex.getMessage()).startsWith("Withings answered with an error list ('errors'), not a status envelope");
			});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getActivityWhenSuccessWithoutBodyOrWithNullBodyThenNoRows(Stack stack) {
		this.simulator.injectFault(SimulatorEndpoint.MEASURE_V2, SimulatorFault.answer("{\"status\":0}"));
		this.simulator.injectFault(SimulatorEndpoint.MEASURE_V2, SimulatorFault.answer("{\"status\":0,\"body\":null}"));
		LocalDate day = LocalDate.parse("2026-12-01");

		WithingsRows<WithingsActivity> noBody = call(stack, (api) -> api.getActivity(day, day),
				(api) -> api.getActivity(day, day));
		assertThat(noBody).isEmpty();
		WithingsRows<WithingsActivity> rows = call(stack, (api) -> api.getActivity(day, day),
				(api) -> api.getActivity(day, day));
		assertThat(rows).isEmpty();
		assertThat(rows.isComplete()).isTrue();
	}

	// --- the request --------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenTheUserHasObjectivesThenOnlyRealMeasuresAsked(Stack stack) {
		Instant lastSync = this.simulator.clock().instant().minusSeconds(1);
		long measured = this.simulator.recordMeasures(USER, new SimulatorMeasure(WithingsMeasure.WEIGHT, 70100, -3));
		this.simulator.recordObjective(USER, new SimulatorMeasure(WithingsMeasure.WEIGHT, 65000, -3));

		WithingsMeasures measures = call(stack, (api) -> api.getMeasuresUpdatedSince(lastSync),
				(api) -> api.getMeasuresUpdatedSince(lastSync));

		assertThat(measures.groups()).singleElement().satisfies((group) -> {
			assertThat(group.id()).isEqualTo(measured);
			assertThat(group.category()).isEqualTo(1);
		});
		List<?> mixed = call(stack,
				(api) -> api.call("/measure", "getmeas", Map.of("lastupdate", Long.toString(lastSync.getEpochSecond())),
						JsonNode.class).path("measuregrps").valueStream().toList(),
				(api) -> api.call("/measure", "getmeas", Map.of("lastupdate", Long.toString(lastSync.getEpochSecond())),
						JsonNode.class).map((body) -> body.path("measuregrps").valueStream().toList()));
		assertThat(mixed).hasSize(2);
	}

	@Test
	void callWhenCategoryNotOneOrTwoThenInvalidParams() {
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of("lastupdate", "0", "category", "3"),
					JsonNode.class))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(503));
	}

	@Test
	void answerWhenRequestRefusedThenTheSimulatorsRefusalNotTheRecordedAnswer() {
		replay(SimulatorEndpoint.MEASURE, "getmeas-no-paging-keys.json");

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> this.api.call("/measure", "getmeas", Map.of("lastupdate", "x"), JsonNode.class))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(503));
	}

}
