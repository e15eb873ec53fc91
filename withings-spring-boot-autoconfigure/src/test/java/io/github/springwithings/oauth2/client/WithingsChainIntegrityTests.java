package io.github.springwithings.oauth2.client;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.user.DefaultOAuth2User;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saves that are not a consent never break a refresh chain: they leave a refresh mark alone (only
 * the rotation that set it or the in-doubt follow-up clears it), a refresh token the store moved
 * past never overwrites the newer chain nor forks it at Withings, and a client of another chain
 * never inherits the stored Withings user id. On the memory, JDBC and R2DBC stores.
 */
@Tag("database")
class WithingsChainIntegrityTests {

	enum Store {

		MEMORY, JDBC, R2DBC

	}

	private static final String PRINCIPAL = "363";

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.dispose();
		}
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void saveWhenAUserIdIsLearntDuringAClaimThenTheMarkStaysAndTheRotationIsStored(Store store) {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient linked = linkWithoutUserId(fixture);
		WithingsAuthorizedClient claimed = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		Instant claimedAt = fixture.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		assertThat(fixture.service.claimRefresh(claimed, claimedAt, claimedAt)).isTrue();

		// Spring saves the client with the same access token for an oauth2Login() principal: a user id is learnt
		fixture.service.saveAuthorizedClient(linked, loginPrincipal("36000042"));

		WithingsAuthorizedClient saved = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		assertThat(saved.getUserId()).isEqualTo("36000042");
		assertThat(saved.getRefreshStartedAt()).as("the claim's mark").isEqualTo(claimedAt);
		OAuth2AccessTokenResponse rotation = OAuth2AccessTokenResponse.withToken("access-1")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(10800)
			.refreshToken("refresh-1")
			.build();
		assertThat(fixture.service.saveRotation(claimed, rotation, claimedAt)).isNotNull();
		WithingsAuthorizedClient rotated = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		assertThat(rotated.getRefreshTokenValue()).isEqualTo("refresh-1");
		assertThat(rotated.getUserId()).isEqualTo("36000042");
		assertThat(rotated.getRefreshStartedAt()).isNull();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenASaveThatIsNotAConsentLandsWhileWithingsAnswersThenTheRotationIsStoredAndReturned(Store store)
			throws Exception {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient linked = linkWithoutUserId(fixture);
		CountDownLatch processed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(processed, release));
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<OAuth2AuthorizedClient> refresh = executor.submit(() -> fixture.clients.authorize(PRINCIPAL));
			assertThat(processed.await(30, TimeUnit.SECONDS)).isTrue();

			fixture.service.saveAuthorizedClient(linked, loginPrincipal("36000042"));
			release.countDown();
			OAuth2AuthorizedClient refreshed = refresh.get(30, TimeUnit.SECONDS);

			assertThat(refreshed.getAccessToken().getTokenValue()).isNotEqualTo(linked.getAccessToken().getTokenValue());
			WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
			assertThat(stored.getAuthorizedClient().getAccessToken().getTokenValue())
				.isEqualTo(refreshed.getAccessToken().getTokenValue());
			assertThat(stored.getRefreshTokenValue()).isEqualTo(refreshed.getRefreshToken().getTokenValue());
			assertThat(stored.getUserId()).isEqualTo("36000042");
			assertThat(stored.getRefreshStartedAt()).isNull();
			assertThat(fixture.getmeas(refreshed.getAccessToken().getTokenValue())).containsEntry("status", 0);
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenASnapshotFromBeforeTwoRotationsThenTheStoredPairServesAndWithingsIsNotCalled(Store store) {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient snapshot = fixture.linkExpired(PRINCIPAL, "36000042");
		rotate(fixture);
		rotate(fixture);
		WithingsAuthorizedClient newest = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		int grants = this.simulator.counters().refreshTokenGrants();

		OAuth2AuthorizedClient authorized = authorize(fixture, fixture.refreshClient, snapshot);

		assertThat(authorized.getAccessToken().getTokenValue())
			.isEqualTo(newest.getAuthorizedClient().getAccessToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).as("the old chain is not forked").isEqualTo(grants);
		assertStoredIs(fixture, newest, "36000042");
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenASnapshotFromBeforeTwoRotationsInAnInstanceThatDidNotSeeThemThenTheStoredRowIsKept(Store store) {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient snapshot = fixture.linkExpired(PRINCIPAL, "36000042");
		rotate(fixture);
		rotate(fixture);
		WithingsAuthorizedClient newest = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);

		OAuth2AuthorizedClient authorized = authorize(fixture, anotherInstance(fixture), snapshot);

		assertThat(authorized.getRefreshToken().getTokenValue()).isNotEqualTo(newest.getRefreshTokenValue());
		assertStoredIs(fixture, newest, "36000042");
		assertThat(this.simulator.refreshTokenState(newest.getRefreshTokenValue())).isEqualTo(RefreshTokenState.ACTIVE);
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenASnapshotFromBeforeAReConsentToAnotherAccountThenTheNewAccountsChainIsKept(Store store) {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient snapshot = fixture.linkExpired(PRINCIPAL, "36000042");
		rotate(fixture);
		fixture.link(PRINCIPAL, "36000099");
		rotate(fixture);
		WithingsAuthorizedClient newest = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		assertThat(newest.getUserId()).isEqualTo("36000099");
		int grants = this.simulator.counters().refreshTokenGrants();

		OAuth2AuthorizedClient authorized = authorize(fixture, fixture.refreshClient, snapshot);

		assertThat(authorized.getAccessToken().getTokenValue())
			.isEqualTo(newest.getAuthorizedClient().getAccessToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(grants);
		assertStoredIs(fixture, newest, "36000099");

		authorize(fixture, anotherInstance(fixture), snapshot);

		assertStoredIs(fixture, newest, "36000099");
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void saveWhenAnUnrecognisedConsentOfAnotherAccountThenTheOldUserIdIsNotCarriedOver(Store store) {
		WithingsTestFixture fixture = fixture(store);
		fixture.link(PRINCIPAL, "36000042");
		// a code exchange the store is not told of (a bare client in the security DSL)
		OAuth2AuthorizedClient relinked = exchangeUnrecognised(fixture, "36000099");

		fixture.service.saveAuthorizedClient(relinked, new TestingAuthenticationToken(PRINCIPAL, null));

		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		assertThat(stored.getRefreshTokenValue()).isEqualTo(relinked.getRefreshToken().getTokenValue());
		assertThat(stored.getUserId()).as("never the old account's").isNull();
	}

	private void assertStoredIs(WithingsTestFixture fixture, WithingsAuthorizedClient expected, String userId) {
		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL);
		assertThat(stored.getRefreshTokenValue()).isEqualTo(expected.getRefreshTokenValue());
		assertThat(stored.getAuthorizedClient().getAccessToken().getTokenValue())
			.isEqualTo(expected.getAuthorizedClient().getAccessToken().getTokenValue());
		assertThat(stored.getUserId()).isEqualTo(userId);
		assertThat(stored.getRefreshStartedAt()).isNull();
	}

	/** A rotation whose access token is never used, as keep-alive or an unlink's check make it. */
	private static void rotate(WithingsTestFixture fixture) {
		String before = fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL).getRefreshTokenValue();
		assertThat(fixture.clients.verify("withings", PRINCIPAL, WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD))
			.isTrue();
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL).getRefreshTokenValue())
			.isNotEqualTo(before);
	}

	/** Spring's manager, asked to authorize a client the application kept. */
	private static OAuth2AuthorizedClient authorize(WithingsTestFixture fixture,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshClient,
			OAuth2AuthorizedClient snapshot) {
		AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
				fixture.registrations, fixture.service);
		manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
			.refreshToken((refresh) -> refresh.accessTokenResponseClient(refreshClient).clock(fixture.clock))
			.build());
		manager.setAuthorizationFailureHandler(new WithingsAuthorizationFailureHandler(fixture.service));
		return manager.authorize(OAuth2AuthorizeRequest.withAuthorizedClient(snapshot)
			.principal(new TestingAuthenticationToken(PRINCIPAL, null))
			.build());
	}

	/** The single flight of an instance that saw none of the rotations, on the same store. */
	private static SingleFlightRefreshTokenResponseClient anotherInstance(WithingsTestFixture fixture) {
		SingleFlightRefreshTokenResponseClient other = new SingleFlightRefreshTokenResponseClient(
				WithingsAccessTokenResponseClient.refreshToken(fixture.withingsRegistrations,
						WithingsClientAuthentication.SIGNATURE, WithingsTestFixture.restClient()),
				fixture.service, fixture.withingsRegistrations);
		other.setClock(fixture.clock);
		return other;
	}

	/** A stored client with no Withings user id (a migration, custom code), its access token expired. */
	private static OAuth2AuthorizedClient linkWithoutUserId(WithingsTestFixture fixture) {
		OAuth2AuthorizedClient linked = fixture.linkExpired(PRINCIPAL, "36000042");
		fixture.service.removeAuthorizedClient("withings", PRINCIPAL);
		fixture.service.saveAuthorizedClient(linked, new TestingAuthenticationToken(PRINCIPAL, null));
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", PRINCIPAL).getUserId()).isNull();
		return linked;
	}

	private static OAuth2AuthorizedClient exchangeUnrecognised(WithingsTestFixture fixture, String userId) {
		fixture.simulator.setConsentingUserId(userId);
		String code = fixture.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
				TestClientRegistrations.REDIRECT_URI,
				WithingsTestFixture.SCOPE);
		OAuth2AccessTokenResponse response = WithingsAccessTokenResponseClient
			.authorizationCode(fixture.withingsRegistrations, WithingsClientAuthentication.SIGNATURE,
					WithingsTestFixture.restClient())
			.getTokenResponse(TestClientRegistrations
				.codeGrant(fixture.registration, code));
		return new OAuth2AuthorizedClient(fixture.registration, PRINCIPAL, response.getAccessToken(),
				response.getRefreshToken());
	}

	/** An {@code oauth2Login()} principal of the Withings registration, named {@link #PRINCIPAL}. */
	private static Authentication loginPrincipal(String userId) {
		DefaultOAuth2User user = new DefaultOAuth2User(Set.of(), Map.of("name", PRINCIPAL, "userid", userId), "name");
		return new OAuth2AuthenticationToken(user, List.of(), "withings");
	}

	private WithingsTestFixture fixture(Store store) {
		if (store == Store.R2DBC) {
			this.connectionFactory = TestDatabases.connectionFactory("chain-integrity", 10);
			return WithingsTestFixture.onR2dbc(this.simulator, WithingsClientAuthentication.SIGNATURE,
					this.connectionFactory);
		}
		if (store == Store.JDBC) {
			this.dataSource = TestDatabases.dataSource("chain-integrity", 10);
		}
		return new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, this.dataSource);
	}

}
