package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/** A clock whose target can change after the manager captured it. */
final class ForwardingClock extends Clock {

	private volatile Clock target = Clock.systemUTC();

	/** Set the clock this one reads from now on. */
	void setTarget(Clock target) {
		this.target = target;
	}

	@Override
	public ZoneId getZone() {
		return this.target.getZone();
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this.target.withZone(zone);
	}

	@Override
	public Instant instant() {
		return this.target.instant();
	}

}
