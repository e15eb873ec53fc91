package io.github.springwithings.autoconfigure;

import java.time.Duration;

import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Withings starter. The keep-alive ({@code withings.keep-alive.*}) and the
 * rate budget ({@code withings.rate-limit.*}) have classes of their own:
 * {@link WithingsKeepAliveProperties} and {@link WithingsRateLimitProperties}.
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

	/** {@return the {@code withings.api.*} properties} */
	public Api getApi() {
		return this.api;
	}

	/** {@return the {@code withings.recovery.*} properties} */
	public Recovery getRecovery() {
		return this.recovery;
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

}
