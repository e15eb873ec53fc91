package io.github.springwithings.oauth2.client.endpoint;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.util.Assert;

/**
 * Converts Withings' wrapped token answer into an {@link OAuth2AccessTokenResponse}, for
 * {@link OAuth2AccessTokenResponseHttpMessageConverter#setAccessTokenResponseConverter}.
 *
 * <p>It unwraps {@code {"status":0,"body":{..}}}, splits the comma-separated {@code scope}, keeps
 * {@code userid} as a String whether Withings sent a number or a string, normalises
 * {@code expires_in} to whole seconds, and hands the rest to Spring's {@link DefaultMapOAuth2AccessTokenResponseConverter},
 * which keeps {@code userid} and {@code csrf_token} as additional parameters. A non-zero status
 * is thrown as {@link WithingsApiException} ({@link WithingsRateLimitException} for a {@code 601});
 * an answer without {@code access_token} or {@code refresh_token}, or with an {@code expires_in}
 * that is not a positive number of seconds (fractions are rounded down), as a
 * {@link WithingsApiException} without a status.
 *
 * <p>A positive {@code expires_in} below {@value #MIN_EXPIRES_IN} seconds is raised to it: Spring's
 * provider and the single flight count a token as expired 60 seconds (their clock skew) before
 * its end, so such a token would be refreshed by every {@code authorize()}, a rotation per request.
 * It is not refused: a refresh answer is a rotation Withings has done, and refusing it would
 * drop the new pair. Raised, the token is used for a minute at least; should Withings refuse it
 * earlier, its 401 renews it as any refused token.
 */
public final class WithingsAccessTokenResponseConverter
		implements Converter<Map<String, Object>, OAuth2AccessTokenResponse> {

	/** The additional parameter holding the Withings user id. */
	public static final String USER_ID = "userid";

	/**
	 * The shortest {@code expires_in} kept, in seconds: twice the 60-second clock skew by which
	 * tokens are refreshed before they expire.
	 */
	public static final int MIN_EXPIRES_IN = 120;

	private static final BigDecimal MAX_EXPIRES_IN = BigDecimal.valueOf(Integer.MAX_VALUE);

	private Converter<Map<String, Object>, OAuth2AccessTokenResponse> delegate = new DefaultMapOAuth2AccessTokenResponseConverter();

	@Override
	public OAuth2AccessTokenResponse convert(Map<String, Object> envelope) {
		Map<String, Object> parameters = new LinkedHashMap<>(WithingsResponseEnvelope.unwrap(envelope));
		if (!(parameters.get(OAuth2ParameterNames.ACCESS_TOKEN) instanceof String accessToken) || accessToken.isBlank()) {
			throw WithingsResponseEnvelope.notAnEnvelope("Withings token answer has status 0 but no access_token");
		}
		if (!(parameters.get(OAuth2ParameterNames.REFRESH_TOKEN) instanceof String refreshToken)
				|| refreshToken.isBlank()) {
			// Withings always sends one; without it a stored refresh token could be overwritten by nothing
			throw WithingsResponseEnvelope.notAnEnvelope("Withings token answer has status 0 but no refresh_token");
		}
		parameters.computeIfPresent(OAuth2ParameterNames.SCOPE,
				(name, scope) -> String.join(" ", scope.toString().trim().split("[,\\s]+")));
		parameters.computeIfPresent(USER_ID, (name, userId) -> plain(userId));
		parameters.computeIfPresent(OAuth2ParameterNames.EXPIRES_IN, (name, expiresIn) -> expiresIn(expiresIn));
		parameters.putIfAbsent(OAuth2ParameterNames.TOKEN_TYPE, "Bearer");
		return this.delegate.convert(parameters);
	}

	/**
	 * {@code expires_in} as whole seconds: Spring would read anything else (a fraction, text, zero
	 * or less) as "expires in one second", and every {@code authorize()} would then refresh.
	 */
	private static String expiresIn(Object value) {
		BigDecimal seconds = null;
		if (value instanceof Number || value instanceof String) {
			try {
				seconds = new BigDecimal(value.toString().trim());
			}
			catch (NumberFormatException ex) {
				// not a number
			}
		}
		if (seconds == null) {
			throw WithingsResponseEnvelope.notAnEnvelope("Withings token answer has an 'expires_in' that is not a number");
		}
		BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
		if (whole.signum() <= 0) {
			throw WithingsResponseEnvelope.notAnEnvelope(
					"Withings token answer has an 'expires_in' that is not a positive number of seconds");
		}
		if (whole.compareTo(MAX_EXPIRES_IN) > 0) {
			throw WithingsResponseEnvelope.notAnEnvelope("Withings token answer has an 'expires_in' that is too large");
		}
		return whole.max(BigDecimal.valueOf(MIN_EXPIRES_IN)).toPlainString();
	}

	private static String plain(Object value) {
		if (value instanceof Number) {
			return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
		}
		return value.toString();
	}

	/**
	 * Set the converter that turns the unwrapped parameters into the response.
	 * @param delegate the converter, {@link DefaultMapOAuth2AccessTokenResponseConverter} by default
	 */
	public void setDelegate(Converter<Map<String, Object>, OAuth2AccessTokenResponse> delegate) {
		Assert.notNull(delegate, "delegate cannot be null");
		this.delegate = delegate;
	}

}
