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

	public Refresh getRefresh() {
		return this.refresh;
	}

	public boolean isDemoMode() {
		return this.demoMode;
	}

	public void setDemoMode(boolean demoMode) {
		this.demoMode = demoMode;
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

		public Duration getMaxRateLimitWait() {
			return this.maxRateLimitWait;
		}

		public void setMaxRateLimitWait(Duration maxRateLimitWait) {
			this.maxRateLimitWait = maxRateLimitWait;
		}

	}

}
