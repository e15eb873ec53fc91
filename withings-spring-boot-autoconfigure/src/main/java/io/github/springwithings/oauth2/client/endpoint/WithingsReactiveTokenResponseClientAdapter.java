package io.github.springwithings.oauth2.client.endpoint;

import java.util.function.Predicate;

import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.ratelimit.WithingsReactiveRatePriority;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * Runs the starter's token response client (for refreshes: the single-flight, persist-before-use
 * {@code SingleFlightRefreshTokenResponseClient}; for code exchanges: the one that remembers the
 * consent) in WebFlux applications, so that they get the very same lifecycle as servlet ones.
 * Withings registrations run on a scheduler where blocking is allowed
 * ({@link Schedulers#boundedElastic()} by default), never on an event loop; other registrations
 * go to a reactive client of their own (Spring's by default). A call made for a web exchange is
 * {@link WithingsRatePriority#INTERACTIVE} in the shared rate budget.
 *
 * @param <T> the grant request type
 */
public final class WithingsReactiveTokenResponseClientAdapter<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements ReactiveOAuth2AccessTokenResponseClient<T> {

	private final OAuth2AccessTokenResponseClient<T> withings;

	private final ReactiveOAuth2AccessTokenResponseClient<T> others;

	private final Predicate<ClientRegistration> withingsRegistrations;

	private Scheduler scheduler = Schedulers.boundedElastic();

	/**
	 * @param withings the starter's client, for Withings registrations
	 * @param others the client of the other registrations
	 * @param withingsRegistrations which registrations are Withings ones
	 */
	public WithingsReactiveTokenResponseClientAdapter(OAuth2AccessTokenResponseClient<T> withings,
			ReactiveOAuth2AccessTokenResponseClient<T> others, Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(withings, "withings cannot be null");
		Assert.notNull(others, "others cannot be null");
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.withings = withings;
		this.others = others;
		this.withingsRegistrations = withingsRegistrations;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(T grantRequest) {
		Assert.notNull(grantRequest, "grantRequest cannot be null");
		if (!this.withingsRegistrations.test(grantRequest.getClientRegistration())) {
			return this.others.getTokenResponse(grantRequest);
		}
		// a user waits when a web exchange does: its refresh or code exchange goes first in the rate budget
		WithingsRatePriority caller = WithingsRatePriority.current();
		return Mono.deferContextual((context) -> {
			WithingsRatePriority priority = WithingsReactiveRatePriority.of(context, caller);
			return Mono.fromCallable(() -> priority.callAs(() -> this.withings.getTokenResponse(grantRequest)))
				.subscribeOn(this.scheduler);
		});
	}

	/**
	 * Set where Withings calls run ({@link Schedulers#boundedElastic()} by default).
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
	}

}
