package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorMeasure;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The typed calls of {@link WithingsApi} (over the starter's {@code RestClient}) and
 * {@link WithingsReactiveApi} (over its {@code WebClient} filter), over HTTP against the
 * simulator: every page read and merged, {@code lastupdate}, exact {@code BigDecimal} values,
 * unknown measure types and fields kept, and Withings' refusals as {@link WithingsApiException}.
 * Each test runs on both stacks.
 */
class WithingsTypedApiTests {

	private static final String USER = "36000042";

	private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	enum Stack {

		SERVLET, REACTIVE

	}

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private WithingsApi api;

	private WithingsReactiveApi reactiveApi;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET, null);
		this.api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(this.fixture.clients, this.fixture.service))
			.build()).forUser(USER);
		this.reactiveApi = new WithingsReactiveApi(WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.clientConnector(new JdkClientHttpConnector())
			.filter(new WithingsExchangeFilterFunction(this.fixture.clients, this.fixture.service))
			.build()).forUser(USER);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	/** The same call on the stack under test, its answer. */
	private <T> T call(Stack stack, Function<WithingsApi, T> servlet, Function<WithingsReactiveApi, Mono<T>> reactive) {
		return (stack == Stack.SERVLET) ? servlet.apply(this.api) : reactive.apply(this.reactiveApi).block(TIMEOUT);
	}

	private Instant now() {
		return this.simulator.clock().instant();
	}

	private LocalDate today() {
		return LocalDate.ofInstant(now(), PARIS);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenThreePagesThenEveryPageMergedInOrder(Stack stack) {
		this.fixture.link("alice", USER);
		Instant from = now().minus(Duration.ofDays(400));
		Instant to = now();
		WithingsMeasures onePage = call(stack, (api) -> api.getMeasures(from, to), (api) -> api.getMeasures(from, to));
		this.simulator.setPageSize(20);
		int requests = this.simulator.counters().dataRequests();

		WithingsMeasures paged = call(stack, (api) -> api.getMeasures(from, to), (api) -> api.getMeasures(from, to));

		assertThat(this.simulator.counters().dataRequests() - requests).isEqualTo(3);
		assertThat(paged.groups()).hasSize(60);
		assertThat(paged.groups()).map(WithingsMeasureGroup::id)
			.containsExactlyElementsOf(onePage.groups().stream().map(WithingsMeasureGroup::id).toList());
		assertThat(paged.more()).isFalse();
		assertThat(paged.timezone()).isEqualTo("Europe/Paris");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresUpdatedSinceWhenGroupsRecordedLaterThenOnlyThoseGroups(Stack stack) {
		this.fixture.link("alice", USER);
		Instant lastSync = now();
		this.simulator.clock().advance(Duration.ofSeconds(5));
		this.simulator.stepOnScale(USER, 72.5);
		this.simulator.clock().advance(Duration.ofSeconds(5));
		long recorded = this.simulator.recordMeasures(USER, new SimulatorMeasure(WithingsMeasure.FAT_RATIO, 2150, -2));
		this.simulator.setPageSize(1);

		WithingsMeasures updated = call(stack, (api) -> api.getMeasuresUpdatedSince(lastSync),
				(api) -> api.getMeasuresUpdatedSince(lastSync));

		assertThat(updated.groups()).hasSize(2);
		assertThat(updated.groups().get(0).id()).isEqualTo(recorded);
		assertThat(updated.groups().get(1).measure(WithingsMeasure.WEIGHT)).get()
			.extracting(WithingsMeasure::value)
			.isEqualTo(new BigDecimal("72.500"));
		assertThat(updated.lastModified()).contains(lastSync.truncatedTo(ChronoUnit.SECONDS).plusSeconds(10));
		WithingsMeasures nothingNewer = call(stack,
				(api) -> api.getMeasuresUpdatedSince(updated.lastModified().orElseThrow()),
				(api) -> api.getMeasuresUpdatedSince(updated.lastModified().orElseThrow()));
		assertThat(nothingNewer.groups()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenUnknownTypesThenKeptWithTheirCodeAndExactValues(Stack stack) {
		this.fixture.link("alice", USER);
		Instant lastSync = now().minusSeconds(1);
		this.simulator.recordMeasures(USER, new SimulatorMeasure(WithingsMeasure.WEIGHT, 65750, -3),
				new SimulatorMeasure(9999, 123456789, -7), new SimulatorMeasure(77, 5, 2),
				new SimulatorMeasure(WithingsMeasure.FAT_RATIO, 1, -20));

		WithingsMeasures measures = call(stack, (api) -> api.getMeasuresUpdatedSince(lastSync),
				(api) -> api.getMeasuresUpdatedSince(lastSync));

		WithingsMeasureGroup group = measures.groups().get(0);
		assertThat(group.measures()).map(WithingsMeasure::type).containsExactly(1, 9999, 77, 6);
		assertThat(group.measure(WithingsMeasure.WEIGHT).orElseThrow().value()).isEqualTo(new BigDecimal("65.750"));
		assertThat(group.measure(9999).orElseThrow().value()).isEqualTo(new BigDecimal("12.3456789"));
		assertThat(group.measure(77).orElseThrow().value()).isEqualByComparingTo("500");
		assertThat(group.measure(WithingsMeasure.FAT_RATIO).orElseThrow().value())
			.isEqualTo(new BigDecimal("1E-20"));
		assertThat(group.raw().path("model").asString()).isEqualTo("Body Smart");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenTypesAskedThenOnlyThoseMeasures(Stack stack) {
		this.fixture.link("alice", USER);
		Instant lastSync = now().minusSeconds(1);
		this.simulator.recordMeasures(USER, new SimulatorMeasure(WithingsMeasure.SYSTOLIC_BLOOD_PRESSURE, 121, 0),
				new SimulatorMeasure(WithingsMeasure.DIASTOLIC_BLOOD_PRESSURE, 79, 0),
				new SimulatorMeasure(WithingsMeasure.HEART_PULSE, 64, 0));

		WithingsMeasures measures = call(stack,
				(api) -> api.getMeasuresUpdatedSince(lastSync, WithingsMeasure.SYSTOLIC_BLOOD_PRESSURE,
						WithingsMeasure.DIASTOLIC_BLOOD_PRESSURE),
				(api) -> api.getMeasuresUpdatedSince(lastSync, WithingsMeasure.SYSTOLIC_BLOOD_PRESSURE,
						WithingsMeasure.DIASTOLIC_BLOOD_PRESSURE));

		assertThat(measures.groups()).singleElement()
			.satisfies((group) -> assertThat(group.measures()).map(WithingsMeasure::type).containsExactly(10, 9));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getActivityWhenDaysOverPagesThenEveryDayParsedAndUnknownFieldsKept(Stack stack) {
		this.fixture.link("alice", USER);
		LocalDate from = today().minusDays(6);
		this.simulator.setPageSize(3);

		List<WithingsActivity> days = call(stack, (api) -> api.getActivity(from, today()),
				(api) -> api.getActivity(from, today()));

		assertThat(days).map(WithingsActivity::date).containsExactlyElementsOf(from.datesUntil(today().plusDays(1)).toList());
		assertThat(days).allSatisfy((day) -> {
			assertThat(day.steps()).isBetween(3_000L, 12_000L);
			// distance = steps x 0.7 m, calories = (steps x 4 + 17) / 100 kcal: exact decimals
			assertThat(day.distance()).isEqualTo(BigDecimal.valueOf(day.steps() * 7, 1));
			assertThat(day.calories()).isEqualTo(BigDecimal.valueOf(day.steps() * 4 + 17, 2));
			assertThat(day.value("hr_zone_3")).contains(BigDecimal.valueOf(60));
			assertThat(day.raw().path("brand").asInt()).isEqualTo(1);
			assertThat(day.timezone()).isEqualTo("Europe/Paris");
		});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getActivityWhenANotificationsInstantsThenEveryDayTheyCanFallOn(Stack stack) {
		this.fixture.link("alice", USER);
		Instant start = today().minusDays(3).atTime(12, 0).atZone(PARIS).toInstant();
		Instant end = today().minusDays(2).atTime(12, 0).atZone(PARIS).toInstant();

		List<WithingsActivity> days = call(stack, (api) -> api.getActivity(start, end),
				(api) -> api.getActivity(start, end));

		assertThat(days).map(WithingsActivity::date).contains(today().minusDays(3), today().minusDays(2));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getActivityUpdatedSinceWhenLastUpdateThenOnlyDaysModifiedAfterIt(Stack stack) {
		this.fixture.link("alice", USER);
		Instant lastUpdate = today().minusDays(3).atTime(23, 0).atZone(PARIS).toInstant();

		List<WithingsActivity> days = call(stack, (api) -> api.getActivityUpdatedSince(lastUpdate),
				(api) -> api.getActivityUpdatedSince(lastUpdate));

		assertThat(days).isNotEmpty().allSatisfy((day) -> assertThat(day.modified()).isAfter(lastUpdate));
		assertThat(days).map(WithingsActivity::date).doesNotContain(today().minusDays(3));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getSleepSummariesWhenDaysThenNightsParsedWithTheirMetrics(Stack stack) {
		this.fixture.link("alice", USER);
		LocalDate from = today().minusDays(7);
		LocalDate to = today().minusDays(1);
		this.simulator.setPageSize(2);

		List<WithingsSleepSummary> nights = call(stack, (api) -> api.getSleepSummaries(from, to),
				(api) -> api.getSleepSummaries(from, to));

		assertThat(nights).hasSize(7).allSatisfy((night) -> {
			BigDecimal stages = night.value("lightsleepduration")
				.orElseThrow()
				.add(night.value("deepsleepduration").orElseThrow())
				.add(night.value("remsleepduration").orElseThrow());
			assertThat(night.value("total_sleep_time")).contains(stages);
			assertThat(night.value("total_timeinbed"))
				.contains(BigDecimal.valueOf(Duration.between(night.startDate(), night.endDate()).toSeconds()));
			assertThat(night.endDate()).isEqualTo(night.date().atTime(7, 0).atZone(PARIS).toInstant());
			assertThat(night.data().path("night_events").isObject()).isTrue();
			assertThat(night.raw().path("completed").asBoolean()).isTrue();
		});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getWorkoutsWhenThirtyDaysThenAWorkoutEveryThirdDay(Stack stack) {
		this.fixture.link("alice", USER);
		LocalDate from = today().minusDays(30);
		LocalDate to = today().minusDays(1);
		this.simulator.setPageSize(4);

		List<WithingsWorkout> workouts = call(stack, (api) -> api.getWorkouts(from, to),
				(api) -> api.getWorkouts(from, to));

		assertThat(workouts).hasSize(10).allSatisfy((workout) -> {
			assertThat(workout.category()).isIn(1, 2);
			assertThat(workout.value("calories").orElseThrow().scale()).isEqualTo(2);
			assertThat(workout.value("spo2_average")).isEmpty();
			assertThat(workout.data().has("spo2_average")).isTrue();
			assertThat(workout.raw().path("attrib").asInt()).isEqualTo(7);
		});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getHeartRecordingsWhenPagedThenTheSameRecordingsAsOnePage(Stack stack) {
		this.fixture.link("alice", USER);
		Instant from = now().minus(Duration.ofDays(40));
		Instant to = now();
		List<WithingsHeartRecording> onePage = call(stack, (api) -> api.getHeartRecordings(from, to),
				(api) -> api.getHeartRecordings(from, to));
		this.simulator.setPageSize(2);

		List<WithingsHeartRecording> paged = call(stack, (api) -> api.getHeartRecordings(from, to),
				(api) -> api.getHeartRecordings(from, to));

		assertThat(paged).hasSizeGreaterThanOrEqualTo(7).isEqualTo(onePage);
		assertThat(paged).allSatisfy((recording) -> {
			assertThat(recording.timestamp()).isBetween(from, to);
			assertThat(recording.signalId()).isNotNull();
			assertThat(recording.afib()).isBetween(0, 2);
			assertThat(recording.heartRate()).isBetween(60, 89);
		});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getDevicesWhenLinkedThenTheUsersDevicesWithEveryField(Stack stack) {
		this.fixture.link("alice", USER);

		List<WithingsDevice> devices = call(stack, WithingsApi::getDevices, WithingsReactiveApi::getDevices);

		assertThat(devices).map(WithingsDevice::type).containsExactly("Scale", "Activity Tracker");
		assertThat(devices.get(1).modelId()).isEqualTo(93);
		assertThat(devices.get(1).lastSessionDate()).isBefore(now());
		assertThat(devices.get(0).raw().path("hash_deviceid").asString()).isEqualTo(devices.get(0).deviceId());
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getActivityWhenScopeNotGrantedThenWithingsApiExceptionWithWithingsStatus(Stack stack) {
		this.fixture.linkWithScope("alice", USER, "user.metrics");

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call(stack, (api) -> api.getActivity(today().minusDays(1), today()),
					(api) -> api.getActivity(today().minusDays(1), today())))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(214);
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.UNAUTHORIZED);
				assertThat(ex.getError()).contains("user.activity");
			});
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void getMeasuresWhenScopeNotGrantedThenWithingsApiExceptionWithWithingsStatus(Stack stack) {
		this.fixture.linkWithScope("alice", USER, "user.activity");

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call(stack, (api) -> api.getMeasuresUpdatedSince(Instant.EPOCH),
					(api) -> api.getMeasuresUpdatedSince(Instant.EPOCH)))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(214));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void callWhenRequiredParameterMissingThenWithingsApiExceptionWithInvalidParams(Stack stack) {
		this.fixture.link("alice", USER);
		Map<String, String> noPeriod = Map.of();

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call(stack, (api) -> api.call("/v2/sleep", "getsummary", noPeriod, JsonNode.class),
					(api) -> api.call("/v2/sleep", "getsummary", noPeriod, JsonNode.class)))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(503);
				assertThat(ex.getFamily()).isEqualTo(WithingsStatusFamily.INVALID_PARAMS);
			});
	}

}
