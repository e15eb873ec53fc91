package io.github.springwithings.autoconfigure;

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

}
