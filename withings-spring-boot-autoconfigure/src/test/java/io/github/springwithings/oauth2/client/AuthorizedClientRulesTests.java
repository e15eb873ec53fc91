package io.github.springwithings.oauth2.client;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link AuthorizedClientRules} decides for saves that are not a recognised consent.
 */
class AuthorizedClientRulesTests {

	private static final ClientRegistration REGISTRATION = ClientRegistration.withRegistrationId("withings")
		.clientId("client")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("https://example.com/callback")
		.authorizationUri("https://account.withings.com/oauth2_user/authorize2")
		.tokenUri("https://wbsapi.withings.net/v2/oauth2")
		.build();

	private final AuthorizedClientRules rules = new AuthorizedClientRules();

	private final WithingsAuthorizedClient stored = new WithingsAuthorizedClient(client("access-1", "refresh-1"), "U1",
			Instant.EPOCH, 3, null, null);

	@Test
	void decideWhenAnotherChainIsSavedWithoutAConsentThenTheStoredUserIdIsNotCarriedOver() {
		AuthorizedClientRules.Save save = this.rules.decide(client("access-2", "refresh-2"),
				new TestingAuthenticationToken("alice", null), this.stored);

		assertThat(save.store()).isTrue();
		assertThat(save.consent()).isFalse();
		assertThat(save.userId()).isNotEqualTo("U1").isNull();
	}

	@Test
	void decideWhenTheStoredRefreshTokenComesWithAnotherAccessTokenThenTheUserIdIsCarriedOver() {
		AuthorizedClientRules.Save save = this.rules.decide(client("access-2", "refresh-1"),
				new TestingAuthenticationToken("alice", null), this.stored);

		assertThat(save.store()).isTrue();
		assertThat(save.userId()).isEqualTo("U1");
	}

	@Test
	void decideWhenARecognisedConsentThenItsUserIdWins() {
		this.rules.rememberConsent("access-2", "U2");

		AuthorizedClientRules.Save save = this.rules.decide(client("access-2", "refresh-2"),
				new TestingAuthenticationToken("alice", null), this.stored);

		assertThat(save).isEqualTo(new AuthorizedClientRules.Save(true, "U2", true));
	}

	@Test
	void decideWhenARefreshOfATokenFromBeforeTheStoredChainIsSavedThenIgnored() {
		this.rules.rememberUnstoredRefresh("access-fork", "refresh-0");

		AuthorizedClientRules.Save save = this.rules.decide(client("access-fork", "refresh-fork"),
				new TestingAuthenticationToken("alice", null), this.stored);

		assertThat(save.store()).isFalse();
	}

	@Test
	void decideWhenARefreshOfTheStoredRefreshTokenIsSavedThenItReplacesWithTheUserId() {
		this.rules.rememberUnstoredRefresh("access-2", "refresh-1");

		AuthorizedClientRules.Save save = this.rules.decide(client("access-2", "refresh-2"),
				new TestingAuthenticationToken("alice", null), this.stored);

		assertThat(save).isEqualTo(new AuthorizedClientRules.Save(true, "U1", false));
	}

	@Test
	void decideWhenAnOlderRotationTheStoreMovedPastIsSavedThenIgnored() {
		this.rules.rememberRotation("access-0");

		AuthorizedClientRules.Save save = this.rules.decide(client("access-0", "refresh-0"),
				new TestingAuthenticationToken("alice", null), this.stored);

		assertThat(save.store()).isFalse();
	}

	private static OAuth2AuthorizedClient client(String accessToken, String refreshToken) {
		return new OAuth2AuthorizedClient(REGISTRATION, "alice",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, Instant.now(),
						Instant.now().plusSeconds(10800)),
				new OAuth2RefreshToken(refreshToken, Instant.now()));
	}

}
