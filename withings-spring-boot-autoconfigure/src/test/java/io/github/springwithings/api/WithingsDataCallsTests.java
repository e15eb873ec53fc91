package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The typed calls' shared rules: forms, the paging rule and its bounds, merging, widening instants
 * to days.
 */
class WithingsDataCallsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static JsonNode body(String body) {
		return json.readTree(body);
	}

	@Test
	void parametersWhenFirstPageThenNoOffsetAndWhenLaterPageThenOffset() {
		WithingsDataCalls.Call<WithingsMeasures> call = WithingsDataCalls.measures(Instant.ofEpochSecond(10),
				Instant.ofEpochSecond(20), 1, 6);

		assertThat(call.parameters(0)).containsOnlyKeys("startdate", "enddate", "meastypes", "category")
			.containsEntry("meastypes", "1,6");
		assertThat(call.parameters(200)).containsEntry("offset", "200");
	}

	@Test
	void parametersWhenMeasuresThenRealMeasuresOnlyCategoryOne() {
		assertThat(WithingsDataCalls.measures(Instant.EPOCH, Instant.EPOCH).parameters(0)).containsEntry("category",
				"1");
		assertThat(WithingsDataCalls.measuresSince(Instant.EPOCH).parameters(0)).containsEntry("category", "1");
	}

	@Test
	void pagingWhenMoreAsNumberBooleanOrTextThenTheOffsetAndWhenNoMoreThenEnd() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.activitySince(Instant.EPOCH);

		assertThat(call.paging(body("{\"more\":1,\"offset\":3}"), 1, 0).next()).isEqualTo(3);
		assertThat(call.paging(body("{\"more\":true,\"offset\":6}"), 2, 3).next()).isEqualTo(6);
		assertThat(call.paging(body("{\"more\":\"true\",\"offset\":\"9\"}"), 3, 6).next()).isEqualTo(9);
		assertThat(call.paging(body("{\"more\":false,\"offset\":0}"), 3, 6)).isEqualTo(WithingsDataCalls.Paging.END);
		assertThat(call.paging(body("{\"more\":0,\"offset\":0}"), 3, 6)).isEqualTo(WithingsDataCalls.Paging.END);
		assertThat(call.paging(body("{}"), 1, 0)).isEqualTo(WithingsDataCalls.Paging.END);
	}

	@Test
	void pagingWhenMoreFalseWithAnOffsetThenEndAndComplete() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.activitySince(Instant.EPOCH);

		assertThat(call.paging(body("{\"more\":false,\"offset\":200}"), 1, 0)).isEqualTo(WithingsDataCalls.Paging.END);
	}

	@Test
	void pagingWhenMoreButOffsetDoesNotAdvanceThenStopIncompleteNeverAnException() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.workoutsSince(Instant.EPOCH);

		WithingsDataCalls.Paging stuck = call.paging(body("{\"more\":true,\"offset\":3}"), 2, 3);
		assertThat(stuck.next()).isNull();
		assertThat(stuck.isComplete()).isFalse();
		assertThat(stuck.incomplete()).isEqualTo("more data but an offset (3) that does not advance past 3");
		assertThat(call.paging(body("{\"more\":1,\"offset\":0}"), 1, 0).incomplete())
			.isEqualTo("more data but an offset (0) that does not advance past 0");
		assertThat(call.paging(body("{\"more\":true}"), 1, 0).incomplete())
			.isEqualTo("more data but no offset that does not advance past 0");
		assertThat(call.paging(body("{\"more\":true,\"offset\":[1]}"), 1, 0).isComplete()).isFalse();
	}

	@Test
	void pagingWhenMoreAfterMaxPagesThenStopIncomplete() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.heartRecordings(Instant.EPOCH, Instant.now());

		assertThat(call.paging(body("{\"more\":true,\"offset\":99}"), WithingsApi.MAX_PAGES - 1, 98).next())
			.isEqualTo(99);
		WithingsDataCalls.Paging last = call.paging(body("{\"more\":true,\"offset\":100}"), WithingsApi.MAX_PAGES, 99);
		assertThat(last.next()).isNull();
		assertThat(last.incomplete()).isEqualTo("more data after 100 pages");
	}

	@Test
	void pagingWhenNotPagedThenEnd() {
		assertThat(WithingsDataCalls.devices().paging(body("{\"more\":true,\"offset\":1}"), 1, 0))
			.isEqualTo(WithingsDataCalls.Paging.END);
	}

	@Test
	void resultWhenTwoPagesThenGroupsInOrderAndNoMore() {
		WithingsMeasures measures = WithingsDataCalls.measuresSince(Instant.EPOCH)
			.result(List.of(body("{\"updatetime\":5,\"timezone\":\"Europe/Paris\",\"more\":1,\"offset\":1,"
					+ "\"measuregrps\":[{\"grpid\":2,\"date\":20,\"modified\":21,\"category\":1,"
					+ "\"measures\":[{\"value\":65750,\"type\":1,\"unit\":-3}]}]}"),
					body("{\"more\":0,\"offset\":0,\"measuregrps\":[{\"grpid\":1,\"date\":10,\"category\":1,"
							+ "\"measures\":[{\"value\":7,\"type\":4242,\"unit\":1}]}]}")),
					WithingsDataCalls.Paging.END, ObservationRegistry.NOOP);

		assertThat(measures.groups()).map(WithingsMeasureGroup::id).containsExactly(2L, 1L);
		assertThat(measures.groups().get(1).measure(4242).orElseThrow().value()).isEqualByComparingTo("70");
		assertThat(measures.more()).isFalse();
		assertThat(measures.isComplete()).isTrue();
		assertThat(measures.updatedAt()).isEqualTo(Instant.ofEpochSecond(5));
		assertThat(measures.lastModified()).contains(Instant.ofEpochSecond(21));
	}

	@Test
	void resultWhenStoppedShortThenEveryRowReceivedMarkedIncompleteAndCounted() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		WithingsDataCalls.Call<WithingsMeasures> call = WithingsDataCalls.measuresSince(Instant.EPOCH);
		JsonNode page = body("{\"updatetime\":\"1700000000\",\"more\":1,\"offset\":0,\"measuregrps\":["
				+ "{\"grpid\":7,\"date\":20,\"category\":1,\"measures\":[{\"value\":80,\"type\":1,\"unit\":0}]},"
				+ "{\"grpid\":7,\"date\":19,\"category\":1,\"measures\":[{\"value\":81,\"type\":1,\"unit\":0}]}]}");

		WithingsMeasures measures = call.result(List.of(page), call.paging(page, 1, 0), registry);

		assertThat(measures.groups()).map(WithingsMeasureGroup::id).containsExactly(7L, 7L);
		assertThat(measures.isComplete()).isFalse();
		assertThat(measures.more()).isTrue();
		assertThat(measures.updatedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
		TestObservationRegistryAssert.assertThat(registry)
			.hasObservationWithNameEqualTo("withings.api.pages")
			.that()
			.hasLowCardinalityKeyValue("action", "getmeas")
			.hasEvent("incomplete")
			.hasBeenStopped();
	}

	@Test
	void pageWhenDecimalsThenExactWithTheirScale() {
		JsonNode page = WithingsDataCalls.Call.page("{\"calories\":241.60,\"distance\":0.1000000000000000055511151231257827}");

		assertThat(WithingsJson.number(page.path("calories"))).isEqualTo(new BigDecimal("241.60"));
		assertThat(WithingsJson.number(page.path("distance")))
			.isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
		assertThat(WithingsDataCalls.Call.page(null).isMissingNode()).isTrue();
	}

	@Test
	void firstDayAndLastDayWhenInstantThenEveryDayItCanBeSomewhere() {
		Instant noonUtc = Instant.parse("2026-11-20T12:00:00Z");
		Instant midnightUtc = Instant.parse("2026-11-20T00:00:00Z");

		assertThat(WithingsDataCalls.firstDay(noonUtc)).isEqualTo(LocalDate.parse("2026-11-20"));
		assertThat(WithingsDataCalls.lastDay(noonUtc)).isEqualTo(LocalDate.parse("2026-11-21"));
		assertThat(WithingsDataCalls.firstDay(midnightUtc)).isEqualTo(LocalDate.parse("2026-11-19"));
		assertThat(WithingsDataCalls.lastDay(midnightUtc)).isEqualTo(LocalDate.parse("2026-11-20"));
	}

}
