package io.github.springwithings.sample.servlet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A weight chart drawn by the application itself as SVG coordinates (no chart library, no CDN).
 *
 * @param points the points, oldest first
 * @param polyline the SVG polyline of the points
 * @param min the lowest weight
 * @param max the highest weight
 */
record WeightChart(List<Point> points, String polyline, BigDecimal min, BigDecimal max) {

	static final int WIDTH = 720;

	static final int HEIGHT = 240;

	private static final int MARGIN = 30;

	static WeightChart of(List<Weight> weights) {
		List<Weight> sorted = weights.stream().sorted(Comparator.comparing(Weight::date)).toList();
		if (sorted.isEmpty()) {
			return new WeightChart(List.of(), "", BigDecimal.ZERO, BigDecimal.ZERO);
		}
		BigDecimal min = sorted.stream().map(Weight::kilograms).min(Comparator.naturalOrder()).orElseThrow();
		BigDecimal max = sorted.stream().map(Weight::kilograms).max(Comparator.naturalOrder()).orElseThrow();
		long first = sorted.get(0).date().getEpochSecond();
		long last = sorted.get(sorted.size() - 1).date().getEpochSecond();
		double spanX = Math.max(1, last - first);
		double spanY = Math.max(0.001, max.subtract(min).doubleValue());
		List<Point> points = sorted.stream()
			.map((weight) -> new Point(
					MARGIN + (weight.date().getEpochSecond() - first) / spanX * (WIDTH - 2 * MARGIN),
					HEIGHT - MARGIN - (weight.kilograms().subtract(min).doubleValue() / spanY) * (HEIGHT - 2 * MARGIN),
					weight))
			.toList();
		StringBuilder polyline = new StringBuilder();
		points.forEach((point) -> polyline.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", point.x(), point.y())));
		return new WeightChart(points, polyline.toString().trim(), min.setScale(1, RoundingMode.DOWN),
				max.setScale(1, RoundingMode.UP));
	}

	record Point(double x, double y, Weight weight) {
	}

	record Weight(Instant date, BigDecimal kilograms) {
	}

}
