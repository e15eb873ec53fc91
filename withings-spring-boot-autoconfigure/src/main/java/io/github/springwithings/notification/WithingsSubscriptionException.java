package io.github.springwithings.notification;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsStatusFamily;

import org.springframework.security.oauth2.client.ClientAuthorizationException;

/**
 * Some categories of a {@link WithingsNotifications#subscribe subscribe} could not be subscribed:
 * {@link #getFailures()} says why for each ({@link WithingsApiException} with Withings' status
 * and its family, e.g. 293 when Withings could not reach the callback URL, 214 when the user did
 * not grant the category's scope), {@link #getSubscribed()} what was subscribed all the same. The
 * status of this exception is that of the first failure. Its message, its cause, its suppressed
 * exceptions and the failures name statuses and families only, never Withings' text nor the
 * original exception (Withings' text could echo the callback URL and its secret segment, and a
 * logged stack trace prints the whole chain).
 */
public final class WithingsSubscriptionException extends WithingsApiException {

	private static final long serialVersionUID = 1L;

	/** What was subscribed all the same. */
	private final List<WithingsSubscription> subscribed;

	/** The failure of each appli code that could not be subscribed. */
	private final Map<Integer, RuntimeException> failures;

	/**
	 * @param subscribed what was subscribed by the same call
	 * @param failures the categories that failed (appli code to the failure), at least one
	 */
	public WithingsSubscriptionException(List<WithingsSubscription> subscribed,
			Map<Integer, RuntimeException> failures) {
		this(subscribed, sanitize(failures));
	}

	private WithingsSubscriptionException(List<WithingsSubscription> subscribed,
			LinkedHashMap<Integer, RuntimeException> sanitized) {
		super("Withings refused to subscribe appli " + sanitized.keySet() + ": " + describe(first(sanitized)),
				first(sanitized));
		this.subscribed = List.copyOf(subscribed);
		this.failures = Collections.unmodifiableMap(sanitized);
		sanitized.values().stream().skip(1).forEach(this::addSuppressed);
	}

	private static LinkedHashMap<Integer, RuntimeException> sanitize(Map<Integer, RuntimeException> failures) {
		LinkedHashMap<Integer, RuntimeException> sanitized = new LinkedHashMap<>();
		failures.forEach((code, failure) -> sanitized.put(code, sanitize(failure)));
		return sanitized;
	}

	/**
	 * A failure of a subscribe or revoke as it may be kept, thrown on or logged: a
	 * {@link WithingsApiException} with Withings' status (and so its family) only, without
	 * Withings' text nor any cause; Spring's {@link ClientAuthorizationException} (the link is
	 * gone, a message of the starter's) as it is; any other failure as a
	 * {@link WithingsApiException} naming its type only.
	 * @param failure the failure
	 * @return the failure without Withings' text
	 */
	static RuntimeException sanitize(RuntimeException failure) {
		if (failure instanceof ClientAuthorizationException || failure instanceof WithingsSubscriptionException) {
			return failure;
		}
		if (failure instanceof WithingsApiException api && api.getStatus() != null) {
			return new WithingsApiException(api.getStatus(), null);
		}
		return new OtherFailure(failure);
	}

	/** A failure other than Withings' answer, named by its type only. */
	static final class OtherFailure extends WithingsApiException {

		private static final long serialVersionUID = 1L;

		private final String type;

		OtherFailure(RuntimeException failure) {
			super("Withings subscription call failed: " + failure.getClass().getSimpleName(), null);
			this.type = failure.getClass().getSimpleName();
		}

	}

	/**
	 * A failure named by Withings' status and its family only: Withings' text could echo the
	 * callback URL, whose last path segment is a secret.
	 * @param failure the failure
	 * @return the description
	 */
	static String describe(RuntimeException failure) {
		if (failure instanceof WithingsApiException api && api.getStatus() != null) {
			return "status " + api.getStatus() + " (" + api.getFamily() + ")";
		}
		if (failure instanceof OtherFailure sanitized) {
			return sanitized.type;
		}
		return failure.getClass().getSimpleName();
	}

	private static RuntimeException first(Map<Integer, RuntimeException> failures) {
		return failures.values().iterator().next();
	}

	@Override
	public Integer getStatus() {
		return (getCause() instanceof WithingsApiException api) ? api.getStatus() : null;
	}

	@Override
	public WithingsStatusFamily getFamily() {
		return (getCause() instanceof WithingsApiException api) ? api.getFamily() : super.getFamily();
	}

	@Override
	public String getError() {
		return (getCause() instanceof WithingsApiException api) ? api.getError() : null;
	}

	/**
	 * What the call subscribed before or after the failures.
	 * @return the new subscriptions
	 */
	public List<WithingsSubscription> getSubscribed() {
		return this.subscribed;
	}

	/**
	 * Why each category failed.
	 * @return appli code to the failure (a {@link WithingsApiException} with Withings' status and
	 * family only, or Spring's {@code ClientAuthorizationRequiredException} when the link is gone)
	 */
	public Map<Integer, RuntimeException> getFailures() {
		return this.failures;
	}

}
