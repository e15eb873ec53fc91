package io.github.springwithings.oauth2.client;

import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.util.Assert;

/**
 * The reactive face of {@link WithingsAuthorizationFailureHandler}: compare before remove (a
 * client is removed only if the store still holds the refresh token Withings refused), and in a
 * web exchange a dead link becomes a
 * {@link org.springframework.security.oauth2.client.ClientAuthorizationRequiredException}, which
 * Spring's {@code OAuth2AuthorizationRequestRedirectWebFilter} turns into a redirect to Withings'
 * consent on that first request. Runs on a scheduler where blocking is allowed
 * ({@link Schedulers#boundedElastic()} by default), never on an event loop.
 */
public final class WithingsReactiveAuthorizationFailureHandler implements ReactiveOAuth2AuthorizationFailureHandler {

	private final WithingsAuthorizationFailureHandler delegate;

	private Scheduler scheduler = Schedulers.boundedElastic();

	/**
	 * @param delegate the handler of the servlet stack, over the same store
	 */
	public WithingsReactiveAuthorizationFailureHandler(WithingsAuthorizationFailureHandler delegate) {
		Assert.notNull(delegate, "delegate cannot be null");
		this.delegate = delegate;
	}

	@Override
	public Mono<Void> onAuthorizationFailure(OAuth2AuthorizationException authorizationException,
			Authentication principal, Map<String, Object> attributes) {
		// the exchange's user, read here: the store is called on another thread
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((signedIn) -> Mono
				.<Void>fromRunnable(() -> this.delegate.onAuthorizationFailure(authorizationException, principal,
						attributes, signedIn.orElse(null)))
				.subscribeOn(this.scheduler));
	}

	/**
	 * Set where the store is called ({@link Schedulers#boundedElastic()} by default).
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
	}

}
