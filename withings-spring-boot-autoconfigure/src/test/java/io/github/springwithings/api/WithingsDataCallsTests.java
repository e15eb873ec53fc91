package io.github.springwithings.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

		assertThat(call.parameters(0)).containsOnlyKeys("startdate", "enddate", "meastypes")
			.containsEntry("meastypes", "1,6");
		assertThat(call.parameters(200)).containsEntry("offset", "200");
	}

	@Test
	void nextOffsetWhenMoreAsNumberOrBooleanThenTheOffsetAndWhenNoMoreThenNull() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.activitySince(Instant.EPOCH);

		assertThat(call.nextOffset(body("{\"more\":1,\"offset\":3}"), 1, 0)).isEqualTo(3);
		assertThat(call.nextOffset(body("{\"more\":true,\"offset\":6}"), 2, 3)).isEqualTo(6);
		assertThat(call.nextOffset(body("{\"more\":false,\"offset\":0}"), 3, 6)).isNull();
		assertThat(call.nextOffset(body("{}"), 1, 0)).isNull();
	}

	@Test
	void nextOffsetWhenMoreButOffsetDoesNotAdvanceThenWithingsApiException() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.workoutsSince(Instant.EPOCH);

		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call.nextOffset(body("{\"more\":true,\"offset\":3}"), 2, 3))
			.withMessageContaining("does not advance");
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call.nextOffset(body("{\"more\":true}"), 1, 0));
	}

	@Test
	void nextOffsetWhenMoreAfterMaxPagesThenWithingsApiException() {
		WithingsDataCalls.Call<?> call = WithingsDataCalls.heartRecordings(Instant.EPOCH, Instant.now());

		assertThat(call.nextOffset(body("{\"more\":true,\"offset\":99}"), WithingsApi.MAX_PAGES - 1, 98)).isEqualTo(99);
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> call.nextOffset(body("{\"more\":true,\"offset\":100}"), WithingsApi.MAX_PAGES, 99))
			.withMessageContaining("100 pages");
	}

	@Test
	void nextOffsetWhenNotPagedThenNull() {
		assertThat(WithingsDataCalls.devices().nextOffset(body("{\"more\":true,\"offset\":1}"), 1, 0)).isNull();
	}

	@Test
	void resultWhenTwoPagesThenGroupsInOrderAndNoMore() {
		WithingsMeasures measures = WithingsDataCalls.measuresSince(Instant.EPOCH)
			.result(List.of(body("{\"updatetime\":5,\"timezone\":\"Europe/Paris\",\"more\":1,\"offset\":1,"
					+ "\"measuregrps\":[{\"grpid\":2,\"date\":20,\"modified\":21,\"category\":1,"
					+ "\"measures\":[{\"value\":65750,\"type\":1,\"unit\":-3}]}]}"),
					body("{\"more\":0,\"offset\":0,\"measuregrps\":[{\"grpid\":1,\"date\":10,\"category\":1,"
							+ "\"measures\":[{\"value\":7,\"type\":4242,\"unit\":1}]}]}")));

		assertThat(measures.groups()).map(WithingsMeasureGroup::id).containsExactly(2L, 1L);
		assertThat(measures.groups().get(1).measure(4242).orElseThrow().value()).isEqualByComparingTo("70");
		assertThat(measures.more()).isFalse();
		assertThat(measures.updatedAt()).isEqualTo(Instant.ofEpochSecond(5));
		assertThat(measures.lastModified()).contains(Instant.ofEpochSecond(21));
	}

	@Test
	void pageWhenDecimalsThenExactWithTheirScale() {
		JsonNode page = WithingsDataCalls.Call.page("{\"calories\":241.60,\"distance\":0.1000000000000000055511151231257827}");

		assertThat(WithingsJson.number(page.path("calories"))).isEqualTo(new java.math.BigDecimal("241.60"));
		assertThat(WithingsJson.number(page.path("distance")))
			.isEqualTo(new java.math.BigDecimal("0.1000000000000000055511151231257827"));
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
