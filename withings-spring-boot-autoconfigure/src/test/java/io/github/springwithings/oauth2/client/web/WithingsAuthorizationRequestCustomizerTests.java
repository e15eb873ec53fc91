package io.github.springwithings.oauth2.client.web;

import java.util.LinkedHashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsAuthorizationRequestCustomizerTests {

	private final WithingsAuthorizationRequestCustomizer customizer = new WithingsAuthorizationRequestCustomizer(
			"withings"::equals);

	@Test
	void acceptWhenWithingsThenScopesCommaJoinedAndNoPkce() {
		OAuth2AuthorizationRequest.Builder builder = builder("withings");
		OAuth2AuthorizationRequestCustomizers.withPkce().accept(builder);
		this.customizer.accept(builder);

		String uri = builder.build().getAuthorizationRequestUri();

		assertThat(uri).contains("scope=user.metrics,user.activity")
			.doesNotContain("code_challenge")
			.doesNotContain("mode=");
	}

	@Test
	void acceptWhenDemoModeThenModeDemo() {
		this.customizer.setDemoMode(true);
		OAuth2AuthorizationRequest.Builder builder = builder("withings");
		this.customizer.accept(builder);

		assertThat(builder.build().getAuthorizationRequestUri()).contains("mode=demo");
	}

	@Test
	void acceptWhenOtherRegistrationThenUnchanged() {
		this.customizer.setDemoMode(true);
		OAuth2AuthorizationRequest.Builder builder = builder("github");
		this.customizer.accept(builder);

		assertThat(builder.build().getAuthorizationRequestUri()).contains("scope=user.metrics%20user.activity")
			.doesNotContain("mode=demo");
	}

	private static OAuth2AuthorizationRequest.Builder builder(String registrationId) {
		return OAuth2AuthorizationRequest.authorizationCode()
			.attributes((attributes) -> attributes.put(OAuth2ParameterNames.REGISTRATION_ID, registrationId))
			.authorizationUri("https://account.withings.com/oauth2_user/authorize2")
			.clientId("id")
			.redirectUri("https://app.example.org/login/oauth2/code/withings")
			.scopes(new LinkedHashSet<>(List.of("user.metrics", "user.activity")))
			.state("state");
	}

}
