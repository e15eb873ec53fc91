package io.github.springwithings.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One HTTP attempt to deliver a notification to a callback URL, as the simulator's delivery log
 * keeps it.
 *
 * @param notificationId the notification: every attempt to deliver it carries the same id
 * @param attempt the attempt number, from {@code 1}
 * @param clientId the application whose subscription the notification is for
 * @param callbackUrl the URL POSTed to
 * @param userId the Withings user the notification is about
 * @param appli the notification category
 * @param fields the form fields POSTed ({@code userid}, {@code appli}, then {@code startdate},
 * {@code enddate}, {@code date}, {@code deviceid} or {@code action} as the category has them)
 * @param sentAt when the attempt started, on the simulator's clock
 * @param duration how long the callback took to answer (or until the attempt failed)
 * @param httpStatus the callback's HTTP status, {@code 0} when it gave none (timeout, refused
 * connection)
 * @param outcome what the simulator made of the answer
 * @param error why the attempt failed without an HTTP status, otherwise {@code null}
 * @see WithingsSimulator#deliveries()
 */
public record SimulatorDelivery(long notificationId, int attempt, String clientId, String callbackUrl, String userId,
		int appli, Map<String, String> fields, Instant sentAt, Duration duration, int httpStatus, Outcome outcome,
		String error) {

	/** {@return whether the callback acknowledged this attempt: no retry follows it} */
	public boolean acknowledged() {
		return this.outcome == Outcome.ACKNOWLEDGED;
	}

	/** What the simulator made of a callback's answer. */
	public enum Outcome {

		/** Answered in time with an accepted status (2xx; any status below 400 when configured). */
		ACKNOWLEDGED,

		/** Answered in time with another status. */
		REJECTED,

		/** No answer within the acknowledgement timeout (Withings: two seconds). */
		TIMEOUT,

		/** No HTTP answer at all: connection refused or reset. */
		FAILED

	}

}
