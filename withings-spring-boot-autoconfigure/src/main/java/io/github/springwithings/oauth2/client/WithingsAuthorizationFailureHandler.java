package io.github.springwithings.oauth2.client;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.RemoveAuthorizedClientOAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * What to do when refreshing a Withings client failed. Replaces Spring's
 * {@code RemoveAuthorizedClientOAuth2AuthorizationFailureHandler}, which removes by key.
 *
 * <p><b>Compare before remove.</b> The stored client is removed only when Withings said its
 * refresh token is dead ({@code invalid_grant}) <em>and</em> the store still holds that very
 * refresh token (named by the {@link RefreshTokenRejectedException} in the cause chain): a
 * concurrent refresh or a new sign-in is never undone by a late failure. Throttling, transport
 * errors and every other failure remove nothing. Failures of other registrations (see
 * {@link #setWithingsRegistrationIds}) get Spring's own rule.
 *
 * <p><b>Dead link in a web request: consent, not an error page.</b> When the failure happened in
 * a web request (the attributes carry the {@code HttpServletRequest}, as Spring's
 * {@code DefaultOAuth2AuthorizedClientManager} passes it, or the {@code ServerWebExchange}, as its
 * reactive twin does; see {@link WithingsReactiveAuthorizationFailureHandler}) and the link is dead after an
 * {@code invalid_grant} (the client was just removed, or the store holds no client for that
 * principal and registration), this handler throws a {@link ClientAuthorizationRequiredException}
 * for the registration instead of letting Spring rethrow the {@code invalid_grant}. Spring's
 * {@link OAuth2AuthorizationRequestRedirectFilter} then saves the request and sends the user to
 * Withings' consent, and back to the page they asked for, on that first request, whichever
 * Spring client made the call (the {@code RestClient} interceptor, the servlet {@code WebClient}
 * filter, {@code @RegisteredOAuth2AuthorizedClient}). The original failure (with Withings'
 * status and text, never a token) stays reachable as a suppressed exception. When the store still
 * holds a newer refresh token, the link is alive and the original failure propagates. Only the
 * link of the signed-in user sends them to consent: a dead link of <em>another</em> principal
 * (an admin page calling {@code withingsApi.forPrincipal("bob")}) propagates the original
 * failure, since a consent given there would link the signed-in user's own Withings account.
 *
 * <p><b>Background</b> (no servlet request in the attributes, as with
 * {@code AuthorizedClientServiceOAuth2AuthorizedClientManager} and
 * {@link WithingsAuthorizedClients}): Spring's behaviour is kept, the original
 * {@link ClientAuthorizationException} with {@code invalid_grant} and Withings' status and text
 * propagates. A redirect would mean nothing there.
 */
public final class WithingsAuthorizationFailureHandler implements OAuth2AuthorizationFailureHandler {

	private static final Log logger = LogFactory.getLog(WithingsAuthorizationFailureHandler.class);

	/**
	 * The attribute under which Spring's web managers pass the servlet request
	 * ({@code HttpServletRequest.class.getName()}); a name, so that applications without the
	 * servlet API (background only) can use this handler.
	 */
	private static final String SERVLET_REQUEST_ATTRIBUTE = "jakarta.servlet.http.HttpServletRequest";

	/**
	 * The attribute under which Spring's reactive web manager passes the exchange
	 * ({@code ServerWebExchange.class.getName()}).
	 */
	private static final String SERVER_WEB_EXCHANGE_ATTRIBUTE = "org.springframework.web.server.ServerWebExchange";

	private final OAuth2AuthorizedClientService authorizedClientService;

	private final OAuth2AuthorizationFailureHandler otherRegistrations;

	private Predicate<String> withingsRegistrationIds = (registrationId) -> true;

	/**
	 * @param authorizedClientService the store: with a {@link WithingsAuthorizedClientService} the
	 * compare and the removal are one atomic step; with another service (the application's own)
	 * the stored client is loaded, compared and then removed
	 */
	public WithingsAuthorizationFailureHandler(OAuth2AuthorizedClientService authorizedClientService) {
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		this.authorizedClientService = authorizedClientService;
		this.otherRegistrations = new RemoveAuthorizedClientOAuth2AuthorizationFailureHandler(
				(registrationId, principal, attributes) -> authorizedClientService.removeAuthorizedClient(registrationId,
						principal.getName()));
	}

	/**
	 * @throws ClientAuthorizationRequiredException in a web request whose link is dead
	 */
	@Override
	public void onAuthorizationFailure(OAuth2AuthorizationException authorizationException, Authentication principal,
			Map<String, Object> attributes) {
		onAuthorizationFailure(authorizationException, principal, attributes,
				SecurityContextHolder.getContext().getAuthentication());
	}

	/** As {@link #onAuthorizationFailure(OAuth2AuthorizationException, Authentication, Map)}, with the request's user. */
	void onAuthorizationFailure(OAuth2AuthorizationException authorizationException, Authentication principal,
			Map<String, Object> attributes, Authentication signedIn) {
		if (!(authorizationException instanceof ClientAuthorizationException clientException)) {
			return;
		}
		String registrationId = clientException.getClientRegistrationId();
		if (!this.withingsRegistrationIds.test(registrationId)) {
			// another provider: Spring's own rule, removal by key
			this.otherRegistrations.onAuthorizationFailure(authorizationException, principal, attributes);
			return;
		}
		if (!OAuth2ErrorCodes.INVALID_GRANT.equals(authorizationException.getError().getErrorCode())) {
			return;
		}
		RefreshTokenRejectedException rejected = rejected(authorizationException);
		boolean removed = rejected != null
				&& removeIfRefreshToken(registrationId, principal.getName(), rejected.getRefreshTokenValue());
		if (logger.isDebugEnabled()) {
			logger.debug("Withings link of '" + principal.getName() + "' "
					+ (removed ? "removed: its refresh token is dead ("
							: (rejected != null) ? "not removed: the store no longer holds the refused refresh token ("
									: "not removed: the failure names no refused refresh token (")
					+ authorizationException.getError().getDescription() + ")");
		}
		if ((attributes.get(SERVLET_REQUEST_ATTRIBUTE) != null || attributes.get(SERVER_WEB_EXCHANGE_ATTRIBUTE) != null)
				&& isSignedInUser(principal.getName(), signedIn)
				&& (removed || this.authorizedClientService.loadAuthorizedClient(registrationId,
						principal.getName()) == null)) {
			throw authorizationRequired(clientException);
		}
	}

	/**
	 * Name the Withings registrations (all of them by default). Failures of the others get
	 * Spring's own rule: removal by key on {@code invalid_grant}, {@code invalid_token} and the
	 * like, as {@code RemoveAuthorizedClientOAuth2AuthorizationFailureHandler} does.
	 * @param withingsRegistrationIds the ids of the Withings registrations
	 */
	public void setWithingsRegistrationIds(Collection<String> withingsRegistrationIds) {
		Assert.notNull(withingsRegistrationIds, "withingsRegistrationIds cannot be null");
		Set<String> ids = Set.copyOf(withingsRegistrationIds);
		this.withingsRegistrationIds = ids::contains;
	}

	private static RefreshTokenRejectedException rejected(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RefreshTokenRejectedException rejected) {
				return rejected;
			}
		}
		return null;
	}

	private boolean removeIfRefreshToken(String registrationId, String principalName, String refreshTokenValue) {
		if (this.authorizedClientService instanceof WithingsAuthorizedClientService withings) {
			return withings.removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue);
		}
		OAuth2AuthorizedClient stored = this.authorizedClientService.loadAuthorizedClient(registrationId, principalName);
		if (stored == null || stored.getRefreshToken() == null
				|| !stored.getRefreshToken().getTokenValue().equals(refreshTokenValue)) {
			return false;
		}
		this.authorizedClientService.removeAuthorizedClient(registrationId, principalName);
		return true;
	}

	/**
	 * How a caller that can send the user to consent reports a failed authorization when it is
	 * not Spring's web manager (the starter's own clients, whose manager has no servlet request):
	 * as this handler does in a web request, a {@link ClientAuthorizationRequiredException} (with
	 * {@code failure} suppressed) when {@code failure} is {@code invalid_grant} and the store holds
	 * no client for the principal any more; otherwise {@code failure} itself. Call it after the
	 * manager (and so this handler) has seen the failure.
	 * @param failure the failure the manager threw
	 * @param principalName the principal whose client failed
	 * @param authorizedClientService the store
	 * @return the exception to throw
	 */
	public static ClientAuthorizationException authorizationRequiredIfUnlinked(ClientAuthorizationException failure,
			String principalName, OAuth2AuthorizedClientService authorizedClientService) {
		return authorizationRequiredIfUnlinked(failure, principalName, authorizedClientService, null);
	}

	/**
	 * As {@link #authorizationRequiredIfUnlinked(ClientAuthorizationException, String, OAuth2AuthorizedClientService)},
	 * but only for the link of the request's user: when {@code signedIn} is another user,
	 * {@code failure} itself, so that a dead link of another principal never sends the signed-in
	 * user to consent (see {@link #isSignedInUser}).
	 * @param failure the failure the manager threw
	 * @param principalName the principal whose client failed
	 * @param authorizedClientService the store
	 * @param signedIn the request's user ({@code null} outside a web request)
	 * @return the exception to throw
	 */
	public static ClientAuthorizationException authorizationRequiredIfUnlinked(ClientAuthorizationException failure,
			String principalName, OAuth2AuthorizedClientService authorizedClientService, Authentication signedIn) {
		Assert.notNull(failure, "failure cannot be null");
		Assert.notNull(authorizedClientService, "authorizedClientService cannot be null");
		if (!OAuth2ErrorCodes.INVALID_GRANT.equals(failure.getError().getErrorCode()) || principalName == null
				|| !isSignedInUser(principalName, signedIn)
				|| authorizedClientService.loadAuthorizedClient(failure.getClientRegistrationId(),
						principalName) != null) {
			return failure;
		}
		return authorizationRequired(failure);
	}

	/**
	 * How a caller reports that {@code principalName} has no working link (none stored, or
	 * Withings refuses its tokens): a {@link ClientAuthorizationRequiredException}, which in a web
	 * request sends the user to Withings' consent, when {@code principalName} is the request's
	 * user or there is no user ({@code signedIn} {@code null}: outside a web request); otherwise
	 * (another principal's link, from an admin page say) a plain
	 * {@link ClientAuthorizationException} with the error code
	 * {@value #CLIENT_AUTHORIZATION_REQUIRED}, which sends nobody to consent.
	 * @param registrationId the registration id
	 * @param principalName the principal whose link is missing or dead
	 * @param signedIn the request's user ({@code null} outside a web request)
	 * @return the exception to throw
	 */
	public static ClientAuthorizationException authorizationRequired(String registrationId, String principalName,
			Authentication signedIn) {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		if (principalName == null || isSignedInUser(principalName, signedIn)) {
			return new ClientAuthorizationRequiredException(registrationId);
		}
		return new ClientAuthorizationException(new OAuth2Error(CLIENT_AUTHORIZATION_REQUIRED,
				"The Withings link of '" + principalName + "' is missing or dead; only that user can consent again",
				null), registrationId);
	}

	/**
	 * Whether a dead link of {@code principalName} may send the request's user to consent: they
	 * are that principal, or there is no request's user ({@code null}: outside a web request,
	 * where nobody is redirected). Another user (anonymous included) is not.
	 * @param principalName the principal whose link failed
	 * @param signedIn the request's user, or {@code null}
	 * @return whether to ask for consent
	 */
	public static boolean isSignedInUser(String principalName, Authentication signedIn) {
		return signedIn == null || signedIn.getName().equals(principalName);
	}

	/** The error code of a consent that only the link's own user can give. */
	public static final String CLIENT_AUTHORIZATION_REQUIRED = "client_authorization_required";

	private static ClientAuthorizationRequiredException authorizationRequired(ClientAuthorizationException failure) {
		ClientAuthorizationRequiredException authorizationRequired = new ClientAuthorizationRequiredException(
				failure.getClientRegistrationId());
		authorizationRequired.addSuppressed(failure);
		return authorizationRequired;
	}

}
