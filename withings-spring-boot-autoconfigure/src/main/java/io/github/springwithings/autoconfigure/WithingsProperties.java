package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Withings starter.
 */
@ConfigurationProperties("withings")
public class WithingsProperties {

	/**
	 * Base URI of the Withings API: /v2/oauth2, /v2/signature and the data API live under it.
	 */
	private String apiBaseUri = "https://wbsapi.withings.net";

	/**
	 * Base URI of the Withings account host that shows the consent page.
	 */
	private String accountBaseUri = "https://account.withings.com";

	/**
	 * How to authenticate token requests: 'signature' (nonce and HMAC signature, the secret never
	 * leaves the application) or 'client-secret'.
	 */
	private WithingsClientAuthentication clientAuthentication = WithingsClientAuthentication.SIGNATURE;

	/**
	 * Whether to add mode=demo to authorization requests (Withings then signs in a demo user
	 * with dummy data).
	 */
	private boolean demoMode;

	private final Refresh refresh = new Refresh();

	private final Nonce nonce = new Nonce();

	private final Recovery recovery = new Recovery();

	private final Api api = new Api();

	private final Http http = new Http();

	private final RateLimit rateLimit = new RateLimit();

	private final KeepAlive keepAlive = new KeepAlive();

	/** {@return the {@code withings.api-base-uri} property} */
	public String getApiBaseUri() {
		return this.apiBaseUri;
	}

	/** @param apiBaseUri the {@code withings.api-base-uri} property */
	public void setApiBaseUri(String apiBaseUri) {
		this.apiBaseUri = apiBaseUri;
	}

	/** {@return the {@code withings.account-base-uri} property} */
	public String getAccountBaseUri() {
		return this.accountBaseUri;
	}

	/** @param accountBaseUri the {@code withings.account-base-uri} property */
	public void setAccountBaseUri(String accountBaseUri) {
		this.accountBaseUri = accountBaseUri;
	}

	/** {@return the {@code withings.client-authentication} property} */
	public WithingsClientAuthentication getClientAuthentication() {
		return this.clientAuthentication;
	}

	/** @param clientAuthentication the {@code withings.client-authentication} property */
	public void setClientAuthentication(WithingsClientAuthentication clientAuthentication) {
		this.clientAuthentication = clientAuthentication;
	}

	/** {@return the {@code withings.nonce.*} properties} */
	public Nonce getNonce() {
		return this.nonce;
	}

	/** {@return the {@code withings.refresh.*} properties} */
	public Refresh getRefresh() {
		return this.refresh;
	}

	/** {@return the {@code withings.http.*} properties} */
	public Http getHttp() {
		return this.http;
	}

	/** {@return the {@code withings.rate-limit.*} properties} */
	public RateLimit getRateLimit() {
		return this.rateLimit;
	}

	/** {@return the {@code withings.api.*} properties} */
	public Api getApi() {
		return this.api;
	}

	/** {@return the {@code withings.recovery.*} properties} */
	public Recovery getRecovery() {
		return this.recovery;
	}

	/** {@return the {@code withings.keep-alive.*} properties} */
	public KeepAlive getKeepAlive() {
		return this.keepAlive;
	}

	/** {@return the {@code withings.demo-mode} property} */
	public boolean isDemoMode() {
		return this.demoMode;
	}

	/** @param demoMode the {@code withings.demo-mode} property */
	public void setDemoMode(boolean demoMode) {
		this.demoMode = demoMode;
	}

	/**
	 * Nonces of signed calls (signature mode).
	 */
	public static class Nonce {

		/**
		 * Whether a nonce is kept ready in signature mode, so that a refresh or a code exchange
		 * costs one call to Withings (idle: 60 / max-age requests an hour per registration and
		 * instance).
		 */
		private boolean prefetch = true;

		/**
		 * Oldest ready nonce handed out (Withings' live 30 minutes); older ones are replaced.
		 */
		private Duration maxAge = Duration.ofMinutes(25);

		/** {@return the {@code withings.nonce.prefetch} property} */
		public boolean isPrefetch() {
			return this.prefetch;
		}

		/** @param prefetch the {@code withings.nonce.prefetch} property */
		public void setPrefetch(boolean prefetch) {
			this.prefetch = prefetch;
		}

		/** {@return the {@code withings.nonce.max-age} property} */
		public Duration getMaxAge() {
			return this.maxAge;
		}

		/** @param maxAge the {@code withings.nonce.max-age} property */
		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	/**
	 * Refresh of access tokens.
	 */
	public static class Refresh {

		/**
		 * Longest wait Withings may ask for (status 601, wait_seconds) before a refresh is retried
		 * once; a longer one fails at once with temporarily_unavailable.
		 */
		private Duration maxRateLimitWait = Duration.ofSeconds(10);

		/**
		 * Age after which an unfinished refresh (timeout, HTTP 5xx, connection reset, failed
		 * commit, crash) is in doubt and attempted again with the same refresh token, by any
		 * instance. Must exceed the longest refresh and stay far below Withings' 8-hour grace.
		 */
		private Duration inDoubtRetryDelay = Duration.ofMinutes(1);

		/**
		 * Longest time a caller waits for another refresh of the same client before failing with
		 * temporarily_unavailable (nothing is removed).
		 */
		private Duration lockTimeout = Duration.ofSeconds(10);

		/** {@return the {@code withings.refresh.max-rate-limit-wait} property} */
		public Duration getMaxRateLimitWait() {
			return this.maxRateLimitWait;
		}

		/** @param maxRateLimitWait the {@code withings.refresh.max-rate-limit-wait} property */
		public void setMaxRateLimitWait(Duration maxRateLimitWait) {
			this.maxRateLimitWait = maxRateLimitWait;
		}

		/** {@return the {@code withings.refresh.in-doubt-retry-delay} property} */
		public Duration getInDoubtRetryDelay() {
			return this.inDoubtRetryDelay;
		}

		/** @param inDoubtRetryDelay the {@code withings.refresh.in-doubt-retry-delay} property */
		public void setInDoubtRetryDelay(Duration inDoubtRetryDelay) {
			this.inDoubtRetryDelay = inDoubtRetryDelay;
		}

		/** {@return the {@code withings.refresh.lock-timeout} property} */
		public Duration getLockTimeout() {
			return this.lockTimeout;
		}

		/** @param lockTimeout the {@code withings.refresh.lock-timeout} property */
		public void setLockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

	}

	/**
	 * Recovery of users whose refresh token died (recoverauthorizationcode, Withings partners
	 * with a contract only).
	 */
	public static class Recovery {

		/**
		 * Whether a dead refresh token is replaced through recoverauthorizationcode instead of
		 * removing the link.
		 */
		private boolean enabled;

		/**
		 * Redirect URI sent when exchanging a recovered code (the callback registered at
		 * Withings); the registration's redirect URI when unset, which must then be absolute.
		 */
		private String redirectUri;

		/** {@return the {@code withings.recovery.enabled} property} */
		public boolean isEnabled() {
			return this.enabled;
		}

		/** @param enabled the {@code withings.recovery.enabled} property */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/** {@return the {@code withings.recovery.redirect-uri} property} */
		public String getRedirectUri() {
			return this.redirectUri;
		}

		/** @param redirectUri the {@code withings.recovery.redirect-uri} property */
		public void setRedirectUri(String redirectUri) {
			this.redirectUri = redirectUri;
		}

	}

	/**
	 * Periodic refresh of dormant users, so that their one-year refresh tokens never expire.
	 */
	public static class KeepAlive {

		/**
		 * Whether to refresh, on a schedule, every client whose refresh token is older than the
		 * maximum age.
		 */
		private boolean enabled;

		/**
		 * Refresh tokens older than this are refreshed.
		 */
		private Duration maxRefreshTokenAge = Duration.ofDays(180);

		/**
		 * Time between two sweeps of the whole cluster. The last sweep's start is stored (with
		 * the JDBC store, in the database), so restarts do not delay it.
		 */
		private Duration interval = Duration.ofDays(1);

		/**
		 * Time between two refreshes of a sweep. When unset, derived from the rate limit so that
		 * a sweep uses at most the budget share.
		 */
		private Duration spacing;

		/**
		 * Share of withings.rate-limit.requests-per-minute a sweep may use (a refresh is 2
		 * requests in signature mode, 1 with client-secret).
		 */
		private double budgetShare = 0.25;

		/**
		 * Number of stored clients read at a time.
		 */
		private int pageSize = 100;

		/** {@return the {@code withings.keep-alive.enabled} property} */
		public boolean isEnabled() {
			return this.enabled;
		}

		/** @param enabled the {@code withings.keep-alive.enabled} property */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/** {@return the {@code withings.keep-alive.max-refresh-token-age} property} */
		public Duration getMaxRefreshTokenAge() {
			return this.maxRefreshTokenAge;
		}

		/** @param maxRefreshTokenAge the {@code withings.keep-alive.max-refresh-token-age} property */
		public void setMaxRefreshTokenAge(Duration maxRefreshTokenAge) {
			this.maxRefreshTokenAge = maxRefreshTokenAge;
		}

		/** {@return the {@code withings.keep-alive.interval} property} */
		public Duration getInterval() {
			return this.interval;
		}

		/** @param interval the {@code withings.keep-alive.interval} property */
		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		/** {@return the {@code withings.keep-alive.spacing} property} */
		public Duration getSpacing() {
			return this.spacing;
		}

		/** @param spacing the {@code withings.keep-alive.spacing} property */
		public void setSpacing(Duration spacing) {
			this.spacing = spacing;
		}

		/** {@return the {@code withings.keep-alive.budget-share} property} */
		public double getBudgetShare() {
			return this.budgetShare;
		}

		/** @param budgetShare the {@code withings.keep-alive.budget-share} property */
		public void setBudgetShare(double budgetShare) {
			this.budgetShare = budgetShare;
		}

		/** {@return the {@code withings.keep-alive.page-size} property} */
		public int getPageSize() {
			return this.pageSize;
		}

		/** @param pageSize the {@code withings.keep-alive.page-size} property */
		public void setPageSize(int pageSize) {
			this.pageSize = pageSize;
		}

	}

	/**
	 * Calls of the Withings data API.
	 */
	public static class Api {

		/**
		 * Longest wait Withings may ask for (status 601, wait_seconds) before an API call is
		 * retried once; a longer one fails at once with WithingsRateLimitException.
		 */
		private Duration maxRateLimitWait = Duration.ofSeconds(10);

		/** {@return the {@code withings.api.max-rate-limit-wait} property} */
		public Duration getMaxRateLimitWait() {
			return this.maxRateLimitWait;
		}

		/** @param maxRateLimitWait the {@code withings.api.max-rate-limit-wait} property */
		public void setMaxRateLimitWait(Duration maxRateLimitWait) {
			this.maxRateLimitWait = maxRateLimitWait;
		}

	}

	/**
	 * HTTP settings of every call to Withings (tokens, nonces and the data API).
	 */
	public static class Http {

		/**
		 * Connect timeout.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Read timeout: a hung Withings never holds a request thread or a refresh longer.
		 */
		private Duration readTimeout = Duration.ofSeconds(20);

		/** {@return the {@code withings.http.connect-timeout} property} */
		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		/** @param connectTimeout the {@code withings.http.connect-timeout} property */
		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		/** {@return the {@code withings.http.read-timeout} property} */
		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		/** @param readTimeout the {@code withings.http.read-timeout} property */
		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

	}

	/**
	 * Client-side rate budget shared by token, nonce and API calls (Bucket4j).
	 */
	public static class RateLimit {

		/**
		 * Where the budget is kept: cluster (in the store's database, shared by every instance
		 * that uses it) or instance (in this instance's memory). Default: cluster with the jdbc
		 * or r2dbc store, else instance.
		 */
		private Scope scope;

		/**
		 * Most permits held at once (at most a tenth of requests-per-minute); the bucket refills
		 * at requests-per-minute less the burst, so no minute sees more than requests-per-minute.
		 */
		private int burst = 6;

		/**
		 * Whether calls to Withings are rate limited on the client side.
		 */
		private boolean enabled = true;

		/**
		 * Most requests in any minute: for the whole cluster with the cluster scope, for this
		 * instance with the instance scope (Withings allows 120 for the whole application).
		 */
		private int requestsPerMinute = 120;

		/**
		 * Longest wait for a permit; beyond it the call fails with WithingsRateLimitException.
		 */
		private Duration maxWait = Duration.ofSeconds(30);

		/** {@return the {@code withings.rate-limit.enabled} property} */
		public boolean isEnabled() {
			return this.enabled;
		}

		/** @param enabled the {@code withings.rate-limit.enabled} property */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/** {@return the {@code withings.rate-limit.requests-per-minute} property} */
		public int getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		/** @param requestsPerMinute the {@code withings.rate-limit.requests-per-minute} property */
		public void setRequestsPerMinute(int requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		/** {@return the {@code withings.rate-limit.max-wait} property} */
		public Duration getMaxWait() {
			return this.maxWait;
		}

		/** @param maxWait the {@code withings.rate-limit.max-wait} property */
		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		/** {@return the {@code withings.rate-limit.scope} property} */
		public Scope getScope() {
			return this.scope;
		}

		/** @param scope the {@code withings.rate-limit.scope} property */
		public void setScope(Scope scope) {
			this.scope = scope;
		}

		/** {@return the {@code withings.rate-limit.burst} property} */
		public int getBurst() {
			return this.burst;
		}

		/** @param burst the {@code withings.rate-limit.burst} property */
		public void setBurst(int burst) {
			this.burst = burst;
		}

		/**
		 * Where the rate budget is kept.
		 */
		public enum Scope {

			/** In this instance's memory: each instance has the whole budget. */
			INSTANCE,

			/** In the store's database, shared by every instance that uses it. */
			CLUSTER

		}

	}

}
