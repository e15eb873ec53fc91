package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Times as the pages show them before their script runs: in words, in UTC ({@code Sun 8 Nov,
 * 02:51 UTC}, {@code in 3 h}, {@code 2 min ago}). The page's script ({@code static/times.js})
 * then writes them again in the viewer's time zone and language, from each element's
 * {@code data-epoch}. Never an ISO instant with its nanoseconds.
 */
final class Times {

	private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("EEE d MMM, HH:mm 'UTC'", Locale.ENGLISH)
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH)
		.withZone(ZoneOffset.UTC);

	private Times() {
	}

	/** {@code Sun 8 Nov, 02:51 UTC}. */
	static String dateTime(Instant instant) {
		return DATE_TIME.format(instant);
	}

	/** {@code 8 Nov}. */
	static String day(Instant instant) {
		return DAY.format(instant);
	}

	/** {@code in 3 h}, {@code 2 min ago}, {@code just now}: the largest unit, rounded. */
	static String relative(Instant instant, Instant now) {
		Duration between = Duration.between(now, instant);
		long seconds = Math.abs(between.toSeconds());
		String amount;
		if (seconds < 45) {
			return "just now";
		}
		else if (seconds < 3600 - 30) {
			amount = Math.max(1, Math.round(seconds / 60.0)) + " min";
		}
		else if (seconds < 86400 - 1800) {
			amount = Math.round(seconds / 3600.0) + " h";
		}
		else {
			long days = Math.max(1, Math.round(seconds / 86400.0));
			amount = days + ((days == 1) ? " day" : " days");
		}
		return between.isNegative() ? amount + " ago" : "in " + amount;
	}

	/**
	 * A moment as a page shows it (public: templates read it): {@code data-epoch} for the script,
	 * the texts in UTC for a page whose script did not run.
	 *
	 * @param epochMillis the instant, for the script
	 * @param dateTime e.g. {@code Sun 8 Nov, 02:51 UTC}
	 * @param relative e.g. {@code in 3 h}
	 * @param iso the instant to the second, for the {@code datetime} attribute (not shown)
	 */
	record Moment(long epochMillis, String dateTime, String relative, String iso) {

		static Moment of(Instant instant, Instant now) {
			if (instant == null) {
				return null;
			}
			Instant seconds = instant.truncatedTo(ChronoUnit.SECONDS);
			return new Moment(instant.toEpochMilli(), Times.dateTime(instant), Times.relative(instant, now),
					seconds.toString());
		}

	}

}
