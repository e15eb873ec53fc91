package io.github.springwithings.oauth2.client;

import java.util.concurrent.Callable;

import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.util.Assert;

/**
 * The reactive face of {@link WithingsAuthorizedClients}, for WebFlux handlers, reactive
 * background work and the starter's {@code WebClient} filter: a client with a valid access token
 * (same single-flight, persist-before-use refresh), by principal name or Withings user id, the
 * renewal of an access token Withings rejected, and a disconnect that revokes the user at Withings
 * and removes the link (compare before remove).
 *
 * <p>Nothing waits on a thread: a client is authorized by Spring's reactive manager over the
 * reactive store ({@link WithingsReactiveAuthorizedClientService}) and the reactive refresh client
 * (in a WebFlux application the starter's {@link WithingsReactiveTokenResponseClientAdapter} bean:
 * concurrent refreshes of one client share one call, and waits for another refresh, a permit of
 * the rate budget or a 601 are delays), with the core's compare-before-remove failure handler and
 * clock; a renewal shares the core's decisions (only a still-stored client is rotated, at most
 * three rotations a minute per principal). Store calls and the disconnect (a call to Withings) run
 * on schedulers where blocking is allowed, never on an event loop.
 */
public final class WithingsReactiveAuthorizedClients {

	private final WithingsAuthorizedClients authorizedClients;

	private final ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient;

	private final WithingsReactiveAuthorizedClientService authorizedClientService;

	private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;

	/** Whether the refresh client and the reactive store were made here (and follow {@link #setScheduler}). */
	private final boolean ownComponents;

	private final WithingsReactiveAuthorizationFailureHandler failureHandler;

	private Scheduler store = Schedulers.boundedElastic();

	private Scheduler tokens = Schedulers.boundedElastic();

	/**
	 * Over the core alone: the core's refresh client runs in a
	 * {@link WithingsReactiveTokenResponseClientAdapter} of its own (single flight without threads,
	 * waits as delays; the permits of the rate budget are taken by the core's own requests) and
	 * its store in a {@link WithingsReactiveAuthorizedClientService}, both on the scheduler set
	 * with {@link #setScheduler} or {@link #setSchedulers} ({@link Schedulers#boundedElastic()} by
	 * default).
	 * @param authorizedClients the blocking core
	 */
	public WithingsReactiveAuthorizedClients(WithingsAuthorizedClients authorizedClients) {
		this(authorizedClients, ownRefreshClient(authorizedClients),
				new WithingsReactiveAuthorizedClientService(authorizedClients.authorizedClientService()), true);
	}

	/**
	 * Over the core and the reactive pieces of the application, which keep their own schedulers.
	 * @param authorizedClients the blocking core (its registrations, failure handling, clock,
	 * renewal cap and disconnect)
	 * @param refreshTokenResponseClient the reactive refresh client (the starter's
	 * {@code ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest>} bean)
	 * @param authorizedClientService the reactive store, over the core's store
	 */
	public WithingsReactiveAuthorizedClients(WithingsAuthorizedClients authorizedClients,
			ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsReactiveAuthorizedClientService authorizedClientService) {
		this(authorizedClients, refreshTokenResponseClient, authorizedClientService, false);
	}

	private WithingsReactiveAuthorizedClients(WithingsAuthorizedClients authorizedClients,
			ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			WithingsReactiveAuthorizedClientService authorizedClientService, boolean ownComponents) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		Assert.notNull(refreshTokenResponseClient, "refreshTokenResponseClient cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		this.authorizedClients = authorizedClients;
		this.refreshTokenResponseClient = refreshTokenResponseClient;
		this.authorizedClientService = authorizedClientService;
		this.ownComponents = ownComponents;
		// the registrations are the core's (in memory in an application); asked where blocking is allowed
		this.manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
				(registrationId) -> onStore(
						() -> authorizedClients.clientRegistrationRepository().findByRegistrationId(registrationId)),
				authorizedClientService);
		this.manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
			.refreshToken((refresh) -> refresh.accessTokenResponseClient(refreshTokenResponseClient)
				.clock(authorizedClients.clock()))
			.build());
		this.failureHandler = new WithingsReactiveAuthorizationFailureHandler(authorizedClients.failureHandler());
		this.manager.setAuthorizationFailureHandler(this.failureHandler);
	}

	private static ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> ownRefreshClient(
			WithingsAuthorizedClients authorizedClients) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		// every registration the core is asked for is a Withings one
		return new WithingsReactiveTokenResponseClientAdapter<>(authorizedClients.refreshTokenResponseClient(),
				new WebClientReactiveRefreshTokenTokenResponseClient(), (registration) -> true);
	}

	/**
	 * A client with a valid access token for a principal of the default registration.
	 * @param principalName the principal name
	 * @return the client, empty when that principal has no Withings link
	 */
	public Mono<OAuth2AuthorizedClient> authorize(String principalName) {
		return authorize(this.authorizedClients.getDefaultRegistrationId(), principalName);
	}

	/**
	 * A client with a valid access token, refreshed when it has expired, as
	 * {@link WithingsAuthorizedClients#authorize(String, String)} does (and with the same errors: a
	 * refused refresh token removes the link, compare before remove, and fails with
	 * {@code invalid_grant}).
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @return the client, empty when that principal has no link
	 */
	public Mono<OAuth2AuthorizedClient> authorize(String registrationId, String principalName) {
		Assert.hasText(principalName, "principalName cannot be empty");
		return this.manager
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(principalName).build());
	}

	/**
	 * A client with a valid access token for a Withings user of the default registration.
	 * @param userId the Withings user id
	 * @return the client, empty when that user has no link
	 */
	public Mono<OAuth2AuthorizedClient> authorizeByUserId(String userId) {
		String registrationId = this.authorizedClients.getDefaultRegistrationId();
		return onStore(() -> this.authorizedClients.authorizedClientService().loadByUserId(registrationId, userId))
			.flatMap((stored) -> authorize(registrationId, stored.getPrincipalName()));
	}

	/**
	 * Renew an access token that Withings rejected (data API status 401) although it looked valid,
	 * as {@link WithingsAuthorizedClients#renew} does, through the reactive refresh client: unless
	 * another caller already did, or the principal's renewals in the window are spent.
	 * @param registrationId the registration id
	 * @param principalName the principal name
	 * @param rejectedAuthorization the rejected access token, or the {@code Authorization} header
	 * that carried it; may be {@code null}
	 * @return whether a valid access token is now stored; {@code false} when the link is gone
	 */
	public Mono<Boolean> renew(String registrationId, String principalName, String rejectedAuthorization) {
		return onStore(() -> this.authorizedClients.startRenewal(registrationId, principalName, rejectedAuthorization,
				WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD))
			.flatMap((renewal) -> {
				if (renewal.decided() != null) {
					return Mono.just(renewal.decided());
				}
				return this.refreshTokenResponseClient.getTokenResponse(renewal.grantRequest())
					.then(Mono.fromCallable(renewal::rotated))
					.onErrorResume(OAuth2AuthorizationException.class,
							(ex) -> onStore(() -> renewal.failed(ex)))
					// a caller that goes away leaves the slot taken: the shared refresh may still rotate
					.doFinally((signal) -> {
						if (signal != SignalType.CANCEL) {
							renewal.end();
						}
					});
			});
	}

	/**
	 * Revoke a principal's access at Withings and remove its link, as
	 * {@link WithingsAuthorizedClients#disconnect} does (and with the same errors).
	 * @param principalName the principal name
	 * @return whether a link was removed
	 */
	public Mono<Boolean> disconnect(String principalName) {
		return Mono.fromCallable(() -> this.authorizedClients.disconnect(principalName)).subscribeOn(this.tokens);
	}

	/**
	 * The core behind this face.
	 * @return the blocking core
	 */
	public WithingsAuthorizedClients getAuthorizedClients() {
		return this.authorizedClients;
	}

	/**
	 * Set where every blocking call is made: store calls and the disconnect, and, with the
	 * one-argument constructor, the refresh and the reactive store made there
	 * ({@link Schedulers#boundedElastic()} by default).
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		use(scheduler, scheduler);
	}

	/**
	 * Use the starter's schedulers: store calls on its store scheduler, the disconnect (a call to
	 * Withings) on its token scheduler, and, with the one-argument constructor, the refresh and the
	 * reactive store made there on them too.
	 * @param schedulers the starter's schedulers
	 */
	public void setSchedulers(WithingsReactiveSchedulers schedulers) {
		Assert.notNull(schedulers, "schedulers cannot be null");
		use(schedulers.getTokens(), schedulers.getStore());
	}

	private void use(Scheduler tokens, Scheduler store) {
		this.tokens = tokens;
		this.store = store;
		this.failureHandler.setScheduler(store);
		if (this.ownComponents) {
			this.authorizedClientService.setScheduler(store);
			((WithingsReactiveTokenResponseClientAdapter<?>) this.refreshTokenResponseClient).setScheduler(tokens);
		}
	}

	private <T> Mono<T> onStore(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.store);
	}

}
