package io.github.springwithings.oauth2.client.web;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.util.Assert;

/**
 * Makes authorization requests of Withings registrations acceptable to Withings: scopes joined
 * with commas instead of spaces, no PKCE parameters, and {@code mode=demo} when demo mode is on.
 * Requests of other registrations are left alone. For
 * {@link DefaultOAuth2AuthorizationRequestResolver#setAuthorizationRequestCustomizer}.
 */
public final class WithingsAuthorizationRequestCustomizer implements Consumer<OAuth2AuthorizationRequest.Builder> {

	private final Predicate<String> withingsRegistrationIds;

	private boolean demoMode;

	/**
	 * @param withingsRegistrationIds which registration ids are Withings ones
	 */
	public WithingsAuthorizationRequestCustomizer(Predicate<String> withingsRegistrationIds) {
		Assert.notNull(withingsRegistrationIds, "withingsRegistrationIds cannot be null");
		this.withingsRegistrationIds = withingsRegistrationIds;
	}

	@Override
	public void accept(OAuth2AuthorizationRequest.Builder builder) {
		builder.attributes((attributes) -> {
			if (this.withingsRegistrationIds.test((String) attributes.get(OAuth2ParameterNames.REGISTRATION_ID))) {
				builder.parameters(this::customize);
			}
		});
	}

	private void customize(Map<String, Object> parameters) {
		parameters.computeIfPresent(OAuth2ParameterNames.SCOPE, (name, scope) -> scope.toString().replace(' ', ','));
		parameters.remove(PkceParameterNames.CODE_CHALLENGE);
		parameters.remove(PkceParameterNames.CODE_CHALLENGE_METHOD);
		if (this.demoMode) {
			parameters.put("mode", "demo");
		}
	}

	/**
	 * Whether to ask Withings for a demo user with dummy data ({@code mode=demo}).
	 * @param demoMode whether to use demo mode
	 */
	public void setDemoMode(boolean demoMode) {
		this.demoMode = demoMode;
	}

}
