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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Whether Withings answers, as the {@code withings} health contributor, endpoint and metrics show
 * it. Reading it never waits for Withings: {@link #check()} returns the last answer at once and,
 * when that answer is older than the {@link #setCache cache time}, starts one probe in the
 * background (one at a time, whoever asks; no lock is held across the HTTP call).
 *
 * <p><b>The probe.</b> A request to each registration's OAuth2 endpoint (its token URI) without an
 * {@code action}, without a token or a secret: Withings answers it with its JSON envelope. Any
 * envelope is UP; an HTTP error status, a body that is not an envelope, a timeout or a connection
 * failure is DOWN. It takes a background permit of the rate budget, only one that is free now:
 * when none is, Withings is not called and the last answer stands, but only for the
 * {@link #setMaxAge maximum age}: an older answer reads UNKNOWN, never a DOWN (or UP) served
 * forever.
 *
 * <p>Answers are statuses and the type of a failure only: never a token, a secret, a URL's query
 * or a user.
 */
public final class WithingsReachability {

	/** What is known of Withings. */
	public enum State {

		/** Withings answered with its envelope. */
		UP,

		/** Withings did not answer, or not with its envelope. */
		DOWN,

		/** Not asked yet, or the last answer is too old to tell. */
		UNKNOWN

	}

	private static final Log logger = LogFactory.getLog(WithingsReachability.class);

	private static final ParameterizedTypeReference<Map<String, Object>> ENVELOPE = new ParameterizedTypeReference<>() {
	};

	private final RestClient restClient;

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final List<String> registrationIds;

	private final AtomicBoolean probing = new AtomicBoolean();

	private final AtomicLong probes = new AtomicLong();

	private final AtomicLong failedProbes = new AtomicLong();

	private volatile Answer last;

	private volatile Instant attempted;

	private WithingsRateBudget rateBudget;

	private Duration cache = Duration.ofMinutes(1);

	private Duration maxAge = Duration.ofMinutes(5);

	private Clock clock = Clock.systemUTC();

	private Executor executor;

	/**
	 * @param restClient the client Withings is called with; it must read JSON into a {@code Map}
	 * and write form bodies, and should not take a rate-budget permit itself (a permit free now is
	 * taken, see {@link #setRateBudget})
	 * @param clientRegistrationRepository where the registrations' token URIs are found
	 * @param registrationIds the Withings registrations
	 */
	public WithingsReachability(RestClient restClient, ClientRegistrationRepository clientRegistrationRepository,
			Collection<String> registrationIds) {
		Assert.notNull(restClient, "restClient cannot be null");
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		Assert.notEmpty(registrationIds, "registrationIds cannot be empty");
		this.restClient = restClient;
		this.clientRegistrationRepository = clientRegistrationRepository;
		this.registrationIds = List.copyOf(registrationIds);
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("withings-health-");
		executor.setDaemon(true);
		this.executor = executor;
	}

	/**
	 * What is known of Withings now, starting a probe in the background when the last answer is
	 * older than the cache time and none is running. Never waits.
	 * @return the last answer (UNKNOWN before the first, or once older than the maximum age)
	 */
	public Reachability check() {
		Instant now = this.clock.instant();
		if (isDue(now) && this.probing.compareAndSet(false, true)) {
			this.attempted = now;
			try {
				this.executor.execute(this::probe);
			}
			catch (RuntimeException ex) {
				this.probing.set(false);
				logger.debug("Withings health: the probe could not be started (" + ex.getClass().getSimpleName() + ")");
			}
		}
		return reachability(now);
	}

	/** The last answer, and the last attempt (that may have found no permit), are older than the cache time. */
	private boolean isDue(Instant now) {
		Answer answer = this.last;
		Instant attempt = this.attempted;
		return (answer == null || !now.isBefore(answer.at().plus(this.cache)))
				&& (attempt == null || !now.isBefore(attempt.plus(this.cache)));
	}

	/**
	 * What is known of Withings now, without asking it.
	 * @return the last answer (UNKNOWN before the first, or once older than the maximum age)
	 */
	public Reachability current() {
		return reachability(this.clock.instant());
	}

	private Reachability reachability(Instant now) {
		Answer answer = this.last;
		if (answer == null) {
			return new Reachability(State.UNKNOWN, this.probing.get() ? "being checked" : "not checked yet", null, null);
		}
		if (now.isAfter(answer.at().plus(this.maxAge))) {
			return new Reachability(State.UNKNOWN, "last checked more than " + this.maxAge + " ago", answer.at(),
					answer.state());
		}
		return new Reachability(answer.state(), answer.failure(), answer.at(), null);
	}

	/** One probe, on the executor's thread; a permit free now or nothing. */
	private void probe() {
		try {
			if (this.rateBudget != null && this.rateBudget.tryTake() > 0) {
				// no permit free now: the budget is busy with real calls, Withings is not asked
				logger.debug("Withings health: no rate-budget permit free, Withings not asked");
				return;
			}
			Instant at = this.clock.instant();
			String failure = null;
			for (URI uri : tokenUris()) {
				failure = failure(uri);
				if (failure != null) {
					logger.debug("Withings health: Withings did not answer (" + failure + ")");
					break;
				}
			}
			this.probes.incrementAndGet();
			if (failure != null) {
				this.failedProbes.incrementAndGet();
			}
			this.last = new Answer((failure != null) ? State.DOWN : State.UP, failure, at);
		}
		catch (RuntimeException ex) {
			logger.debug("Withings health: the probe failed (" + ex.getClass().getSimpleName() + ")");
		}
		finally {
			this.probing.set(false);
		}
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
	 * Whether a probe is running now.
	 * @return {@code true} while one is
	 */
	public boolean isProbing() {
		return this.probing.get();
	}

	/**
	 * The probes that got an answer or a failure since the start.
	 * @return the count
	 */
	public long getProbes() {
		return this.probes.get();
	}

	/**
	 * The probes that found Withings DOWN since the start.
	 * @return the count
	 */
	public long getFailedProbes() {
		return this.failedProbes.get();
	}

	/**
	 * Take a permit of this budget for each probe, only one free now (counted as background);
	 * none by default.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		this.rateBudget = rateBudget;
	}

	/**
	 * Keep Withings' answer this long before asking again (1 minute by default);
	 * {@link Duration#ZERO} asks at every check (one probe at a time).
	 * @param cache the time
	 */
	public void setCache(Duration cache) {
		Assert.isTrue(cache != null && !cache.isNegative(), "cache must not be negative");
		this.cache = cache;
	}

	/**
	 * Read an answer older than this as UNKNOWN (5 minutes by default): when no probe could be made
	 * since (no rate-budget permit free, a probe still running), the last answer is not served
	 * forever.
	 * @param maxAge the age
	 */
	public void setMaxAge(Duration maxAge) {
		Assert.isTrue(maxAge != null && !maxAge.isNegative(), "maxAge must not be negative");
		this.maxAge = maxAge;
	}

	/**
	 * Run the probes on this executor (by default a thread of their own, named
	 * {@code withings-health-}, per probe; one probe at a time).
	 * @param executor the executor
	 */
	public void setExecutor(Executor executor) {
		Assert.notNull(executor, "executor cannot be null");
		this.executor = executor;
	}

	/**
	 * Set the clock answers are aged by.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	/** An answer of Withings: its state, what failed, when it was asked. */
	private record Answer(State state, String failure, Instant at) {
	}

	/**
	 * What is known of Withings.
	 *
	 * @param status UP, DOWN or UNKNOWN
	 * @param error what failed (the type of a failure, {@code HTTP 502}), or why it is UNKNOWN;
	 * {@code null} when UP
	 * @param checkedAt when Withings last answered a probe, {@code null} before the first
	 * @param lastStatus when UNKNOWN because the last answer is too old: that answer's status
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Reachability(State status, String error, Instant checkedAt, State lastStatus) {
	}

}
