package io.github.springwithings.sample.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.notification.WithingsSubscription;
import io.github.springwithings.notification.WithingsSubscriptionFailedEvent;
import io.github.springwithings.oauth2.client.WithingsLinkEvent;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.stereotype.Component;

/**
 * Whether each user is subscribed to notifications (the starter subscribes every user who signs
 * in, in the background). Asks Withings ({@code notify list}, through
 * {@link WithingsNotifications}) until the user is subscribed to every category, then remembers
 * it until the user's link changes (signed in again, disconnected, lost), so that a dashboard
 * load costs one Withings call, not two. A subscription that gave up
 * ({@link WithingsSubscriptionFailedEvent}) is shown with Withings' status.
 */
@Component
class NotificationSubscriptions {

	private final ObjectProvider<WithingsNotifications> notifications;

	private final Map<String, SubscriptionStatus> subscribed = new ConcurrentHashMap<>();

	private final Map<String, String> problems = new ConcurrentHashMap<>();

	NotificationSubscriptions(ObjectProvider<WithingsNotifications> notifications) {
		this.notifications = notifications;
	}

	/**
	 * A user's subscription.
	 * @param principalName the signed-in user
	 * @return where it stands
	 */
	SubscriptionStatus status(String principalName) {
		WithingsNotifications notifications = this.notifications.getIfAvailable();
		if (notifications == null) {
			return SubscriptionStatus.OFF;
		}
		SubscriptionStatus known = this.subscribed.get(principalName);
		if (known != null) {
			return known;
		}
		List<WithingsSubscription> all;
		try {
			all = notifications.list(principalName);
		}
		catch (ClientAuthorizationRequiredException ex) {
			throw ex; // the link is gone: Spring sends the user to Withings
		}
		catch (RuntimeException ex) {
			return SubscriptionStatus.UNKNOWN;
		}
		String callbackUrl = notifications.getCallbackUrl();
		TreeSet<Integer> ours = new TreeSet<>();
		all.stream()
			.filter((subscription) -> callbackUrl.equals(subscription.callbackUrl()))
			.forEach((subscription) -> ours.add(subscription.appliCode()));
		List<Integer> missing = new ArrayList<>(notifications.getDefaultAppli());
		missing.removeAll(ours);
		SubscriptionStatus status = SubscriptionStatus.of(new ArrayList<>(ours), missing,
				this.problems.get(principalName));
		if (status.state() == SubscriptionStatus.State.SUBSCRIBED) {
			this.subscribed.put(principalName, status);
		}
		return status;
	}

	@EventListener
	void onLinkChanged(WithingsLinkEvent event) {
		this.subscribed.remove(event.user().principalName());
		this.problems.remove(event.user().principalName());
	}

	@EventListener
	void onSubscriptionFailed(WithingsSubscriptionFailedEvent event) {
		// Withings' status only: its error text could name the callback URL, whose path is a secret
		this.problems.put(event.user().principalName(),
				(event.cause() instanceof WithingsApiException api && api.getStatus() != null)
						? "Withings status " + api.getStatus() : event.cause().getClass().getSimpleName());
	}

}
