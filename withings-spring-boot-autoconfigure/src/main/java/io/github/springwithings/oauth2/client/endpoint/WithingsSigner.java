package io.github.springwithings.oauth2.client.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * Computes Withings request signatures: the lower-case hex HMAC-SHA256, keyed with the client
 * secret, of the signed parameter values sorted by parameter name and joined by commas ({@code
 * action}, {@code client_id}, then {@code nonce} or {@code timestamp}).
 *
 * @see <a href="https://developer.withings.com/developer-guide/v3/get-access/sign-your-requests">Sign your requests</a>
 */
public final class WithingsSigner {

	private static final String ALGORITHM = "HmacSHA256";

	/**
	 * Sign a request.
	 * @param clientSecret the client secret (the HMAC key)
	 * @param action the value of {@code action}
	 * @param clientId the value of {@code client_id}
	 * @param nonceOrTimestamp the value of {@code nonce}, or of {@code timestamp} when asking for a nonce
	 * @return the signature, lower-case hex
	 */
	public String sign(String clientSecret, String action, String clientId, String nonceOrTimestamp) {
		Assert.hasText(clientSecret, "clientSecret cannot be empty");
		Assert.hasText(action, "action cannot be empty");
		Assert.hasText(clientId, "clientId cannot be empty");
		Assert.hasText(nonceOrTimestamp, "nonceOrTimestamp cannot be empty");
		return hmac(clientSecret, String.join(",", action, clientId, nonceOrTimestamp));
	}

	/**
	 * The HMAC of an already joined message, as in Withings' published test vectors.
	 * @param clientSecret the key
	 * @param message the message
	 * @return lower-case hex HMAC-SHA256
	 */
	public String hmac(String clientSecret, String message) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
			return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
