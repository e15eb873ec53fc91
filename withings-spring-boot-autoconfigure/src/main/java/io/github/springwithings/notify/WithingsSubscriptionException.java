package io.github.springwithings.notify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsStatusFamily;

/**
 * Some categories of a {@link WithingsNotifications#subscribe subscribe} could not be subscribed:
 * {@link #getFailures()} says why for each ({@link WithingsApiException} with Withings' status
 * and text, e.g. 293 when Withings could not reach the callback URL, 214 when the user did not
 * grant the category's scope), {@link #getSubscribed()} what was subscribed all the same. The
 * status of this exception is that of the first failure; its message names that status and its
 * family only, never Withings' text (which could echo the callback URL and its secret).
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
		super("Withings refused to subscribe appli " + failures.keySet() + ": " + describe(first(failures)),
				first(failures));
		this.subscribed = List.copyOf(subscribed);
		this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
		failures.values().stream().skip(1).forEach(this::addSuppressed);
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
	 * @return appli code to the failure (a {@link WithingsApiException}, or Spring's
	 * {@code ClientAuthorizationRequiredException} when the link is gone)
	 */
	public Map<Integer, RuntimeException> getFailures() {
		return this.failures;
	}

}
