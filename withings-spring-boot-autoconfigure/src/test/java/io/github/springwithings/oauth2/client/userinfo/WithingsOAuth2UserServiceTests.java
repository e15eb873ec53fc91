package io.github.springwithings.oauth2.client.userinfo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.user.OAuth2User;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WithingsOAuth2UserServiceTests {

	private final WithingsOAuth2UserService userService = new WithingsOAuth2UserService(
			WithingsClientRegistrations.withIds(List.of("withings")));

	@Test
	void loadUserWhenWithingsThenNameIsUserIdAndScopeAuthorities() {
		OAuth2User user = this.userService.loadUser(request("withings", Map.of("userid", "363", "csrf_token", "x")));

		assertThat(user.getName()).isEqualTo("363");
		assertThat(user.getAttributes()).containsExactly(Map.entry("userid", "363"));
		assertThat(user.getAuthorities()).extracting(GrantedAuthority::getAuthority)
			.containsExactlyInAnyOrder("OAUTH2_USER", "SCOPE_user.metrics", "SCOPE_user.activity");
	}

	@Test
	void loadUserWhenOtherRegistrationThenNull() {
		assertThat(this.userService.loadUser(request("github", Map.of("userid", "363")))).isNull();
	}

	@Test
	void loadUserWhenNoUserIdThenAuthenticationException() {
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> this.userService.loadUser(request("withings", Map.of())))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("missing_user_id"));
	}

	private static OAuth2UserRequest request(String registrationId, Map<String, Object> additionalParameters) {
		ClientRegistration registration = ClientRegistration.withRegistrationId(registrationId)
			.clientId("id")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
			.authorizationUri("https://account.withings.com/oauth2_user/authorize2")
			.tokenUri("https://wbsapi.withings.net/v2/oauth2")
			.build();
		OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token", Instant.now(),
				Instant.now().plusSeconds(60), Set.of("user.metrics", "user.activity"));
		return new OAuth2UserRequest(registration, token, additionalParameters);
	}

}
