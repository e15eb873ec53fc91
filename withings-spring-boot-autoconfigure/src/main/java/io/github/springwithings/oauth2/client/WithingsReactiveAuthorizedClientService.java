package io.github.springwithings.oauth2.client;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.util.Assert;

/**
 * The reactive face of a {@link WithingsAuthorizedClientService}: WebFlux applications get the
 * same store, with the same rules (a fresh consent wins, late saves of an older rotation are
 * ignored, compare before remove), as servlet applications, and servlet and reactive instances
 * can share one database. Every call runs on a scheduler where blocking is allowed (in an
 * application the starter's own bounded store scheduler, see {@link WithingsReactiveSchedulers},
 * so that store reads never queue behind refreshes; {@link Schedulers#boundedElastic()} by
 * default), never on an event loop.
 */
public final class WithingsReactiveAuthorizedClientService implements ReactiveOAuth2AuthorizedClientService {

	private final WithingsAuthorizedClientService authorizedClientService;

	private Scheduler scheduler = Schedulers.boundedElastic();

	/**
	 * @param authorizedClientService the store
	 */
	public WithingsReactiveAuthorizedClientService(WithingsAuthorizedClientService authorizedClientService) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		this.authorizedClientService = authorizedClientService;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return Mono.<T>fromCallable(() -> this.authorizedClientService.loadAuthorizedClient(clientRegistrationId,
				principalName)).subscribeOn(this.scheduler);
	}

	@Override
	public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		return Mono.<Void>fromRunnable(() -> this.authorizedClientService.saveAuthorizedClient(authorizedClient, principal))
			.subscribeOn(this.scheduler);
	}

	@Override
	public Mono<Void> removeAuthorizedClient(String clientRegistrationId, String principalName) {
		return Mono
			.<Void>fromRunnable(() -> this.authorizedClientService.removeAuthorizedClient(clientRegistrationId, principalName))
			.subscribeOn(this.scheduler);
	}

	/**
	 * The store behind this service.
	 * @return the store
	 */
	public WithingsAuthorizedClientService getAuthorizedClientService() {
		return this.authorizedClientService;
	}

	/**
	 * Set where store calls run ({@link Schedulers#boundedElastic()} by default).
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
	}

}
