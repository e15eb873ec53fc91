package io.github.springwithings.oauth2.client;

import io.github.springwithings.oauth2.client.event.WithingsLinkEvent;
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

	void publish(WithingsLinkEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + event.getClass().getSimpleName() + " for '" + event.user().principalName()
					+ "' failed; the change itself is stored", ex);
		}
	}

}
