package io.github.springwithings.web.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.springwithings.api.WithingsApiEnvelope;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.internal.http.ByteArrayClientHttpResponse;
import io.github.springwithings.oauth2.client.WithingsAuthorizationFailureHandler;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.support.Sleeper;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.util.Assert;

/**
 * Makes a {@code RestClient} understand Withings' API answers, which are HTTP 200 with a
 * {@code {"status":..,"body":..}} envelope even on errors. Add it <em>before</em> Spring's
 * {@link OAuth2ClientHttpRequestInterceptor} (it must see the answer after the bearer token is
 * sent, and re-run the token step on a retry):
 * <ul>
 * <li>status 0: the caller receives {@code body}, as JSON, converted to the requested type;</li>
 * <li>status 401: the access token is treated as expired: it is refreshed once (through the
 * single-flight refresh, so concurrent calls make one refresh) and the call is retried once; if
 * the link is gone or Withings still says 401, {@link ClientAuthorizationRequiredException} (in a
 * web request Spring then sends the user back to Withings);</li>
 * <li>status 601: retried once after {@code wait_seconds} when within the bound, otherwise
 * {@link WithingsRateLimitException};</li>
 * <li>any other status: {@link WithingsApiException} with the status, its family and the text;</li>
 * <li>HTTP errors, non-JSON, broken or oversized bodies (16 MiB by default): {@link WithingsApiException}
 * saying so.</li>
 * </ul>
 */
public final class WithingsApiResponseInterceptor implements ClientHttpRequestInterceptor {

	private static final Log logger = LogFactory.getLog(WithingsApiResponseInterceptor.class);

	private final WithingsAuthorizedClients authorizedClients;

	private final OAuth2ClientHttpRequestInterceptor.ClientRegistrationIdResolver clientRegistrationIdResolver;

	private final OAuth2ClientHttpRequestInterceptor.PrincipalResolver principalResolver;

	private Duration maxRateLimitWait = Duration.ofSeconds(10);

	private WithingsRateBudget rateBudget;

	/** The default largest API answer read: 16 MiB. */
	public static final int DEFAULT_MAX_RESPONSE_SIZE = 16 * 1024 * 1024;

	private int maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;

	/** Name of the observation of API calls. */
	public static final String API_OBSERVATION = WithingsApiObservations.NAME;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private Sleeper sleeper = Sleeper.THREAD;

	/**
	 * @param authorizedClients renews rejected access tokens
	 * @param clientRegistrationIdResolver the registration of a request (as Spring's interceptor resolves it)
	 * @param principalResolver the principal of a request (as Spring's interceptor resolves it)
	 */
	public WithingsApiResponseInterceptor(WithingsAuthorizedClients authorizedClients,
			OAuth2ClientHttpRequestInterceptor.ClientRegistrationIdResolver clientRegistrationIdResolver,
			OAuth2ClientHttpRequestInterceptor.PrincipalResolver principalResolver) {
		Assert.notNull(authorizedClients, "authorizedClients cannot be null");
		Assert.notNull(clientRegistrationIdResolver, "clientRegistrationIdResolver cannot be null");
		Assert.notNull(principalResolver, "principalResolver cannot be null");
		this.authorizedClients = authorizedClients;
		this.clientRegistrationIdResolver = clientRegistrationIdResolver;
		this.principalResolver = principalResolver;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String action = action(body);
		WithingsApiObservations.Call call = WithingsApiObservations.start(this.observationRegistry,
				this.clientRegistrationIdResolver.resolve(request), action, this.observationRegistry.getCurrentObservation());
		ClientHttpResponse response;
		try (Observation.Scope scope = call.observation().openScope()) {
			response = exchange(request, body, execution, action);
		}
		catch (RuntimeException | IOException ex) {
			call.failed(ex);
			throw ex;
		}
		call.succeeded();
		return response;
	}

	private ClientHttpResponse exchange(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			String action) throws IOException {
		long started = System.nanoTime();
		WithingsApiEnvelope envelope = call(request, body, execution);
		String retried = "";
		if (envelope.status() == 401) {
			String registrationId = this.clientRegistrationIdResolver.resolve(request);
			Authentication principal = this.principalResolver.resolve(request);
			if (principal == null) {
				debug(action, "-", "status 401, and no principal to refresh the token of; consent required");
				throw new ClientAuthorizationRequiredException(registrationId);
			}
			debug(action, principal.getName(), "status 401, the access token was refused; refreshing it and retrying once");
			if (!this.authorizedClients.renew(registrationId, principal.getName(),
					request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
				debug(action, principal.getName(), "the link is gone; consent required");
				throw WithingsAuthorizationFailureHandler.authorizationRequired(registrationId, principal.getName(),
						SecurityContextHolder.getContext().getAuthentication());
			}
			envelope = call(request, body, execution);
			if (envelope.status() == 401) {
				debug(action, principal.getName(), "status 401 again after the refresh; consent required");
				throw WithingsAuthorizationFailureHandler.authorizationRequired(registrationId, principal.getName(),
						SecurityContextHolder.getContext().getAuthentication());
			}
			retried = " after a refresh and a retry";
		}
		if (envelope.status() == 601) {
			Duration wait = Duration.ofSeconds(envelope.waitSeconds());
			if (this.rateBudget != null) {
				this.rateBudget.onTooManyRequests(wait, envelope.error()); // every instance waits, not only this call
			}
			if (wait.compareTo(this.maxRateLimitWait) > 0) {
				throw new WithingsRateLimitException(envelope.error(), wait);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Withings API action " + action + ": status 601 (rate limit); retrying once in "
						+ wait.toSeconds() + " s");
			}
			pause(wait);
			envelope = call(request, body, execution);
			if (envelope.status() == 601) {
				throw new WithingsRateLimitException(envelope.error(), Duration.ofSeconds(envelope.waitSeconds()));
			}
		}
		if (logger.isDebugEnabled()) {
			Authentication principal = this.principalResolver.resolve(request);
			logger.debug("Withings API " + request.getMethod() + " " + request.getURI().getPath() + " action "
					+ action + " for '" + ((principal != null) ? principal.getName() : "-") + "': status "
					+ envelope.status() + retried + " in "
					+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
		}
		if (envelope.status() != 0) {
			throw new WithingsApiException(envelope.status(), envelope.error());
		}
		return unwrapped(envelope.bodyBytes());
	}

	/** The answer as the caller sees it: HTTP 200 with the envelope's {@code body}. */
	private static ClientHttpResponse unwrapped(byte[] body) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return new ByteArrayClientHttpResponse(HttpStatus.OK, "OK", headers, body);
	}

	private static void debug(String action, String principalName, String what) {
		if (logger.isDebugEnabled()) {
			logger.debug("Withings API action " + action + " for '" + principalName + "': " + what);
		}
	}

	private WithingsApiEnvelope call(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		request.getHeaders().remove(HttpHeaders.AUTHORIZATION);
		ClientHttpResponse response = execution.execute(request, body);
		try (response) {
			return WithingsApiEnvelope.read(response.getStatusCode(), response.getHeaders(), response.getBody(),
					this.maxResponseSize);
		}
	}

	private void pause(Duration wait) {
		try {
			this.sleeper.sleep(wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new WithingsRateLimitException("Interrupted while waiting for Withings' rate limit", wait);
		}
	}

	private static String action(byte[] body) {
		String form = new String(body, StandardCharsets.UTF_8);
		for (String pair : form.split("&")) {
			if (pair.startsWith("action=")) {
				return pair.substring("action=".length());
			}
		}
		return "-";
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
	 * Set the rate budget a 601 pauses, for every caller of every instance sharing it.
	 * @param rateBudget the budget
	 */
	public void setRateBudget(WithingsRateBudget rateBudget) {
		Assert.notNull(rateBudget, "rateBudget cannot be null");
		this.rateBudget = rateBudget;
	}

	/**
	 * Set the largest answer read ({@value #DEFAULT_MAX_RESPONSE_SIZE} bytes by default); a larger
	 * one fails with {@link WithingsApiException} without being read further.
	 * @param maxResponseSize the bound, in bytes
	 */
	public void setMaxResponseSize(int maxResponseSize) {
		Assert.isTrue(maxResponseSize > 0, "maxResponseSize must be positive");
		this.maxResponseSize = maxResponseSize;
	}

	/**
	 * Record {@value #API_OBSERVATION} observations (see {@link WithingsApiObservations}).
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "observationRegistry cannot be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set how waiting is done ({@link Thread#sleep} by default).
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

}
