package io.github.springwithings.oauth2.client.endpoint;

/**
 * How the application authenticates to Withings' token endpoint.
 */
public enum WithingsClientAuthentication {

	/**
	 * A single-use nonce from {@code /v2/signature} and an HMAC signature keyed with the client
	 * secret: the secret never leaves the application.
	 */
	SIGNATURE,

	/** The client secret in the form body ({@code client_secret_post}). */
	CLIENT_SECRET

}
