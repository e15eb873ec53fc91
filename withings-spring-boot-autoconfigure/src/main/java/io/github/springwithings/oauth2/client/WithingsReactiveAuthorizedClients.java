package io.github.springwithings.oauth2.client;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.util.Assert;

/**
 * The reactive face of {@link WithingsAuthorizedClients}, for WebFlux handlers and reactive
 * background work: a client with a valid access token (same single-flight, persist-before-use
 * refresh), by principal name or Withings user id, and a disconnect that revokes the user at
 * Withings and removes the link (compare before remove). Runs on a scheduler where blocking is
 * allowed ({@link Schedulers#boundedElastic()} by default), never on an event loop.
 */
public final class WithingsReactiveAuthorizedClients {

	private final WithingsAuthorizedClients authorizedClients;

	private Scheduler scheduler = Schedulers.boundedElastic();

	/**
	 * @param authorizedClients the blocking core
	 */
	public WithingsReactiveAuthorizedClients(WithingsAuthorizedClients authorizedClients) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		this.authorizedClients = authorizedClients;
	}

	/**
	 * A client with a valid access token for a principal of the default registration.
	 * @param principalName the principal name
	 * @return the client, empty when that principal has no Withings link
	 */
	public Mono<OAuth2AuthorizedClient> authorize(String principalName) {
		return Mono.fromCallable(() -> this.authorizedClients.authorize(principalName)).subscribeOn(this.scheduler);
	}

	/**
	 * A client with a valid access token for a Withings user of the default registration.
	 * @param userId the Withings user id
	 * @return the client, empty when that user has no link
	 */
	public Mono<OAuth2AuthorizedClient> authorizeByUserId(String userId) {
		return Mono.fromCallable(() -> this.authorizedClients.authorizeByUserId(userId)).subscribeOn(this.scheduler);
	}

	/**
	 * Revoke a principal's access at Withings and remove its link, as
	 * {@link WithingsAuthorizedClients#disconnect} does (and with the same errors).
	 * @param principalName the principal name
	 * @return whether a link was removed
	 */
	public Mono<Boolean> disconnect(String principalName) {
		return Mono.fromCallable(() -> this.authorizedClients.disconnect(principalName)).subscribeOn(this.scheduler);
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
