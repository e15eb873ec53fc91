package io.github.springwithings.actuate;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The {@code withings} health contributor: UP when Withings answers and the store answers, DOWN
 * when either does not, with a detail naming which. Users are never looked at: one user's dead
 * link never makes the application unhealthy.
 *
 * <p><b>Withings.</b> A request to each registration's OAuth2 endpoint (its token URI) without an
 * {@code action}, without a token or a secret: Withings answers it with its JSON envelope (status
 * 503, "Invalid Params"). Any envelope is UP; an HTTP error status, a body that is not an
 * envelope, a timeout or a connection failure is DOWN. The answer is kept for a while (1 minute
 * by default), so that frequent probes do not call Withings each time; the request takes a
 * background permit of the rate budget, only one that is free now:
 * when none is, Withings is not called and the last answer stands (UNKNOWN before the first).
 *
 * <p><b>The store.</b> One page of one user of the first registration, read at each probe (one
 * query by primary key in the relational stores).
 *
 * <p>Details are statuses and the type of a failure only: never a token, a secret, a URL's
 * query or a user.
 */
public final class WithingsHealthIndicator implements HealthIndicator {

	private static final Log logger = LogFactory.getLog(WithingsHealthIndicator.class);

	private static final ParameterizedTypeReference<Map<String, Object>> ENVELOPE = new ParameterizedTypeReference<>() {
	};

	private final RestClient restClient;

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final List<String> registrationIds;

	private final WithingsAuthorizedClientService store;

	private WithingsRateBudget rateBudget;

	private Duration cache = Duration.ofMinutes(1);

	private Clock clock = Clock.systemUTC();

	private Probe lastProbe;

	/**
	 * @param restClient the client Withings is called with; it must read JSON into a {@code Map}
	 * and write form bodies, and should not take a rate-budget permit itself (this indicator
	 * takes one that is free now, see {@link #setRateBudget})
	 * @param clientRegistrationRepository where the registrations' token URIs are found
	 * @param registrationIds the Withings registrations
	 * @param store the store of authorized clients
	 */
	public WithingsHealthIndicator(RestClient restClient, ClientRegistrationRepository clientRegistrationRepository,
			Collection<String> registrationIds, WithingsAuthorizedClientService store) {
		Assert.notNull(restClient, "restClient cannot be null");
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		Assert.notEmpty(registrationIds, "registrationIds cannot be empty");
		Assert.notNull(store, "store cannot be null");
		this.restClient = restClient;
		this.clientRegistrationRepository = clientRegistrationRepository;
		this.registrationIds = List.copyOf(registrationIds);
		this.store = store;
	}

	@Override
	public Health health() {
		Probe withings = withings();
		String storeFailure = storeFailure();
		boolean up = withings.status != Status.DOWN && storeFailure == null;
		Health.Builder health = up ? Health.up() : Health.down();
		health.withDetail("withings", withings.status.getCode());
		if (withings.failure != null) {
			health.withDetail("withingsError", withings.failure);
		}
		if (withings.at != null) {
			health.withDetail("withingsCheckedAt", withings.at.toString());
		}
		health.withDetail("store", (storeFailure == null) ? Status.UP.getCode() : Status.DOWN.getCode());
		if (storeFailure != null) {
			health.withDetail("storeError", storeFailure);
		}
		return health.build();
	}

	private String storeFailure() {
		try {
			this.store.findPage(this.registrationIds.get(0), null, 1);
			return null;
		}
		catch (RuntimeException ex) {
			logger.debug("Withings health: the store cannot be read (" + ex.getClass().getSimpleName() + ")");
			return ex.getClass().getSimpleName();
		}
	}

	/** Withings' answer, as last seen within the cache time, else asked now. */
	private synchronized Probe withings() {
		Instant now = this.clock.instant();
		if (this.lastProbe != null && this.lastProbe.at != null && now.isBefore(this.lastProbe.at.plus(this.cache))) {
			return this.lastProbe;
		}
		if (this.rateBudget != null && this.rateBudget.tryTake() > 0) {
			// no permit free now: the budget is busy with real calls, Withings is not asked
			return (this.lastProbe != null) ? this.lastProbe : new Probe(Status.UNKNOWN, "no rate-budget permit free", null);
		}
		this.lastProbe = probe(now);
		return this.lastProbe;
	}

	private Probe probe(Instant now) {
		for (URI uri : tokenUris()) {
			String failure = failure(uri);
			if (failure != null) {
				logger.debug("Withings health: Withings did not answer (" + failure + ")");
				return new Probe(Status.DOWN, failure, now);
			}
		}
		return new Probe(Status.UP, null, now);
	}

	private String failure(URI uri) {
		try {
			ResponseEntity<Map<String, Object>> answer = this.restClient.post()
				.uri(uri)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(new LinkedMultiValueMap<String, String>())
				.retrieve()
				.toEntity(ENVELOPE);
			Map<String, Object> envelope = answer.getBody();
			return (envelope != null && envelope.get("status") instanceof Number) ? null : "not a Withings answer";
		}
		catch (RestClientResponseException ex) {
			return "HTTP " + ex.getStatusCode().value();
		}
		catch (RuntimeException ex) {
			return ex.getClass().getSimpleName();
		}
	}

	private Set<URI> tokenUris() {
		Set<URI> uris = new LinkedHashSet<>();
		for (String registrationId : this.registrationIds) {
			ClientRegistration registration = this.clientRegistrationRepository.findByRegistrationId(registrationId);
			if (registration != null) {
				uris.add(URI.create(registration.getProviderDetails().getTokenUri()));
			}
		}
		return uris;
	}

	/**
	 * Take a permit of this budget for each request to Withings, only one free now (counted as
	 * background); none by default.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		this.rateBudget = rateBudget;
	}

	/**
	 * Keep Withings' answer this long (1 minute by default); {@link Duration#ZERO} asks at every
	 * probe.
	 * @param cache the time
	 */
	public void setCache(Duration cache) {
		Assert.isTrue(cache != null && !cache.isNegative(), "cache must not be negative");
		this.cache = cache;
	}

	/**
	 * Set the clock of the cache.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/** An answer of Withings: its status, what failed, when it was asked ({@code null}: never). */
	private record Probe(Status status, String failure, Instant at) {
	}

}
