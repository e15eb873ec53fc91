package io.github.springwithings.sample.servlet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A weight chart drawn by the application itself as SVG (no chart library, no CDN): the period on
 * the x axis with a labelled tick every few days, kilograms on the y axis with labelled
 * gridlines, a point per weighing. The SVG scales to its container ({@code viewBox}, width 100%).
 * Every weight it shows is rounded once, by {@link #kilograms(BigDecimal)}.
 *
 * @param points the points, oldest first
 * @param polyline the SVG polyline of the points
 * @param xTicks the x axis' ticks (days)
 * @param yTicks the y axis' gridlines (kilograms)
 */
record WeightChart(List<Point> points, String polyline, List<XTick> xTicks, List<YTick> yTicks) {

	static final int WIDTH = 960;

	static final int HEIGHT = 300;

	static final int LEFT = 64;

	static final int RIGHT = 36;

	static final int TOP = 14;

	static final int BOTTOM = 34;

	/**
	 * The chart of a period's weights.
	 * @param weights the weights, in any order
	 * @param from the start of the period
	 * @param to its end
	 * @return the chart
	 */
	static WeightChart of(List<Weight> weights, Instant from, Instant to) {
		List<Weight> sorted = weights.stream().sorted(Comparator.comparing(Weight::date)).toList();
		if (sorted.isEmpty()) {
			return new WeightChart(List.of(), "", List.of(), List.of());
		}
		Instant first = sorted.get(0).date().isBefore(from) ? sorted.get(0).date() : from;
		Instant last = sorted.get(sorted.size() - 1).date().isAfter(to) ? sorted.get(sorted.size() - 1).date() : to;
		double low = sorted.stream().map(Weight::kilograms).min(Comparator.naturalOrder()).orElseThrow().doubleValue();
		double high = sorted.stream().map(Weight::kilograms).max(Comparator.naturalOrder()).orElseThrow().doubleValue();
		double step = step(high - low);
		double bottom = Math.floor(low / step) * step;
		double top = Math.max(Math.ceil(high / step) * step, bottom + step);
		Scale scale = new Scale(first, last, bottom, top);
		List<Point> points = sorted.stream().map((weight) -> new Point(scale.x(weight.date()), scale.y(weight.kilograms().doubleValue()), weight)).toList();
		StringBuilder polyline = new StringBuilder();
		points.forEach((point) -> polyline.append(String.format(Locale.ROOT, "%.1f,%.1f ", point.x(), point.y())));
		List<YTick> yTicks = new ArrayList<>();
		for (int i = 0; bottom + i * step <= top + step / 1000; i++) {
			double value = bottom + i * step;
			yTicks.add(new YTick(scale.y(value), kilograms(BigDecimal.valueOf(value)) + " kg"));
		}
		return new WeightChart(points, polyline.toString().trim(), xTicks(scale), List.copyOf(yTicks));
	}

	/**
	 * The points for the table, newest first.
	 * @return them
	 */
	List<Point> newestFirst() {
		List<Point> newest = new ArrayList<>(this.points);
		java.util.Collections.reverse(newest);
		return newest;
	}

	/** A day at noon UTC every week back from the end: labelled with its date in any zone within 12 h of UTC. */
	private static List<XTick> xTicks(Scale scale) {
		List<XTick> ticks = new ArrayList<>();
		LocalDate day = LocalDate.ofInstant(scale.last(), ZoneOffset.UTC);
		Instant noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
		if (noon.isAfter(scale.last())) {
			noon = noon.minus(Duration.ofDays(1));
		}
		for (Instant tick = noon; !tick.isBefore(scale.first()); tick = tick.minus(Duration.ofDays(7))) {
			ticks.add(0, new XTick(scale.x(tick), tick.toEpochMilli(), Times.day(tick)));
		}
		return List.copyOf(ticks);
	}

	/** 0.1, 0.2, 0.5, 1, 2, 5... kg: three to six gridlines over the range. */
	private static double step(double range) {
		double[] steps = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50 };
		for (double step : steps) {
			if (range / step <= 5) {
				return step;
			}
		}
		return 100;
	}

	/**
	 * A weight as this application shows it everywhere: to a tenth of a kilogram, as scales do.
	 * @param kilograms the weight
	 * @return e.g. {@code 72.4}
	 */
	static String kilograms(BigDecimal kilograms) {
		return kilograms.setScale(1, RoundingMode.HALF_UP).toPlainString();
	}

	/** The plotting area's x and y of an instant and a weight. */
	private record Scale(Instant first, Instant last, double bottom, double top) {

		double x(Instant instant) {
			double span = Math.max(1, this.last.getEpochSecond() - this.first.getEpochSecond());
			return LEFT + (instant.getEpochSecond() - this.first.getEpochSecond()) / span * (WIDTH - LEFT - RIGHT);
		}

		double y(double kilograms) {
			return TOP + (this.top - kilograms) / (this.top - this.bottom) * (HEIGHT - TOP - BOTTOM);
		}

	}

	/**
	 * A point of the chart (public: templates read it).
	 *
	 * @param x its x
	 * @param y its y
	 * @param weight the weighing
	 */
	record Point(double x, double y, Weight weight) {

		public String label() {
			return Times.dateTime(this.weight.date()) + ": " + kilograms(this.weight.kilograms()) + " kg";
		}

	}

	/**
	 * A tick of the x axis.
	 *
	 * @param x its x
	 * @param epochMillis its instant, for the browser to label it in its own time zone
	 * @param label its label in UTC, e.g. {@code 8 Nov}
	 */
	record XTick(double x, long epochMillis, String label) {
	}

	/**
	 * A gridline of the y axis.
	 *
	 * @param y its y
	 * @param label e.g. {@code 72.0 kg}
	 */
	record YTick(double y, String label) {
	}

	/**
	 * A weighing (public: templates read it).
	 *
	 * @param date when
	 * @param kilograms the weight as Withings gave it
	 */
	record Weight(Instant date, BigDecimal kilograms) {

		public String shown() {
			return WeightChart.kilograms(this.kilograms);
		}

		public long epochMillis() {
			return this.date.toEpochMilli();
		}

		public String dateTime() {
			return Times.dateTime(this.date);
		}

	}

}
