package io.github.springwithings.sample.servlet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The dashboard's headline (public accessors: templates read it): the latest weight and how it
 * changed, computed from the weights as shown (to a tenth, {@link WeightChart#kilograms}), so
 * that the numbers add up on the page.
 *
 * @param latest the newest weighing
 * @param week the change since the last weighing at least 7 days older, {@code null} without one
 * @param month the change since the oldest weighing of the period, {@code null} without one
 */
record WeightHeadline(WeightChart.Weight latest, String week, String month) {

	/**
	 * The headline of some weights.
	 * @param weights the weights, in any order
	 * @return the headline, {@code null} when there are none
	 */
	static WeightHeadline of(List<WeightChart.Weight> weights) {
		List<WeightChart.Weight> sorted = weights.stream().sorted(Comparator.comparing(WeightChart.Weight::date)).toList();
		if (sorted.isEmpty()) {
			return null;
		}
		WeightChart.Weight latest = sorted.get(sorted.size() - 1);
		WeightChart.Weight weekAgo = sorted.stream()
			.filter((weight) -> !weight.date().isAfter(latest.date().minus(Duration.ofDays(7))))
			.reduce((first, second) -> second)
			.orElse(null);
		WeightChart.Weight oldest = (sorted.size() > 1) ? sorted.get(0) : null;
		return new WeightHeadline(latest, change(weekAgo, latest), change(oldest, latest));
	}

	/** {@code +0.4 kg}, {@code -1.2 kg}, {@code ±0.0 kg}. */
	private static String change(WeightChart.Weight from, WeightChart.Weight to) {
		if (from == null) {
			return null;
		}
		BigDecimal change = round(to).subtract(round(from));
		String sign = (change.signum() > 0) ? "+" : (change.signum() < 0) ? "\u2212" : "\u00b1";
		return sign + change.abs().toPlainString() + " kg";
	}

	private static BigDecimal round(WeightChart.Weight weight) {
		return weight.kilograms().setScale(1, RoundingMode.HALF_UP);
	}

}
