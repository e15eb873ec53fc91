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

	public String getApiBaseUri() {
		return this.apiBaseUri;
	}

	public void setApiBaseUri(String apiBaseUri) {
		this.apiBaseUri = apiBaseUri;
	}

	public String getAccountBaseUri() {
		return this.accountBaseUri;
	}

	public void setAccountBaseUri(String accountBaseUri) {
		this.accountBaseUri = accountBaseUri;
	}

	public WithingsClientAuthentication getClientAuthentication() {
		return this.clientAuthentication;
	}

	public void setClientAuthentication(WithingsClientAuthentication clientAuthentication) {
		this.clientAuthentication = clientAuthentication;
	}

	public Nonce getNonce() {
		return this.nonce;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public Http getHttp() {
		return this.http;
	}

	public RateLimit getRateLimit() {
		return this.rateLimit;
	}

	public Api getApi() {
		return this.api;
	}

	public Recovery getRecovery() {
		return this.recovery;
	}

	public KeepAlive getKeepAlive() {
		return this.keepAlive;
	}

	public boolean isDemoMode() {
		return this.demoMode;
	}

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

		public boolean isPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(boolean prefetch) {
			this.prefetch = prefetch;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

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

		public Duration getMaxRateLimitWait() {
			return this.maxRateLimitWait;
		}

		public void setMaxRateLimitWait(Duration maxRateLimitWait) {
			this.maxRateLimitWait = maxRateLimitWait;
		}

		public Duration getInDoubtRetryDelay() {
			return this.inDoubtRetryDelay;
		}

		public void setInDoubtRetryDelay(Duration inDoubtRetryDelay) {
			this.inDoubtRetryDelay = inDoubtRetryDelay;
		}

		public Duration getLockTimeout() {
			return this.lockTimeout;
		}

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

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getRedirectUri() {
			return this.redirectUri;
		}

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

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxRefreshTokenAge() {
			return this.maxRefreshTokenAge;
		}

		public void setMaxRefreshTokenAge(Duration maxRefreshTokenAge) {
			this.maxRefreshTokenAge = maxRefreshTokenAge;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getSpacing() {
			return this.spacing;
		}

		public void setSpacing(Duration spacing) {
			this.spacing = spacing;
		}

		public double getBudgetShare() {
			return this.budgetShare;
		}

		public void setBudgetShare(double budgetShare) {
			this.budgetShare = budgetShare;
		}

		public int getPageSize() {
			return this.pageSize;
		}

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

		public Duration getMaxRateLimitWait() {
			return this.maxRateLimitWait;
		}

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

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

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

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(int requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public Scope getScope() {
			return this.scope;
		}

		public void setScope(Scope scope) {
			this.scope = scope;
		}

		public int getBurst() {
			return this.burst;
		}

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
