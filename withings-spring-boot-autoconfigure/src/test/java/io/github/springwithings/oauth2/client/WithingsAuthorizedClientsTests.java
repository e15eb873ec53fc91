package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link WithingsAuthorizedClients}: disconnect tells the truth, renew does not rotate forever.
 */
@Tag("database")
class WithingsAuthorizedClientsTests {

	private WithingsSimulator simulator;

	private WithingsTestFixture fixture;

	private HikariDataSource dataSource;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, null);
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		if (this.dataSource != null) {
			this.dataSource.close();
		}
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

		assertThatExceptionOfType(WithingsRateLimitException.class).isThrownBy(() -> this.fixture.clients.disconnect("alice"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(601);
				assertThat(ex.isAnswered()).isTrue();
			});

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

	/**
	 * A consent (another tab) is stored between the disconnect's read of the link and its removal:
	 * the consent, given after the revocation, survives; nothing is announced.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void disconnectWhenAConsentIsStoredBetweenTheReadAndTheRemovalThenTheConsentSurvives(boolean jdbc) {
		AtomicReference<Runnable> beforeRemoval = new AtomicReference<>();
		this.dataSource = jdbc ? TestDatabases.dataSource("disconnect", 4) : null;
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource, (service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
							String refreshTokenValue) {
						Runnable hook = beforeRemoval.getAndSet(null);
						if (hook != null) {
							hook.run();
						}
						return super.removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue);
					}

				});
		List<Object> events = new CopyOnWriteArrayList<>();
		fixture.clients.setApplicationEventPublisher(events::add);
		OAuth2AuthorizedClient revoked = fixture.link("alice", "36000042");
		OAuth2AuthorizedClient[] consent = new OAuth2AuthorizedClient[1];
		beforeRemoval.set(() -> consent[0] = fixture.link("alice", "36000042"));

		assertThat(fixture.clients.disconnect("alice")).isFalse();

		assertThat(consent[0]).as("the hook ran").isNotNull();
		assertThat(fixture.stored("alice").getRefreshToken().getTokenValue())
			.isEqualTo(consent[0].getRefreshToken().getTokenValue());
		assertThat(this.simulator.refreshTokenState(consent[0].getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(this.simulator.refreshTokenState(revoked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
		assertThat(events).isEmpty();
	}

	/**
	 * Withings revokes per Withings user: when another principal linked the same Withings account,
	 * its link is dead too, so it is removed and announced (not left to fail at its next refresh);
	 * the disconnected principal gets its own event only.
	 */
	@Test
	void disconnectWhenAnotherPrincipalLinkedTheSameWithingsUserThenItsDeadLinkIsRemovedAndAnnounced() {
		List<Object> events = new CopyOnWriteArrayList<>();
		this.fixture.clients.setApplicationEventPublisher(events::add);
		((InMemoryWithingsAuthorizedClientService) this.fixture.service).setApplicationEventPublisher(events::add);
		this.fixture.link("alice", "36000042");
		OAuth2AuthorizedClient bob = this.fixture.link("bob", "36000042");
		this.fixture.link("carol", "36000043");
		events.clear();

		assertThat(this.fixture.clients.disconnect("alice")).isTrue();

		assertThat(this.simulator.refreshTokenState(bob.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
		assertThat(this.fixture.stored("alice")).isNull();
		assertThat(this.fixture.stored("bob")).isNull();
		assertThat(this.fixture.stored("carol")).isNotNull();
		assertThat(events).hasSize(2);
		assertThat(events).filteredOn(WithingsUserDisconnectedEvent.class::isInstance)
			.singleElement()
			.satisfies((event) -> assertThat(((WithingsUserDisconnectedEvent) event).user().principalName())
				.isEqualTo("alice"));
		assertThat(events).filteredOn(WithingsUserLostEvent.class::isInstance)
			.singleElement()
			.satisfies((event) -> assertThat(((WithingsUserLostEvent) event).user().principalName()).isEqualTo("bob"));
	}

	/**
	 * More principals renew within a minute than are remembered (flooded with forged unlinks, say):
	 * no principal's window is forgotten to make room, so the cap of three rotations a minute
	 * still holds; a principal beyond the bound waits for a window to end (fails closed).
	 */
	@Test
	void renewWhenMorePrincipalsRenewThanAreRememberedThenTheCapStillHoldsAndNewcomersWait() {
		this.fixture.clients.setMaxRenewalPrincipals(2);
		this.fixture.link("alice", "36000042");
		this.fixture.link("bob", "36000043");
		this.fixture.link("carol", "36000044");
		for (int call = 0; call < 3; call++) {
			renewRejected("alice");
		}
		renewRejected("bob");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(4);

		renewRejected("carol");
		renewRejected("alice");

		assertThat(this.simulator.counters().refreshTokenGrants()).as("nobody's window was forgotten").isEqualTo(4);
		this.fixture.clock.advance(Duration.ofSeconds(61));
		renewRejected("carol");
		renewRejected("alice");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(6);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/** Refreshes that failed (Withings throttled them) rotated nothing: they do not count. */
	@Test
	void renewWhenRefreshesFailedThenTheyDoNotCountTowardsTheCap() {
		this.fixture.link("alice", "36000042");
		for (int call = 0; call < 3; call++) {
			this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(30));
			String current = this.fixture.stored("alice").getAccessToken().getTokenValue();
			assertThatExceptionOfType(OAuth2AuthorizationException.class)
				.isThrownBy(() -> this.fixture.clients.renew("withings", "alice", "Bearer " + current));
		}

		renewRejected("alice");

		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
	}

	private void renewRejected(String principalName) {
		String current = this.fixture.stored(principalName).getAccessToken().getTokenValue();
		this.simulator.expireAccessToken(current);
		assertThat(this.fixture.clients.renew("withings", principalName, "Bearer " + current)).isTrue();
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
		this.fixture.clock.advance(Duration.ofSeconds(61));
		String current = this.fixture.stored("alice").getAccessToken().getTokenValue();
		assertThat(this.fixture.clients.renew("withings", "alice", "Bearer " + current)).isTrue();
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(4);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

}
