package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.support.Sleeper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * A linked user's Withings notification subscriptions ({@code notify} {@code subscribe},
 * {@code list}, {@code revoke}) to the application's callback URL, with the user's own token
 * (refreshed through the single flight when needed) and within the shared rate limit.
 *
 * <p>Users are named by principal name or Withings user id (as notifications name them): the
 * principal name is looked up first. {@link #subscribe} is idempotent: it lists the user's
 * subscriptions first and subscribes only the categories not yet subscribed to the callback URL
 * (Withings would keep a second, identical subscription and notify twice). Withings probes the
 * callback URL with {@code HEAD} on every subscribe, so subscribe calls are {@link #setSpacing
 * spaced out} across all callers of this instance.
 *
 * <pre class="code">
 * notifications.subscribe(userId);                                    // the configured categories
 * notifications.subscribe(userId, WithingsAppli.WEIGHT, WithingsAppli.SLEEP);
 * List&lt;WithingsSubscription&gt; subscriptions = notifications.list(userId);
 * notifications.revoke(userId, WithingsAppli.SLEEP);
 * </pre>
 *
 * <p>Errors: a user with no link gets Spring's {@link ClientAuthorizationRequiredException}, a
 * refusal a {@link WithingsApiException} with Withings' status and text (293: Withings could not
 * reach the callback URL with {@code HEAD}; 214: the user did not grant the category's scope),
 * except that a subscribe whose categories failed, some or all, throws a
 * {@link WithingsSubscriptionException} (itself a {@link WithingsApiException}, with the first
 * failure's status) naming each failure and what was subscribed all the same.
 */
public final class WithingsNotifications {

	/** Withings: "No such subscription could be deleted" (older reference), for a revoke of nothing. */
	static final int NOTHING_REVOKED = 294;

	private static final Log logger = LogFactory.getLog(WithingsNotifications.class);

	private final WithingsApi api;

	private final WithingsLinkedUsers linkedUsers;

	private final Supplier<String> callbackUrl;

	private List<Integer> defaultAppli = List.of(WithingsAppli.WEIGHT.code(), WithingsAppli.USER_ACTION.code());

	private Duration spacing = Duration.ofSeconds(5);

	private Sleeper sleeper = Sleeper.THREAD;

	private Clock clock = Clock.systemUTC();

	// guarded by this: when the next subscribe (and so Withings' HEAD probe) may start
	private Instant nextSubscribe = Instant.MIN;

	/**
	 * @param api the typed API (the {@code withingsApi} bean)
	 * @param linkedUsers the linked users, to tell principal names from user ids
	 * @param callbackUrl the public callback URL (resolved at each call, so that it may name a
	 * port known only once the server runs)
	 */
	public WithingsNotifications(WithingsApi api, WithingsLinkedUsers linkedUsers, Supplier<String> callbackUrl) {
		Assert.notNull(api, "api cannot be null");
		Assert.notNull(linkedUsers, "linkedUsers cannot be null");
		Assert.notNull(callbackUrl, "callbackUrl cannot be null");
		this.api = api;
		this.linkedUsers = linkedUsers;
		this.callbackUrl = callbackUrl;
	}

	/**
	 * @param api the typed API (the {@code withingsApi} bean)
	 * @param linkedUsers the linked users, to tell principal names from user ids
	 * @param callbackUrl the public callback URL
	 */
	public WithingsNotifications(WithingsApi api, WithingsLinkedUsers linkedUsers, String callbackUrl) {
		this(api, linkedUsers, () -> callbackUrl);
		Assert.hasText(callbackUrl, "callbackUrl cannot be empty");
	}

	/**
	 * Subscribe a user to the default categories ({@code withings.notifications.appli}).
	 * @param principalOrUserId the principal name or the Withings user id
	 * @return the subscriptions made, empty when all were there already
	 */
	public List<WithingsSubscription> subscribe(String principalOrUserId) {
		return subscribeCodes(principalOrUserId, this.defaultAppli);
	}

	/**
	 * Subscribe a user to categories, those not subscribed yet only.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appli the categories
	 * @return the subscriptions made, empty when all were there already
	 */
	public List<WithingsSubscription> subscribe(String principalOrUserId, WithingsAppli... appli) {
		return subscribeCodes(principalOrUserId, codes(appli));
	}

	/**
	 * Subscribe a user to categories given by code (also codes {@link WithingsAppli} does not
	 * know), those not subscribed yet only.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appliCodes the {@code appli} codes
	 * @return the subscriptions made, empty when all were there already
	 */
	public List<WithingsSubscription> subscribe(String principalOrUserId, int... appliCodes) {
		return subscribeCodes(principalOrUserId, Arrays.stream(appliCodes).boxed().toList());
	}

	private List<WithingsSubscription> subscribeCodes(String principalOrUserId, List<Integer> appliCodes) {
		Assert.notEmpty(appliCodes, "appli cannot be empty");
		WithingsLinkedUser user = user(principalOrUserId);
		WithingsApi userApi = this.api.forPrincipal(user.principalName());
		String url = callbackUrl();
		Set<Integer> present = new LinkedHashSet<>();
		for (WithingsSubscription subscription : list(userApi)) {
			if (url.equals(subscription.callbackUrl())) {
				present.add(subscription.appliCode());
			}
		}
		List<WithingsSubscription> subscribed = new ArrayList<>();
		Map<Integer, RuntimeException> failures = new LinkedHashMap<>();
		for (Integer code : new LinkedHashSet<>(appliCodes)) {
			if (present.contains(code)) {
				continue;
			}
			try {
				awaitTurn();
				userApi.call("/notify", "subscribe", Map.of("callbackurl", url, "appli", Integer.toString(code)),
						Map.class);
				subscribed.add(WithingsSubscription.of(code, url, null));
				logger.debug("Subscribed '" + user.principalName() + "' (userid " + user.userId() + ") to appli " + code
						+ " at the callback URL");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failures.put(code, new WithingsApiException("interrupted before subscribing appli " + code, ex));
				break;
			}
			catch (ClientAuthorizationRequiredException ex) {
				failures.put(code, ex);
				break; // the link is gone: nothing else can succeed
			}
			catch (RuntimeException ex) {
				logger.debug("Withings refused to subscribe '" + user.principalName() + "' to appli " + code + ": "
						+ WithingsSubscriptionException.describe(ex));
				failures.put(code, ex);
			}
		}
		for (RuntimeException failure : failures.values()) {
			if (failure instanceof ClientAuthorizationRequiredException linkGone) {
				throw linkGone;
			}
		}
		if (!failures.isEmpty()) {
			throw new WithingsSubscriptionException(subscribed, failures);
		}
		return subscribed;
	}

	/**
	 * A user's subscriptions, to any callback URL.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @return the subscriptions
	 */
	public List<WithingsSubscription> list(String principalOrUserId) {
		return list(this.api.forPrincipal(user(principalOrUserId).principalName()));
	}

	private static List<WithingsSubscription> list(WithingsApi userApi) {
		Map<?, ?> body = userApi.call("/notify", "list", Map.of(), Map.class);
		List<WithingsSubscription> subscriptions = new ArrayList<>();
		if (body != null && body.get("profiles") instanceof List<?> profiles) {
			for (Object profile : profiles) {
				if (profile instanceof Map<?, ?> row && row.get("callbackurl") instanceof String url
						&& StringUtils.hasText(url) && code(row.get("appli")) != null) {
					Object comment = row.get("comment");
					subscriptions.add(WithingsSubscription.of(code(row.get("appli")), url,
							(comment != null) ? comment.toString() : null));
				}
			}
		}
		return subscriptions;
	}

	private static Integer code(Object appli) {
		if (appli instanceof Number number) {
			return number.intValue();
		}
		try {
			return (appli != null) ? Integer.valueOf(appli.toString().trim()) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Revoke every subscription of a user to the callback URL (other URLs' are kept).
	 * @param principalOrUserId the principal name or the Withings user id
	 * @return how many subscriptions were revoked (0 when there were none)
	 */
	public int revoke(String principalOrUserId) {
		return revoke(principalOrUserId, new int[0]);
	}

	/**
	 * Revoke a user's subscriptions to the callback URL.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appli the categories; none: every category subscribed to the callback URL
	 * @return how many subscriptions were revoked (0 when there were none)
	 */
	public int revoke(String principalOrUserId, WithingsAppli... appli) {
		return revoke(principalOrUserId, codes(appli).stream().mapToInt(Integer::intValue).toArray());
	}

	/**
	 * Revoke a user's subscriptions to the callback URL, by code.
	 * @param principalOrUserId the principal name or the Withings user id
	 * @param appliCodes the {@code appli} codes; none: every category subscribed to the callback URL
	 * @return how many subscriptions were revoked (0 when there were none)
	 */
	public int revoke(String principalOrUserId, int... appliCodes) {
		WithingsLinkedUser user = user(principalOrUserId);
		WithingsApi userApi = this.api.forPrincipal(user.principalName());
		String url = callbackUrl();
		Set<Integer> wanted = new LinkedHashSet<>(Arrays.stream(appliCodes).boxed().toList());
		Set<Integer> subscribed = new LinkedHashSet<>();
		for (WithingsSubscription subscription : list(userApi)) {
			if (url.equals(subscription.callbackUrl()) && (wanted.isEmpty() || wanted.contains(subscription.appliCode()))) {
				subscribed.add(subscription.appliCode());
			}
		}
		int revoked = 0;
		for (Integer code : subscribed) {
			try {
				userApi.call("/notify", "revoke", Map.of("callbackurl", url, "appli", Integer.toString(code)), Map.class);
				revoked++;
			}
			catch (WithingsApiException ex) {
				if (!Integer.valueOf(NOTHING_REVOKED).equals(ex.getStatus())) {
					// status and family only: Withings' text could echo the callback URL
					throw WithingsSubscriptionException.sanitize(ex);
				}
				// revoked meanwhile: what was asked holds
			}
		}
		logger.debug("Revoked " + revoked + " subscriptions of '" + user.principalName() + "' (userid " + user.userId()
				+ ") to the callback URL");
		return revoked;
	}

	/**
	 * The Withings registration whose users this manages (the default one).
	 * @return the registration id
	 */
	public String getRegistrationId() {
		return this.linkedUsers.getDefaultRegistrationId();
	}

	/**
	 * The callback URL subscriptions are made to.
	 * @return the URL
	 */
	public String getCallbackUrl() {
		return callbackUrl();
	}

	private String callbackUrl() {
		String url = this.callbackUrl.get();
		Assert.state(StringUtils.hasText(url), "No Withings notification callback URL");
		return url;
	}

	private WithingsLinkedUser user(String principalOrUserId) {
		Assert.hasText(principalOrUserId, "principalOrUserId cannot be empty");
		Optional<WithingsLinkedUser> user = this.linkedUsers.findByPrincipalName(principalOrUserId);
		if (user.isEmpty()) {
			user = this.linkedUsers.findByUserId(principalOrUserId);
		}
		return user.orElseThrow(() -> new ClientAuthorizationRequiredException(this.linkedUsers.getDefaultRegistrationId()));
	}

	/** Waits until this subscribe may start, at least the spacing after the previous one. */
	private void awaitTurn() throws InterruptedException {
		Instant turn;
		synchronized (this) {
			Instant now = this.clock.instant();
			turn = this.nextSubscribe.isAfter(now) ? this.nextSubscribe : now;
			this.nextSubscribe = turn.plus(this.spacing);
		}
		Duration wait = Duration.between(this.clock.instant(), turn);
		if (!wait.isNegative() && !wait.isZero()) {
			this.sleeper.sleep(wait);
		}
	}

	private static List<Integer> codes(WithingsAppli... appli) {
		List<Integer> codes = new ArrayList<>();
		for (WithingsAppli category : appli) {
			Assert.isTrue(category != null && category != WithingsAppli.UNKNOWN,
					"appli cannot be null or UNKNOWN: give the code");
			codes.add(category.code());
		}
		return codes;
	}

	/**
	 * Sets the categories {@link #subscribe(String)} subscribes ({@code 1} and {@code 46} by
	 * default: weight and user actions).
	 * @param defaultAppli the {@code appli} codes
	 */
	public void setDefaultAppli(List<Integer> defaultAppli) {
		Assert.notEmpty(defaultAppli, "defaultAppli cannot be empty");
		this.defaultAppli = List.copyOf(defaultAppli);
	}

	/**
	 * The categories {@link #subscribe(String)} subscribes.
	 * @return the {@code appli} codes
	 */
	public List<Integer> getDefaultAppli() {
		return this.defaultAppli;
	}

	/**
	 * Sets the least time between two subscribe calls of this instance (each makes Withings
	 * probe the callback URL); 5 seconds by default.
	 * @param spacing the spacing, zero for none
	 */
	public void setSpacing(Duration spacing) {
		Assert.isTrue(spacing != null && !spacing.isNegative(), "spacing must not be negative");
		this.spacing = spacing;
	}

	/**
	 * Sets how the spacing is waited ({@link Sleeper#THREAD} by default).
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
		Assert.notNull(sleeper, "sleeper cannot be null");
		this.sleeper = sleeper;
	}

	/**
	 * Sets the clock of the spacing.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

}
