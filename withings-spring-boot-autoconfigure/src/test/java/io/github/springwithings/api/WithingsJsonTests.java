package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsJson}'s promise: never an exception, never 0 for what is not a number, whatever
 * node a field holds (Jackson 3's {@code asString()}, {@code asLong()} and {@code asInt()} throw on
 * arrays, objects and text that is not a number).
 */
class WithingsJsonTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final JsonNode row = json.readTree("{\"array\":[1,2],\"empty\":[],\"object\":{\"1\":[0]},"
			+ "\"nothing\":null,\"text\":\"n/a\",\"yes\":true,\"big\":1e400,\"huge\":123456789012345678901234567890,"
			+ "\"seconds\":\"1644138861\",\"day\":\"2026-12-01\",\"decimal\":\" 0.87 \",\"farFuture\":9223372036854775807}");

	@ParameterizedTest
	@ValueSource(strings = { "array", "empty", "object", "nothing", "text", "yes", "absent" })
	void everyAccessorWhenNotAValueOfItsKindThenNullOrEmptyNeverAnException(String field) {
		JsonNode node = row.path(field);

		assertThat(WithingsJson.number(node)).isNull();
		assertThat(WithingsJson.whole(node)).isNull();
		assertThat(WithingsJson.integer(node)).isNull();
		assertThat(WithingsJson.instant(node)).isNull();
		assertThat(WithingsJson.date(node)).isNull();
		assertThat(WithingsJson.value(row, field)).isEmpty();
		assertThat(WithingsJson.more(node)).isEqualTo(field.equals("yes"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "array", "empty", "object", "nothing", "absent" })
	void textWhenArrayObjectNullOrAbsentThenNull(String field) {
		assertThat(WithingsJson.text(row.path(field))).isNull();
	}

	@Test
	void textWhenScalarThenAsText() {
		assertThat(WithingsJson.text(row.path("text"))).isEqualTo("n/a");
		assertThat(WithingsJson.text(row.path("yes"))).isEqualTo("true");
		assertThat(WithingsJson.text(json.readTree("{\"n\":42}").path("n"))).isEqualTo("42");
	}

	@Test
	void numbersWhenTextOrOutOfRangeThenExactOrNull() {
		assertThat(WithingsJson.number(row.path("decimal"))).isEqualTo(new BigDecimal("0.87"));
		assertThat(WithingsJson.whole(row.path("seconds"))).isEqualTo(1644138861L);
		assertThat(WithingsJson.instant(row.path("seconds"))).isEqualTo(Instant.ofEpochSecond(1644138861L));
		assertThat(WithingsJson.whole(row.path("huge"))).isNull();
		assertThat(WithingsJson.integer(row.path("seconds"))).isEqualTo(1644138861);
		assertThat(WithingsJson.whole(row.path("big"))).isNull();
		assertThat(WithingsJson.instant(row.path("farFuture"))).isNull();
		assertThat(WithingsJson.date(row.path("day"))).isEqualTo(LocalDate.parse("2026-12-01"));
		assertThat(WithingsJson.value(null, "day")).isEmpty();
		assertThat(WithingsJson.value(row.path("array"), "day")).isEmpty();
	}

	@Test
	void moreWhenNumberBooleanOrTextThenTrueOnlyForYes() {
		JsonNode more = json.readTree("{\"one\":1,\"zero\":0,\"yes\":true,\"no\":false,\"text\":\"true\",\"textOne\":\"1\"}");

		assertThat(WithingsJson.more(more.path("one"))).isTrue();
		assertThat(WithingsJson.more(more.path("zero"))).isFalse();
		assertThat(WithingsJson.more(more.path("yes"))).isTrue();
		assertThat(WithingsJson.more(more.path("no"))).isFalse();
		assertThat(WithingsJson.more(more.path("text"))).isTrue();
		assertThat(WithingsJson.more(more.path("textOne"))).isTrue();
		assertThat(WithingsJson.more(more.path("absent"))).isFalse();
	}

	@Test
	void recordsWhenEveryFieldHasTheWrongShapeThenReadWithNullsNeverAnException() {
		JsonNode wrong = json.readTree("{\"id\":[1],\"grpid\":{\"a\":1},\"date\":[\"2026-12-01\"],\"category\":\"walk\","
				+ "\"startdate\":{},\"enddate\":\"soon\",\"timezone\":[],\"model\":{},\"modified\":[1],"
				+ "\"deviceid\":{\"id\":1},\"data\":[1,2],\"measures\":{\"type\":1},\"ecg\":[],\"timestamp\":\"x\","
				+ "\"model_id\":\"x\",\"battery\":[],\"type\":{},\"steps\":\"many\"}");

		assertThat(WithingsSleepSummary.of(wrong)).satisfies((night) -> {
			assertThat(night.id()).isZero();
			assertThat(night.date()).isNull();
			assertThat(night.timezone()).isNull();
			assertThat(night.value("total_sleep_time")).isEmpty();
		});
		assertThat(WithingsWorkout.of(wrong)).satisfies((workout) -> {
			assertThat(workout.category()).isZero();
			assertThat(workout.deviceId()).isNull();
			assertThat(workout.value("calories")).isEmpty();
		});
		assertThat(WithingsMeasureGroup.of(wrong)).satisfies((group) -> {
			assertThat(group.id()).isZero();
			assertThat(group.date()).isNull();
			assertThat(group.measures()).isEmpty();
			assertThat(group.timezone()).isNull();
		});
		assertThat(WithingsActivity.of(wrong).steps()).isNull();
		assertThat(WithingsHeartRecording.of(wrong).signalId()).isNull();
		assertThat(WithingsDevice.of(wrong).battery()).isNull();
	}

}
