package io.github.springwithings.oauth2.client;

import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A refresh that Withings rejected, remembering which refresh token failed so that the stored
 * client is removed only if it still holds that token (compare before remove). The token is kept
 * out of the message, of serialization and of the public API.
 */
public final class RefreshTokenRejectedException extends OAuth2AuthorizationException {

	private static final long serialVersionUID = 1L;

	private final transient String refreshTokenValue;

	RefreshTokenRejectedException(OAuth2Error error, String refreshTokenValue, Throwable cause) {
		super(error, cause);
		this.refreshTokenValue = refreshTokenValue;
	}

	/** The refresh token that failed, for the compare-before-remove of this package only. */
	String getRefreshTokenValue() {
		return this.refreshTokenValue;
	}

}
