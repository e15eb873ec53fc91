package io.github.springwithings.oauth2.client;

import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * Publishes {@link WithingsLinkEvent}s once a change is committed. A failing listener is logged:
 * it never undoes the change nor fails the caller (a sign-in, a refresh, a background job).
 */
final class LinkEvents {

	private static final Log logger = LogFactory.getLog(LinkEvents.class);

	private volatile ApplicationEventPublisher publisher = (event) -> {
	};

	void setPublisher(ApplicationEventPublisher publisher) {
		Assert.notNull(publisher, "publisher cannot be null");
		this.publisher = publisher;
	}

	/** Threads on which the store's loss events are not published: they report the loss themselves. */
	private static final ThreadLocal<Boolean> quiet = new ThreadLocal<>();

	/**
	 * Run {@code removal} without publishing the {@link WithingsUserLostEvent} of the stores on
	 * this thread: {@code WithingsAuthorizedClients.disconnect} publishes its own event.
	 */
	static boolean withoutLossEvents(BooleanSupplier removal) {
		quiet.set(Boolean.TRUE);
		try {
			return removal.getAsBoolean();
		}
		finally {
			quiet.remove();
		}
	}

	void publish(WithingsLinkEvent event) {
		if (event instanceof WithingsUserLostEvent && quiet.get() != null) {
			return;
		}
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + event.getClass().getSimpleName() + " for '" + event.user().principalName()
					+ "' failed; the change itself is stored", ex);
		}
	}

}
