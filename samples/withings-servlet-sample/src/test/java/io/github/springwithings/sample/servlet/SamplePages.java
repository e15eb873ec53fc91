package io.github.springwithings.sample.servlet;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the browser tests check on the dashboard as a person reads it: times in words and in the
 * viewer's zone ({@link #VIEWER_ZONE}, never an ISO instant), one decimal everywhere, dated axes with units, a
 * responsive chart, the headline, the simulator's controls apart from the application's.
 */
final class SamplePages {

	/**
	 * The browser's time zone (the tests' Chromium runs in it): half an hour off UTC, so that a
	 * time written in UTC shows.
	 */
	static final String VIEWER_ZONE = "Asia/Kolkata";

	/** An ISO-8601 instant as Java prints it, e.g. {@code 2026-12-07T02:50:29.183414707Z}. */
	static final Pattern ISO_INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");

	private static final Pattern ONE_DECIMAL = Pattern.compile("\\d+\\.\\d");

	/** A date in any English order: {@code 8 Nov}, {@code Nov 8}. */
	private static final Pattern DAY = Pattern.compile("(\\d{1,2} [A-Z][a-z]{2}|[A-Z][a-z]{2} \\d{1,2})");

	private SamplePages() {
	}

	static void assertReadableDashboard(WebDriver browser) {
		// the page's script wrote the times in the viewer's zone
		assertThat(browser.findElement(By.tagName("html")).getAttribute("data-times")).isEqualTo("local");
		assertThat(browser.findElement(By.cssSelector("meta[name=viewport]")).getAttribute("content"))
			.contains("width=device-width");
		String text = browser.findElement(By.tagName("body")).getText();
		assertThat(text).doesNotContainPattern(ISO_INSTANT).doesNotContainPattern("\\d\\.\\d{2,} ?kg");

		// a responsive chart with dated x axis and a y axis in kilograms
		WebElement chart = browser.findElement(By.id("chart"));
		assertThat(chart.getDomAttribute("width")).isEqualTo("100%");
		assertThat(chart.getDomAttribute("viewBox")).matches("0 0 \\d+ \\d+");
		List<String> days = texts(chart.findElements(By.cssSelector(".x-label")));
		assertThat(days).hasSizeGreaterThanOrEqualTo(4).allSatisfy((day) -> assertThat(day).containsPattern(DAY));
		List<String> kilograms = texts(chart.findElements(By.cssSelector(".y-label")));
		assertThat(kilograms).hasSizeGreaterThanOrEqualTo(3)
			.allSatisfy((label) -> assertThat(label).matches("\\d+\\.\\d kg"));
		assertThat(chart.findElements(By.cssSelector("circle.point title")))
			.allSatisfy((title) -> assertThat(title.getDomProperty("textContent")).containsPattern(DAY)
				.matches(".*: \\d+\\.\\d kg")
				.doesNotContainPattern(ISO_INSTANT));

		// the table: newest first, one decimal, dates in words
		List<WebElement> rows = browser.findElements(By.cssSelector("#weights tbody tr"));
		long previous = Long.MAX_VALUE;
		for (WebElement row : rows) {
			WebElement time = row.findElement(By.tagName("time"));
			long epoch = Long.parseLong(time.getAttribute("data-epoch"));
			assertThat(epoch).isLessThanOrEqualTo(previous);
			previous = epoch;
			assertThat(time.getText()).containsPattern(DAY)
				.contains(String.format(":%02d",
						Instant.ofEpochMilli(epoch).atZone(ZoneId.of(VIEWER_ZONE)).getMinute()));
			assertThat(row.findElement(By.xpath("td[2]")).getText()).matches(ONE_DECIMAL);
		}

		// the headline
		assertThat(browser.findElement(By.id("latest-weight")).getText()).matches(ONE_DECIMAL);
		assertThat(browser.findElement(By.id("latest-at")).getText()).containsPattern(DAY);
		assertThat(browser.findElement(By.id("change-month")).getText()).matches("[+\u2212\u00b1]\\d+\\.\\d kg");

		// the simulator's controls in their own labelled group, the application's outside it
		WebElement simulator = browser.findElement(By.id("simulator-controls"));
		assertThat(simulator.findElement(By.tagName("h2")).getText()).isEqualTo("Simulator controls");
		assertThat(simulator.findElements(By.id("fast-forward"))).hasSize(1);
		assertThat(simulator.findElements(By.id("step-on-scale"))).hasSize(1);
		assertThat(simulator.findElements(By.id("sign-out"))).isEmpty();
		assertThat(simulator.findElements(By.id("disconnect"))).isEmpty();
		assertThat(browser.findElements(By.cssSelector("#account #sign-out"))).hasSize(1);
		assertThat(browser.findElements(By.cssSelector("#account #disconnect"))).hasSize(1);
	}

	/**
	 * The "What the starter did for you" panel.
	 * @return its entries' texts by kind, newest first
	 */
	static Map<String, List<String>> activity(WebDriver browser) {
		Map<String, List<String>> byKind = new LinkedHashMap<>();
		for (WebElement entry : browser.findElements(By.cssSelector("#activity-list li"))) {
			assertThat(entry.findElement(By.tagName("time")).getText()).doesNotContainPattern(ISO_INSTANT);
			byKind.computeIfAbsent(entry.getAttribute("data-kind"), (kind) -> new java.util.ArrayList<>())
				.add(entry.findElement(By.cssSelector(".text")).getText());
		}
		return byKind;
	}

	private static List<String> texts(List<WebElement> elements) {
		return elements.stream().map(WebElement::getText).toList();
	}

}
