package io.github.springwithings.notification;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

import io.github.springwithings.notification.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.notification.WithingsNotificationReceiver.Reply;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * What becomes of an accepted notification, on the receiver's executor: its user looked up in
 * the store, an unlink or delete checked with Withings (the link removed, compare before remove,
 * only when Withings refuses its refresh token), the {@link WithingsNotificationEvent} published;
 * and every outcome of the callback counted and observed.
 */
final class NotificationDispatcher {

	/** The answer of an accepted notification. */
	static final Reply OK = new Reply(200, "");

	/** What the check of an unlink completes its answer with when it could not tell. */
	static final Reply NOT_CHECKED = new Reply(503, "");

	/** The receiver's: one logger for the callback. */
	private static final Log logger = LogFactory.getLog(WithingsNotificationReceiver.class);

	private final WithingsAuthorizedClientService authorizedClientService;

	private final List<String> registrationIds;

	private final ApplicationEventPublisher publisher;

	private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

	private WithingsAuthorizedClients authorizedClients;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	NotificationDispatcher(WithingsAuthorizedClientService authorizedClientService, List<String> registrationIds,
			ApplicationEventPublisher publisher) {
		this.authorizedClientService = authorizedClientService;
		this.registrationIds = registrationIds;
		this.publisher = publisher;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
	}

	void setAuthorizedClients(WithingsAuthorizedClients authorizedClients) {
		this.authorizedClients = authorizedClients;
	}

	/** Whether an unlink is checked with Withings before it is answered. */
	boolean checksLinks() {
		return this.authorizedClients != null;
	}

	void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Look the user up and publish; {@code checked} (an unlink's answer, else {@code null}) is
	 * completed once the link's check decided.
	 * @return {@code null} when the notification was handled (published, or dropped for good), else
	 * why it should be tried again (the store or a listener failed, an unlink could not be checked)
	 */
	String dispatch(NotificationForm notification, CompletableFuture<Reply> checked) {
		try {
			for (String registrationId : this.registrationIds) {
				WithingsAuthorizedClient client = this.authorizedClientService.loadByUserId(registrationId,
						notification.userId());
				if (client != null) {
					return publish(client, notification, checked);
				}
			}
			count(Outcome.UNKNOWN_USER, notification.appli());
			logger.info("Withings notification " + notification + " is for a user nobody linked; dropped");
			return null;
		}
		catch (RuntimeException ex) {
			count(Outcome.FAILED, notification.appli());
			logger.warn("Withings notification " + notification + " could not be handled", ex);
			if (checked != null) {
				// the check proved nothing (Withings unreachable, the store down): Withings retries it
				checked.complete(NOT_CHECKED);
			}
			return ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		}
		finally {
			if (checked != null) {
				checked.complete(OK);
			}
		}
	}

	private String publish(WithingsAuthorizedClient client, NotificationForm notification,
			CompletableFuture<Reply> checked) {
		WithingsNotificationEvent event = notification.event(client.getRegistrationId(), client.getPrincipalName());
		if (event.unlinked()) {
			// late, or retried from before the user linked again: Withings says whether the link still works
			WithingsAuthorizedClients.LinkCheck check = (this.authorizedClients != null) ? this.authorizedClients
				.check(client.getRegistrationId(), client.getPrincipalName(), WithingsUserLostEvent.Reason.UNLINKED)
					: WithingsAuthorizedClients.LinkCheck.GONE;
			if (check == WithingsAuthorizedClients.LinkCheck.UNKNOWN) {
				// the principal's renewals are spent (a flood of forged unlinks?): not a late unlink
				logger.debug("Withings notification " + notification + ": the renewals of '"
						+ client.getPrincipalName() + "' are spent in the window; the link is not checked now");
				if (checked != null) {
					checked.complete(NOT_CHECKED);
				}
				return "the link could not be checked (the renewals of the principal are spent in the window)";
			}
			if (checked != null) {
				checked.complete(OK);
			}
			if (check == WithingsAuthorizedClients.LinkCheck.WORKS) {
				count(Outcome.STALE_UNLINK, notification.appli());
				logger.info("Withings notification " + notification + ": the user left (" + event.action()
						+ "), but the link of '" + client.getPrincipalName()
						+ "' still works (linked again since?): kept, not published");
				return null;
			}
			count(Outcome.UNLINKED, notification.appli());
			logger.info("Withings notification " + notification + ": the user left (" + event.action() + "); "
					+ ((this.authorizedClients != null) ? "link of '" + client.getPrincipalName() + "' removed"
							: "link of '" + client.getPrincipalName() + "' left to its next refresh"));
		}
		this.publisher.publishEvent(event);
		count(Outcome.PUBLISHED, notification.appli());
		logger.debug("Withings notification " + notification + " published for '" + client.getPrincipalName() + "'");
		return null;
	}

	/**
	 * Publish that a notification was given up (a listener of it that throws is logged, never
	 * retried).
	 */
	void givenUp(WithingsNotificationGivenUpEvent event) {
		count(Outcome.GIVEN_UP, event.appli());
		logger.warn("Withings notification (userid " + event.userId() + ", appli " + event.appliCode()
				+ ") given up after " + event.attempts() + " attempts; its inbox row " + event.id()
				+ " is kept for inspection");
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + event + " failed", ex);
		}
	}

	/**
	 * Count an outcome and observe it as {@value WithingsNotificationReceiver#OBSERVATION_NAME}.
	 * @param outcome the outcome
	 * @param appli the notification's category, {@code null} when there is no notification
	 */
	void count(Outcome outcome, WithingsAppli appli) {
		this.counts.get(outcome).increment();
		Observation.createNotStarted(WithingsNotificationReceiver.OBSERVATION_NAME, this.observationRegistry)
			.lowCardinalityKeyValue("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.lowCardinalityKeyValue("appli", (appli != null) ? appli.name().toLowerCase(Locale.ROOT) : "none")
			.start()
			.stop();
	}

	long count(Outcome outcome) {
		return this.counts.get(outcome).sum();
	}

}
