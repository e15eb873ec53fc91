package io.github.springwithings.sample.servlet;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's axes and the one rounding of every weight shown.
 */
class WeightChartTests {

	private static final Instant NOW = Instant.parse("2026-12-07T14:00:00Z");

	@Test
	void kilogramsWhenAnyScaleThenOneDecimalHalfUp() {
		assertThat(WeightChart.kilograms(new BigDecimal("70.572"))).isEqualTo("70.6");
		assertThat(WeightChart.kilograms(new BigDecimal("70.55"))).isEqualTo("70.6");
		assertThat(WeightChart.kilograms(new BigDecimal("71.1"))).isEqualTo("71.1");
		assertThat(WeightChart.kilograms(new BigDecimal("72"))).isEqualTo("72.0");
	}

	@Test
	void ofWhenThirtyDaysThenWeeklyDatedTicksAndKilogramGridlines() {
		List<WeightChart.Weight> weights = List.of(weight(29, "70.572"), weight(15, "72.31"), weight(0, "71.1"));

		WeightChart chart = WeightChart.of(weights, NOW.minus(Duration.ofDays(30)), NOW);

		assertThat(chart.xTicks()).extracting(WeightChart.XTick::label)
			.containsExactly("9 Nov", "16 Nov", "23 Nov", "30 Nov", "7 Dec");
		assertThat(chart.xTicks()).allSatisfy((tick) -> assertThat(tick.x()).isBetween((double) WeightChart.LEFT,
				(double) WeightChart.WIDTH - WeightChart.RIGHT));
		// 70.5 to 72.5 kg in steps of half a kilogram, the lowest at the bottom
		assertThat(chart.yTicks()).extracting(WeightChart.YTick::label)
			.containsExactly("70.5 kg", "71.0 kg", "71.5 kg", "72.0 kg", "72.5 kg");
		assertThat(chart.yTicks().get(0).y()).isEqualTo(WeightChart.HEIGHT - WeightChart.BOTTOM);
		assertThat(chart.yTicks().get(4).y()).isEqualTo(WeightChart.TOP);
		assertThat(chart.points()).extracting((point) -> point.weight().shown()).containsExactly("70.6", "72.3", "71.1");
		assertThat(chart.points().get(0).label()).isEqualTo("Sun 8 Nov, 14:00 UTC: 70.6 kg");
		assertThat(chart.newestFirst()).extracting((point) -> point.weight().shown())
			.containsExactly("71.1", "72.3", "70.6");
	}

	@Test
	void ofWhenOneWeightThenOneGridStepAroundIt() {
		WeightChart chart = WeightChart.of(List.of(weight(1, "70.0")), NOW.minus(Duration.ofDays(30)), NOW);

		assertThat(chart.yTicks()).extracting(WeightChart.YTick::label).containsExactly("70.0 kg", "70.1 kg");
		assertThat(chart.points()).singleElement()
			.satisfies((point) -> assertThat(point.y()).isEqualTo(WeightChart.HEIGHT - WeightChart.BOTTOM));
	}

	@Test
	void headlineWhenWeightsThenLatestAndChangesOfTheRoundedValues() {
		List<WeightChart.Weight> weights = List.of(weight(29, "70.572"), weight(8, "72.31"), weight(3, "71.96"),
				weight(0, "71.1"));

		WeightHeadline headline = WeightHeadline.of(weights);

		assertThat(headline.latest().shown()).isEqualTo("71.1");
		// since 8 days ago (72.3), the last weighing at least 7 days older
		assertThat(headline.week()).isEqualTo("\u22121.2 kg");
		// since the oldest (70.6)
		assertThat(headline.month()).isEqualTo("+0.5 kg");
		assertThat(WeightHeadline.of(List.of(weight(0, "70")))).satisfies((single) -> {
			assertThat(single.week()).isNull();
			assertThat(single.month()).isNull();
		});
		assertThat(WeightHeadline.of(List.of())).isNull();
	}

	@Test
	void relativeWhenAnyDistanceThenWords() {
		assertThat(Times.relative(NOW.plusSeconds(20), NOW)).isEqualTo("just now");
		assertThat(Times.relative(NOW.minusSeconds(130), NOW)).isEqualTo("2 min ago");
		// never "60 min": an hour less a few seconds (the next backstop check) is "1 h"
		assertThat(Times.relative(NOW.plusSeconds(3590), NOW)).isEqualTo("in 1 h");
		assertThat(Times.relative(NOW.plus(Duration.ofMinutes(179)), NOW)).isEqualTo("in 3 h");
		assertThat(Times.relative(NOW.minus(Duration.ofDays(2)), NOW)).isEqualTo("2 days ago");
		assertThat(Times.dateTime(NOW)).isEqualTo("Mon 7 Dec, 14:00 UTC");
	}

	private static WeightChart.Weight weight(int daysAgo, String kilograms) {
		return new WeightChart.Weight(NOW.minus(Duration.ofDays(daysAgo)), new BigDecimal(kilograms));
	}

}
