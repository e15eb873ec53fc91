package io.github.springwithings.oauth2.client.userinfo;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.DelegatingOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.user.DefaultOAuth2User;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.security.oauth2.core.user.OAuth2UserAuthority;
import org.springframework.util.Assert;

/**
 * Builds the signed-in user from the token answer's {@code userid}, with no user-info call
 * (Withings has no user-info endpoint). The user's name is the Withings user id, its attributes
 * hold {@code userid}, and its authorities are {@code OAUTH2_USER} plus {@code SCOPE_<scope>} for
 * every granted scope.
 *
 * <p>Returns {@code null} for other registrations, so that it can come first in a
 * {@link DelegatingOAuth2UserService} followed by Spring's {@code DefaultOAuth2UserService}.
 */
public final class WithingsOAuth2UserService implements OAuth2UserService<OAuth2UserRequest, OAuth2User> {

	/** The attribute (and user name attribute) holding the Withings user id. */
	public static final String USER_ID = WithingsAccessTokenResponseConverter.USER_ID;

	private static final String MISSING_USER_ID = "missing_user_id";

	private final Predicate<ClientRegistration> withingsRegistrations;

	/**
	 * @param withingsRegistrations which registrations are Withings ones
	 */
	public WithingsOAuth2UserService(Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.withingsRegistrations = withingsRegistrations;
	}

	@Override
	public OAuth2User loadUser(OAuth2UserRequest userRequest) {
		Assert.notNull(userRequest, "userRequest cannot be null");
		if (!this.withingsRegistrations.test(userRequest.getClientRegistration())) {
			return null;
		}
		Object userId = userRequest.getAdditionalParameters().get(USER_ID);
		if (userId == null || userId.toString().isBlank()) {
			OAuth2Error error = new OAuth2Error(MISSING_USER_ID,
					"The Withings token answer of registration '"
							+ userRequest.getClientRegistration().getRegistrationId() + "' has no userid",
					null);
			throw new OAuth2AuthenticationException(error, error.toString());
		}
		Map<String, Object> attributes = Map.of(USER_ID, userId.toString());
		Set<GrantedAuthority> authorities = new LinkedHashSet<>();
		authorities.add(new OAuth2UserAuthority(attributes, USER_ID));
		for (String scope : userRequest.getAccessToken().getScopes()) {
			authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope));
		}
		return new DefaultOAuth2User(authorities, attributes, USER_ID);
	}

}
