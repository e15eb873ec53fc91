package io.github.springwithings.oauth2.client;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * Removes a stored client after a failed refresh only when Withings said its refresh token is
 * dead ({@code invalid_grant}) <em>and</em> the store still holds that very refresh token: a
 * concurrent refresh or a new sign-in is never undone by a late failure. Throttling, transport
 * errors and every other failure remove nothing. Replaces Spring's
 * {@code RemoveAuthorizedClientOAuth2AuthorizationFailureHandler}, which removes by key.
 */
public final class WithingsAuthorizationFailureHandler implements OAuth2AuthorizationFailureHandler {

	private final WithingsAuthorizedClientService authorizedClientService;

	public WithingsAuthorizationFailureHandler(WithingsAuthorizedClientService authorizedClientService) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		this.authorizedClientService = authorizedClientService;
	}

	@Override
	public void onAuthorizationFailure(OAuth2AuthorizationException authorizationException, Authentication principal,
			Map<String, Object> attributes) {
		if (!(authorizationException instanceof ClientAuthorizationException clientException)
				|| !OAuth2ErrorCodes.INVALID_GRANT.equals(authorizationException.getError().getErrorCode())) {
			return;
		}
		for (Throwable cause = authorizationException; cause != null; cause = cause.getCause()) {
			if (cause instanceof RefreshTokenRejectedException rejected) {
				this.authorizedClientService.removeAuthorizedClientIfRefreshToken(
						clientException.getClientRegistrationId(), principal.getName(), rejected.getRefreshTokenValue());
				return;
			}
		}
	}

}
