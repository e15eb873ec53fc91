package io.github.springwithings.web.reactive.function.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.springwithings.api.WithingsApiEnvelope;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.api.WithingsRequestAttributes;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import io.github.springwithings.ratelimit.WithingsReactiveRatePriority;
import io.github.springwithings.web.client.WithingsApiObservations;
import io.github.springwithings.web.client.WithingsPrincipalResolver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver;
import org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Withings handling for a {@code WebClient}, in servlet and WebFlux applications: the bearer token
 * of the signed-in user (from the servlet security context, or from the reactive one in WebFlux),
 * or of the user named with {@link WithingsRequestAttributes} in {@code .attributes(...)}, and the
 * same envelope rules as the RestClient interceptor: status 0 gives {@code body}; 401 refreshes
 * once (single flight) and retries once, then {@link ClientAuthorizationRequiredException}, as is
 * a dead link found when refreshing an expired access token ({@code invalid_grant}, the client
 * gone from the store); 601 waits within the bound and retries once, else
 * {@link WithingsRateLimitException}; other statuses {@link WithingsApiException}.
 *
 * <p>No wait holds a thread: clients are authorized and renewed through
 * {@link WithingsReactiveAuthorizedClients} (Spring's reactive manager over the reactive store and
 * refresh client: concurrent refreshes of one client share one call, and waits for another
 * refresh, a permit or a 601 are delays), at the caller's priority. Store calls and the shared
 * rate budget's permits (which may be in the database) run on a scheduler where blocking is
 * allowed (the starter's store scheduler in a WebFlux application, see {@link #setScheduler}),
 * never on an event loop; a permit is taken at the caller's priority and waited for with a timer;
 * a 601 pauses the whole budget. Each call is a {@value WithingsApiObservations#NAME}
 * observation, as with the {@code RestClient}.
 */
public final class WithingsExchangeFilterFunction implements ExchangeFilterFunction {

	private final WithingsReactiveAuthorizedClients authorizedClients;

	private final WithingsAuthorizedClientService authorizedClientService;

	private Scheduler scheduler = Schedulers.boundedElastic();

	private static final String REGISTRATION_ID_ATTRIBUTE = keyOf(
			RequestAttributeClientRegistrationIdResolver.clientRegistrationId("withings"));

	private static final String PRINCIPAL_ATTRIBUTE = keyOf(RequestAttributePrincipalResolver.principal("principal"));

	/** The request's user, in the Reactor context of a call: {@code Optional<Authentication>}. */
	private static final String SIGNED_IN = WithingsExchangeFilterFunction.class.getName() + ".SIGNED_IN";

	private Duration maxRateLimitWait = Duration.ofSeconds(10);

	private Function<Duration, Mono<Void>> waiter = (duration) -> Mono.delay(duration).then();

	private WithingsRateBudget rateBudget;

	/** The permits of {@link #rateBudget}, {@code null} without one. */
	private ReactivePermits permits;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * Over the blocking core, seen through a {@link WithingsReactiveAuthorizedClients} of its own
	 * (on {@link Schedulers#boundedElastic()}).
	 * @param authorizedClients what authorizes (and refreshes) the calls' clients
	 * @param authorizedClientService the store of the authorized clients
	 */
	public WithingsExchangeFilterFunction(WithingsAuthorizedClients authorizedClients,
			WithingsAuthorizedClientService authorizedClientService) {
		this(new WithingsReactiveAuthorizedClients(nonNull(authorizedClients)), authorizedClientService);
	}

	/**
	 * @param authorizedClients what authorizes (and renews) the calls' clients, without waiting on
	 * a thread
	 * @param authorizedClientService the store of the authorized clients
	 */
	public WithingsExchangeFilterFunction(WithingsReactiveAuthorizedClients authorizedClients,
			WithingsAuthorizedClientService authorizedClientService) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		this.authorizedClients = authorizedClients;
		this.authorizedClientService = authorizedClientService;
	}

	private static WithingsAuthorizedClients nonNull(WithingsAuthorizedClients authorizedClients) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		return authorizedClients;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		Object registrationAttribute = request.attributes().get(REGISTRATION_ID_ATTRIBUTE);
		String registrationId = (registrationAttribute != null) ? registrationAttribute.toString()
				: this.authorizedClients.getAuthorizedClients().getDefaultRegistrationId();
		// the servlet security context and request are thread-locals of the caller: read them now
		Authentication servletAuthentication = SecurityContextHolder.getContext().getAuthentication();
		WithingsRatePriority caller = WithingsRatePriority.current();
		Observation parent = this.observationRegistry.getCurrentObservation();
		return Mono.deferContextual((context) -> {
			WithingsRatePriority priority = WithingsReactiveRatePriority.of(context, caller);
			WithingsApiObservations.Call call = WithingsApiObservations.start(this.observationRegistry,
					registrationId, action(request), context.getOrDefault(ObservationThreadLocalAccessor.KEY, parent));
			return signedIn(servletAuthentication).flatMap((signedIn) -> principalName(request.attributes(),
					registrationId, servletAuthentication, signedIn.orElse(null))
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.flatMap((principalName) -> attempt(request, next, registrationId, principalName.orElse(null), priority,
						true, true))
				.contextWrite(Context.of(SIGNED_IN, signedIn)))
				.doOnSuccess((response) -> call.succeeded())
				.doOnError(call::failed)
				.doOnCancel(call::cancelled)
				.contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, call.observation()));
		});
	}

	/** The call's Withings {@code action}: the request attribute, else the query parameter, else {@code -}. */
	private static String action(ClientRequest request) {
		Object action = request.attributes().get(WithingsRequestAttributes.ACTION);
		if (action != null) {
			return action.toString();
		}
		String query = request.url().getRawQuery();
		if (query != null) {
			for (String pair : query.split("&")) {
				if (pair.startsWith("action=")) {
					return pair.substring("action=".length());
				}
			}
		}
		return "-";
	}

	/** The request's user: the reactive security context's, else the servlet one's, if any. */
	private static Mono<Optional<Authentication>> signedIn(Authentication servletAuthentication) {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.map(Optional::of)
			.defaultIfEmpty(Optional.ofNullable(servletAuthentication));
	}

	private static Authentication signedIn(ContextView context) {
		return context.<Optional<Authentication>>getOrDefault(SIGNED_IN, Optional.empty()).orElse(null);
	}

	/** A missing or dead link: consent for the request's own user only (see {@link WithingsAuthorizationFailureHandler#authorizationRequired}). */
	private static <T> Mono<T> authorizationRequired(String registrationId, String principalName) {
		return Mono.deferContextual((context) -> Mono.error(WithingsAuthorizationFailureHandler
			.authorizationRequired(registrationId, principalName, signedIn(context))));
	}

	private Mono<String> principalName(Map<String, Object> attributes, String registrationId,
			Authentication servletAuthentication, Authentication signedIn) {
		Object userId = attributes.get(WithingsRequestAttributes.USER_ID);
		if (userId != null) {
			return blocking(() -> WithingsPrincipalResolver.principalNameOf(this.authorizedClientService,
					registrationId, userId.toString(), signedIn));
		}
		Object principal = attributes.get(PRINCIPAL_ATTRIBUTE);
		if (principal instanceof Authentication authentication) {
			return Mono.just(authentication.getName());
		}
		if (principal != null) {
			return Mono.just(principal.toString());
		}
		Mono<String> servlet = (servletAuthentication != null) ? Mono.just(servletAuthentication.getName())
				: Mono.empty();
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.map(Authentication::getName)
			.switchIfEmpty(servlet);
	}

	private record Authorized(String accessToken, long permitWait) {
	}

	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, String registrationId,
			String principalName, WithingsRatePriority priority, boolean mayRenew, boolean mayWait) {
		if (principalName == null) {
			return Mono.error(new ClientAuthorizationRequiredException(registrationId));
		}
		return Mono.deferContextual((context) -> this.authorizedClients.authorize(registrationId, principalName)
			// the refresh waits its turn in the rate budget as this call does
			.contextWrite(WithingsReactiveRatePriority.withPriority(priority))
			.onErrorResume(ClientAuthorizationException.class,
					(ex) -> blocking(() -> {
						throw WithingsAuthorizationFailureHandler.authorizationRequiredIfUnlinked(ex, principalName,
								this.authorizedClientService, signedIn(context));
					}))
			.switchIfEmpty(Mono.error(() -> WithingsAuthorizationFailureHandler.authorizationRequired(registrationId,
					principalName, signedIn(context))))
			.flatMap((client) -> (this.permits != null)
					? blocking(() -> new Authorized(client.getAccessToken().getTokenValue(),
							this.permits.permit(priority, this.permits.maxWaitNanos())))
					: Mono.just(new Authorized(client.getAccessToken().getTokenValue(), 0))))
			.flatMap((authorized) -> ((this.permits != null) ? this.permits.await(priority, authorized.permitWait(), 0)
					: Mono.<Void>empty())
				.then(Mono.just(authorized.accessToken())))
			.flatMap((accessToken) -> next
			.exchange(ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(accessToken)).build())
			.flatMap((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> WithingsApiEnvelope.read(response.statusCode(), response.headers().contentType().orElse(null),
						bytes)))
			.flatMap((envelope) -> handle(envelope, accessToken, request, next, registrationId, principalName, priority,
					mayRenew, mayWait)));
	}

	private Mono<ClientResponse> handle(WithingsApiEnvelope envelope, String accessToken, ClientRequest request,
			ExchangeFunction next, String registrationId, String principalName, WithingsRatePriority priority,
			boolean mayRenew, boolean mayWait) {
		int status = envelope.status();
		if (status == 401) {
			if (!mayRenew) {
				return authorizationRequired(registrationId, principalName);
			}
			return this.authorizedClients.renew(registrationId, principalName, accessToken)
				.contextWrite(WithingsReactiveRatePriority.withPriority(priority))
				.flatMap((renewed) -> renewed ? attempt(request, next, registrationId, principalName, priority, false, mayWait)
						: authorizationRequired(registrationId, principalName));
		}
		if (status == 601) {
			Duration wait = Duration.ofSeconds(envelope.waitSeconds());
			if (this.rateBudget != null) {
				// every instance waits, not only this caller (the budget is in the database: off the event loop)
				return blocking(() -> this.rateBudget.onTooManyRequests(wait, envelope.error()))
					.flatMap((paused) -> retryAfterTooManyRequests(envelope, wait, paused, request, next,
							registrationId, principalName, priority, mayRenew, mayWait));
			}
			return retryAfterTooManyRequests(envelope, wait, false, request, next, registrationId, principalName,
					priority, mayRenew, mayWait);
		}
		if (status != 0) {
			return Mono.error(new WithingsApiException(status, envelope.error()));
		}
		return Mono.just(ClientResponse.create(HttpStatus.OK)
			.headers((headers) -> headers.set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE))
			.body(new String(envelope.bodyBytes(), StandardCharsets.UTF_8))
			.build());
	}

	/** Retry once after a short 601: the paused budget makes the retry's permit wait, else a timer does. */
	private Mono<ClientResponse> retryAfterTooManyRequests(WithingsApiEnvelope envelope, Duration wait,
			boolean budgetPaused, ClientRequest request, ExchangeFunction next, String registrationId,
			String principalName, WithingsRatePriority priority, boolean mayRenew, boolean mayWait) {
		if (!mayWait || wait.compareTo(this.maxRateLimitWait) > 0) {
			return Mono.error(new WithingsRateLimitException(envelope.error(), wait));
		}
		Mono<ClientResponse> retry = Mono
			.defer(() -> attempt(request, next, registrationId, principalName, priority, mayRenew, false));
		return budgetPaused ? retry : this.waiter.apply(wait).then(retry);
	}

	private static String keyOf(Consumer<Map<String, Object>> attribute) {
		Map<String, Object> attributes = new HashMap<>();
		attribute.accept(attributes);
		return attributes.keySet().iterator().next();
	}

	/** A store or rate budget call, where blocking is allowed. */
	private <T> Mono<T> blocking(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler);
	}

	/**
	 * Set where store calls and the shared rate budget's permits run ({@link Schedulers#boundedElastic()}
	 * by default; the starter's store scheduler in a WebFlux application). Authorization and
	 * renewal run where the {@link WithingsReactiveAuthorizedClients} runs them.
	 * @param scheduler a scheduler whose threads may block
	 */
	public void setScheduler(Scheduler scheduler) {
		Assert.notNull(scheduler, "scheduler cannot be null");
		this.scheduler = scheduler;
	}

	/**
	 * Record {@value WithingsApiObservations#NAME} observations (see {@link WithingsApiObservations}),
	 * inside the {@code WebClient}'s own observation of the exchange when there is one.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set the longest 601 {@code wait_seconds} waited for before retrying once (10 s by default).
	 * @param maxRateLimitWait the bound
	 */
	public void setMaxRateLimitWait(Duration maxRateLimitWait) {
		Assert.notNull(maxRateLimitWait, "maxRateLimitWait cannot be null");
		this.maxRateLimitWait = maxRateLimitWait;
	}

	/**
	 * Set how waiting is done for a 601 and for an interactive call's permit ({@code Mono.delay}
	 * by default).
	 * @param waiter gives a {@code Mono} that completes after the duration
	 */
	public void setWaiter(Function<Duration, Mono<Void>> waiter) {
		Assert.notNull(waiter, "waiter cannot be null");
		this.waiter = waiter;
	}

	/**
	 * Set the rate budget shared with the starter's other calls: before each request a permit is
	 * taken at the caller's priority ({@link WithingsRatePriority#INTERACTIVE} for a web exchange),
	 * waited for with a timer, and a 601 pauses the whole budget.
	 * @param rateBudget the budget
	 * @param maxPermitWait the longest wait for a permit
	 */
	public void setRateBudget(WithingsRateBudget rateBudget, Duration maxPermitWait) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		Assert.notNull(maxPermitWait, "maxPermitWait cannot be null");
		this.rateBudget = rateBudget;
		// the waiter and the scheduler as set when a permit is waited for, not now
		this.permits = new ReactivePermits(rateBudget, maxPermitWait, (wait) -> this.waiter.apply(wait),
				this::blocking);
	}

}
