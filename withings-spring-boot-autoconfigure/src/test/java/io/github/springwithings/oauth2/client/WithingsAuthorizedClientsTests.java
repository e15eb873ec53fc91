package io.github.springwithings.oauth2.client;

import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsStatusException;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link WithingsAuthorizedClients}: disconnect tells the truth, renew does not rotate forever.
 */
class WithingsAuthorizedClientsTests {

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void disconnectWhenPrincipalNameIsAnotherUsersIdThenRevokesOnlyTheStoredWithingsUser() {
		OAuth2AuthorizedClient alice = this.fixture.link("36000043", "36000042");
		OAuth2AuthorizedClient bob = this.fixture.link("bob", "36000043");

		assertThat(this.fixture.clients.disconnect("36000043")).isTrue();

		assertThat(this.simulator.refreshTokenState(alice.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
		assertThat(this.simulator.refreshTokenState(bob.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(this.fixture.stored("bob")).isNotNull();
	}

	@Test
	void disconnectWhenWithingsUserIdUnknownThenNothingRevokedAndTheLinkIsKept() {
		this.simulator.setConsentingUserId("36000042");
		String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				WithingsTestFixture.SCOPE);
		OAuth2AccessTokenResponse response = WithingsAccessTokenResponseClient
			.authorizationCode(this.fixture.withingsRegistrations, WithingsClientAuthentication.SIGNATURE,
					RestClient.builder())
			.getTokenResponse(TestClientRegistrations.codeGrant(this.fixture.registration, code));
		// saved by custom code: the store never learns the Withings user id
		this.fixture.service.saveAuthorizedClient(new OAuth2AuthorizedClient(this.fixture.registration, "42",
				response.getAccessToken(), response.getRefreshToken()), new TestingAuthenticationToken("42", null));

		assertThatIllegalStateException().isThrownBy(() -> this.fixture.clients.disconnect("42"))
			.withMessageContaining("user id of '42' is unknown");

		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(this.fixture.stored("42")).isNotNull();
	}

	@Test
	void disconnectWhenWithingsRefusesTheRevocationThenReportedAndTheLinkIsKeptForALaterTry() {
		OAuth2AuthorizedClient linked = this.fixture.link("alice", "36000042");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(30));

		assertThatExceptionOfType(WithingsStatusException.class).isThrownBy(() -> this.fixture.clients.disconnect("alice"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(601));

		assertThat(this.fixture.stored("alice")).isNotNull();
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(this.fixture.clients.disconnect("alice")).isTrue();
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
	}

	@Test
	void disconnectWhenWithingsNoLongerKnowsTheUserThenTheLinkIsRemoved() {
		OAuth2AuthorizedClient linked = this.fixture.link("alice", "36000042");
		new WithingsRevocationClient(RestClient.create()).revoke(linked.getClientRegistration(), "36000042");

		assertThat(this.fixture.clients.disconnect("alice")).isTrue();

		assertThat(this.fixture.stored("alice")).isNull();
	}

	@Test
	void renewWhenWithingsKeepsRejectingFreshTokensThenAtMostThreeRotationsPerMinute() {
		this.fixture.link("alice", "36000042");

		for (int call = 0; call < 10; call++) {
			String current = this.fixture.stored("alice").getAccessToken().getTokenValue();
			this.simulator.expireAccessToken(current);
			assertThat(this.fixture.clients.renew("withings", "alice", "Bearer " + current)).isTrue();
		}

		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(3);
		this.fixture.clock.advance(java.time.Duration.ofSeconds(61));
		String current = this.fixture.stored("alice").getAccessToken().getTokenValue();
		assertThat(this.fixture.clients.renew("withings", "alice", "Bearer " + current)).isTrue();
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(4);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

}
