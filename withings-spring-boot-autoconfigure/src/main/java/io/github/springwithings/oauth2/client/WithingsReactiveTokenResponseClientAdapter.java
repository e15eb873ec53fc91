package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient.WouldWaitException;
import io.github.springwithings.oauth2.client.endpoint.WithingsNoncePrefetcher;
import io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error;
import io.github.springwithings.ratelimit.WithingsPrepaidPermits;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.ratelimit.WithingsReactiveRatePriority;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * Runs the starter's token response client (for refreshes: the single-flight, persist-before-use
 * {@code SingleFlightRefreshTokenResponseClient}; for code exchanges: the one that remembers the
 * consent) in WebFlux applications, so that they get the very same lifecycle as servlet ones.
 * Withings registrations run on a scheduler where blocking is allowed (the starter's own bounded
 * one in an application, {@link Schedulers#boundedElastic()} by default), never on an event loop;
 * other registrations go to a reactive client of their own (Spring's by default). A call made for
 * a web exchange is {@link WithingsRatePriority#INTERACTIVE} in the shared rate budget.
 *
 * <p>No wait holds a thread: concurrent refreshes of one refresh token in this process share one
 * call (one {@code Mono}, while it is in flight); a refresh that must wait for another caller (the
 * same client refreshed by another thread or instance) or for a 601's {@code wait_seconds} comes
 * back after a {@link Mono#delay delay} (at most the single flight's lock timeout, and one 601
 * retry, as on servlet); the permits of the {@link #setRateBudget rate budget} are taken before the
 * call, one for each request it makes to Withings ({@link #setRequestsPerCall}), and waited for
 * with a delay; a permit reserved before a 601 paused the budget is not used in the pause: the
 * call waits for the pause's end with a delay and reserves again, or fails.
 *
 * @param <T> the grant request type
 */
public final class WithingsReactiveTokenResponseClientAdapter<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements ReactiveOAuth2AccessTokenResponseClient<T> {

	private final OAuth2AccessTokenResponseClient<T> withings;

	private final ReactiveOAuth2AccessTokenResponseClient<T> others;

	private final Predicate<ClientRegistration> withingsRegistrations;

	/** Refreshes under way in this process, by registration and refresh token. */
	private final Map<String, Sinks.One<OAuth2AccessTokenResponse>> inFlight = new ConcurrentHashMap<>();

	private Scheduler scheduler = Schedulers.boundedElastic();

	private Scheduler budgetScheduler = Schedulers.boundedElastic();

	private WithingsRateBudget rateBudget;

	private Duration maxPermitWait = Duration.ZERO;

	private ToIntFunction<ClientRegistration> requestsPerCall = (registration) -> 1;

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
		if (grantRequest instanceof OAuth2RefreshTokenGrantRequest refresh
				&& this.withings instanceof SingleFlightRefreshTokenResponseClient singleFlight) {
			return Mono.deferContextual((context) -> shared(singleFlight, refresh,
					WithingsReactiveRatePriority.of(context, caller)));
		}
		return Mono.deferContextual((context) -> {
			WithingsRatePriority priority = WithingsReactiveRatePriority.of(context, caller);
			AtomicInteger prepaid = new AtomicInteger();
			return permit(priority, prepaid, grantRequest.getClientRegistration(), false)
				.then(Mono.fromCallable(() -> priority.callAs(() -> withPermits(prepaid,
						() -> this.withings.getTokenResponse(grantRequest))))
					.subscribeOn(this.scheduler));
		});
	}

	/** The refresh of this refresh token under way in this process, or a new one. */
	private Mono<OAuth2AccessTokenResponse> shared(SingleFlightRefreshTokenResponseClient singleFlight,
			OAuth2RefreshTokenGrantRequest refresh, WithingsRatePriority priority) {
		String key = refresh.getClientRegistration().getRegistrationId() + ":"
				+ refresh.getRefreshToken().getTokenValue();
		Sinks.One<OAuth2AccessTokenResponse> created = Sinks.one();
		Sinks.One<OAuth2AccessTokenResponse> flight = this.inFlight.computeIfAbsent(key, (k) -> created);
		if (flight == created) {
			// runs to its end once started (the store is written before use), whoever stops listening
			long deadline = System.nanoTime() + singleFlight.getLockTimeout().toNanos();
			attempt(singleFlight, refresh, priority, new AtomicInteger(), deadline, false)
				.doFinally((signal) -> this.inFlight.remove(key, created))
				.subscribe(created::tryEmitValue, created::tryEmitError, created::tryEmitEmpty);
		}
		return flight.asMono();
	}

	/** One call of the blocking core, which says when it would wait instead of waiting. */
	private Mono<OAuth2AccessTokenResponse> attempt(SingleFlightRefreshTokenResponseClient singleFlight,
			OAuth2RefreshTokenGrantRequest refresh, WithingsRatePriority priority, AtomicInteger prepaid, long deadline,
			boolean rateLimitWaited) {
		return permit(priority, prepaid, refresh.getClientRegistration(), true)
			.then(Mono.fromCallable(() -> priority.callAs(() -> withPermits(prepaid,
					() -> singleFlight.getTokenResponseWithoutWaiting(refresh))))
				.subscribeOn(this.scheduler))
			.onErrorResume(WouldWaitException.class, (wouldWait) -> {
				if (isRateLimited(wouldWait.getInstead())) {
					// Withings answered 601 and nothing is claimed: once more after its wait_seconds
					return rateLimitWaited ? Mono.error(wouldWait.getInstead())
							: Mono.delay(wouldWait.getWait())
								.then(attempt(singleFlight, refresh, priority, prepaid, deadline, true));
				}
				if (System.nanoTime() + wouldWait.getWait().toNanos() - deadline > 0) {
					return Mono.error(wouldWait.getInstead());
				}
				return Mono.delay(wouldWait.getWait())
					.then(attempt(singleFlight, refresh, priority, prepaid, deadline, rateLimitWaited));
			});
	}

	/**
	 * The work, whose requests use the permits taken ahead; without a budget of its own here,
	 * its requests take theirs from the interceptor as usual.
	 */
	private <R> R withPermits(AtomicInteger prepaid, Supplier<R> work) {
		return (this.rateBudget != null) ? WithingsPrepaidPermits.callWithPermits(prepaid, work) : work.get();
	}

	private static boolean isRateLimited(RuntimeException ex) {
		return ex instanceof OAuth2AuthorizationException authorization
				&& authorization.getError() instanceof WithingsOAuth2Error error && error.getStatus() == 601;
	}

	/**
	 * The permits of the rate budget for the next call to Withings, one for each request it makes,
	 * taken here and waited for without a thread (the call's requests then take no others): an
	 * interactive call reserves the next ones, and once they are due looks whether a 601 paused the
	 * budget meanwhile (then it waits for the pause's end and reserves again, within the longest
	 * wait, or fails: it is never sent into the pause); a background one takes them when they are
	 * free and otherwise tries again once the bucket has refilled, within the longest wait. The
	 * budget may be in the database: it is asked on the store's scheduler.
	 */
	private Mono<Void> permit(WithingsRatePriority priority, AtomicInteger prepaid, ClientRegistration registration,
			boolean refresh) {
		if (this.rateBudget == null) {
			return Mono.empty();
		}
		return Mono.fromCallable(() -> Math.max(1, this.requestsPerCall.applyAsInt(registration)))
			.subscribeOn(this.budgetScheduler)
			.flatMap((needed) -> (prepaid.get() >= needed) ? Mono.<Void>empty()
					: awaitPermits(priority, prepaid, needed, 0))
			.onErrorMap(WithingsRateLimitException.class, (ex) -> refresh ? new OAuth2AuthorizationException(
					new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
							"No Withings request permit within the rate limit's wait: " + ex.getMessage(), null),
					ex) : ex);
	}

	private Mono<Void> awaitPermits(WithingsRatePriority priority, AtomicInteger prepaid, int needed, long waited) {
		long left = this.maxPermitWait.toNanos() - waited;
		return Mono.fromCallable(() -> {
			if (priority == WithingsRatePriority.INTERACTIVE) {
				long longest = 0;
				while (prepaid.get() < needed) {
					long wait = this.rateBudget.reserve(Duration.ofNanos(Math.max(0, left)));
					if (wait < 0) {
						throw WithingsRateBudget.refused(this.maxPermitWait);
					}
					prepaid.incrementAndGet();
					longest = Math.max(longest, wait);
				}
				return -longest - 1; // reserved: wait, then look for a pause, then call
			}
			while (prepaid.get() < needed) {
				long wait = this.rateBudget.tryTake();
				if (wait > 0) {
					return wait; // try again after it
				}
				prepaid.incrementAndGet();
			}
			return 0L; // taken
		}).subscribeOn(this.budgetScheduler).flatMap((wait) -> {
			if (wait < 0) {
				long reserved = -wait - 1;
				return (reserved > 0) ? Mono.delay(Duration.ofNanos(reserved))
					.then(afterReservedWait(priority, prepaid, needed, waited + reserved)) : Mono.<Void>empty();
			}
			if (wait == 0) {
				return Mono.<Void>empty();
			}
			if (waited + wait > this.maxPermitWait.toNanos()) {
				this.rateBudget.backgroundRefused();
				return Mono.<Void>error(WithingsRateBudget.refused(this.maxPermitWait));
			}
			return Mono.delay(Duration.ofNanos(wait)).then(awaitPermits(priority, prepaid, needed, waited + wait));
		});
	}

	/**
	 * Reserved permits are due: a 601 may have paused the budget meanwhile, and they fell in the
	 * pause: wait for its end and reserve again, or fail (as the servlet path does).
	 */
	private Mono<Void> afterReservedWait(WithingsRatePriority priority, AtomicInteger prepaid, int needed,
			long waited) {
		return Mono.fromCallable(() -> this.rateBudget.checkPause(this.maxPermitWait.toNanos() - waited))
			.subscribeOn(this.budgetScheduler)
			.flatMap((paused) -> {
				if (paused == 0) {
					return Mono.<Void>empty();
				}
				prepaid.set(0); // inside the pause: never used
				if (paused < 0) {
					return Mono.<Void>error(WithingsRateBudget.refused(this.maxPermitWait));
				}
				return Mono.delay(Duration.ofNanos(paused))
					.then(awaitPermits(priority, prepaid, needed, waited + paused));
			});
	}

	/**
	 * Set how many requests to Withings a call makes, so that as many permits are taken ahead (1
	 * by default; 2 for a signed call whose nonce is fetched on demand): no request of the call
	 * then waits for a permit on a thread.
	 * @param requestsPerCall the requests of a call for a registration, asked before each call
	 * (on the budget's scheduler)
	 */
	public void setRequestsPerCall(ToIntFunction<ClientRegistration> requestsPerCall) {
		Assert.notNull(requestsPerCall, "requestsPerCall cannot be null");
		this.requestsPerCall = requestsPerCall;
	}

	/**
	 * The requests of a signed call (signature mode), for {@link #setRequestsPerCall}: a nonce
	 * request, unless the prefetcher has a nonce ready, then the token request; as many permits as
	 * the servlet path takes for the same call.
	 * @param prefetcher the prefetcher the call takes its nonce from, or {@code null} when nonces
	 * are not fetched ahead
	 * @return the requests of a call for a registration
	 */
	public static ToIntFunction<ClientRegistration> signedCallRequests(WithingsNoncePrefetcher prefetcher) {
		return (registration) -> (prefetcher != null && prefetcher.isReady(registration)) ? 1 : 2;
	}

	/**
	 * Set where Withings calls run ({@link Schedulers#boundedElastic()} by default).
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
	}

	/**
	 * Take the permits of Withings calls from this budget ahead of the call, waiting for them with a
	 * delay instead of a thread (the budget of the starter's {@code withingsRateLimitInterceptor},
	 * whose requests then take no second one).
	 * @param rateBudget the budget
	 * @param maxPermitWait the longest wait for a permit
	 * @param budgetScheduler where the budget is asked (it may be in the database): a scheduler
	 * whose threads may block
	 */
	public void setRateBudget(WithingsRateBudget rateBudget, Duration maxPermitWait, Scheduler budgetScheduler) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		Assert.isTrue(maxPermitWait != null && !maxPermitWait.isNegative(), "maxPermitWait must not be negative");
		Assert.notNull(budgetScheduler, "budgetScheduler cannot be null");
		this.rateBudget = rateBudget;
		this.maxPermitWait = maxPermitWait;
		this.budgetScheduler = budgetScheduler;
	}

}
