package io.github.springwithings.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code withings} health contributor.
 */
@ConfigurationProperties("withings.health")
public class WithingsHealthProperties {

	/**
	 * How long the health contributor keeps Withings' answer to its reachability probe before
	 * asking again (one unauthenticated request, a background permit of the rate budget).
	 */
	private Duration cache = Duration.ofMinutes(1);

	/**
	 * Withings' last answer older than this reads UNKNOWN, when no probe could be made since (no
	 * rate-budget permit free, a probe still running); it is never served forever.
	 */
	private Duration maxAge = Duration.ofMinutes(5);

	/**
	 * Whether a Withings outage makes the {@code withings} contributor, and so
	 * {@code /actuator/health}, DOWN. By default it shows in the contributor's details, the
	 * {@code withings.reachable} metric and the {@code withings} endpoint only, and only the
	 * store makes the contributor DOWN.
	 */
	private boolean strict;

	/** {@return the {@code withings.health.cache} property} */
	public Duration getCache() {
		return this.cache;
	}

	/**
	 * Set the {@code withings.health.cache} property.
	 * @param cache how long Withings' answer to the probe is kept
	 */
	public void setCache(Duration cache) {
		this.cache = cache;
	}

	/** {@return the {@code withings.health.max-age} property} */
	public Duration getMaxAge() {
		return this.maxAge;
	}

	/**
	 * Set the {@code withings.health.max-age} property.
	 * @param maxAge the age after which Withings' last answer reads UNKNOWN
	 */
	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

	/** {@return the {@code withings.health.strict} property} */
	public boolean isStrict() {
		return this.strict;
	}

	/**
	 * Set the {@code withings.health.strict} property.
	 * @param strict whether a Withings outage makes the contributor DOWN
	 */
	public void setStrict(boolean strict) {
		this.strict = strict;
	}

}
