package io.github.springwithings.notification;

import java.util.List;
import java.util.concurrent.Callable;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.util.Assert;

/**
 * The reactive face of {@link WithingsNotifications}, for WebFlux handlers and reactive
 * background work: the same idempotent, spaced subscribe, list and revoke, with the same errors,
 * run on a scheduler where blocking is allowed ({@link Schedulers#boundedElastic()} by default),
 * never on an event loop.
 */
public final class WithingsReactiveNotifications {

	private final WithingsNotifications notifications;

	private Scheduler scheduler = Schedulers.boundedElastic();

	/**
	 * @param notifications the blocking core
	 */
	public WithingsReactiveNotifications(WithingsNotifications notifications) {
		Assert.notNull(notifications, "notifications cannot be null");
		this.notifications = notifications;
	}

	/**
	 * Subscribe a user to the default categories, as {@link WithingsNotifications#subscribe(String)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @return the subscriptions made, empty when all were there already
	 */
	public Mono<List<WithingsSubscription>> subscribe(String principalOrUserId) {
		return on(() -> this.notifications.subscribe(principalOrUserId));
	}

	/**
	 * Subscribe a user to categories, as {@link WithingsNotifications#subscribe(String, WithingsAppli...)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appli the categories
	 * @return the subscriptions made, empty when all were there already
	 */
	public Mono<List<WithingsSubscription>> subscribe(String principalOrUserId, WithingsAppli... appli) {
		return on(() -> this.notifications.subscribe(principalOrUserId, appli));
	}

	/**
	 * Subscribe a user to categories by code, as {@link WithingsNotifications#subscribe(String, int...)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appliCodes the {@code appli} codes
	 * @return the subscriptions made, empty when all were there already
	 */
	public Mono<List<WithingsSubscription>> subscribe(String principalOrUserId, int... appliCodes) {
		return on(() -> this.notifications.subscribe(principalOrUserId, appliCodes));
	}

	/**
	 * A user's subscriptions, as {@link WithingsNotifications#list(String)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @return the subscriptions
	 */
	public Mono<List<WithingsSubscription>> list(String principalOrUserId) {
		return on(() -> this.notifications.list(principalOrUserId));
	}

	/**
	 * Revoke every subscription of a user to the callback URL, as
	 * {@link WithingsNotifications#revoke(String)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @return how many subscriptions were revoked
	 */
	public Mono<Integer> revoke(String principalOrUserId) {
		return on(() -> this.notifications.revoke(principalOrUserId));
	}

	/**
	 * Revoke a user's subscriptions to the callback URL, as
	 * {@link WithingsNotifications#revoke(String, WithingsAppli...)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appli the categories; none: every category subscribed to the callback URL
	 * @return how many subscriptions were revoked
	 */
	public Mono<Integer> revoke(String principalOrUserId, WithingsAppli... appli) {
		return on(() -> this.notifications.revoke(principalOrUserId, appli));
	}

	/**
	 * Revoke a user's subscriptions to the callback URL by code, as
	 * {@link WithingsNotifications#revoke(String, int...)}.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appliCodes the {@code appli} codes; none: every category subscribed to the callback URL
	 * @return how many subscriptions were revoked
	 */
	public Mono<Integer> revoke(String principalOrUserId, int... appliCodes) {
		return on(() -> this.notifications.revoke(principalOrUserId, appliCodes));
	}

	/**
	 * The Withings registration whose users this manages, as
	 * {@link WithingsNotifications#getRegistrationId()}.
	 * @return the registration id
	 */
	public String getRegistrationId() {
		return this.notifications.getRegistrationId();
	}

	/**
	 * The callback URL subscriptions are made to, as {@link WithingsNotifications#getCallbackUrl()}.
	 * @return the URL
	 */
	public String getCallbackUrl() {
		return this.notifications.getCallbackUrl();
	}

	/**
	 * The categories {@link #subscribe(String)} subscribes, as
	 * {@link WithingsNotifications#getDefaultAppli()}.
	 * @return the {@code appli} codes
	 */
	public List<Integer> getDefaultAppli() {
		return this.notifications.getDefaultAppli();
	}

	private <T> Mono<T> on(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler);
	}

	/**
	 * Set where the core is called ({@link Schedulers#boundedElastic()} by default).
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
	}

}
