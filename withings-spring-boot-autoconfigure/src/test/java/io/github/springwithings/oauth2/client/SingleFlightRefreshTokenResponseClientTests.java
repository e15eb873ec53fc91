package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRecoveryClient;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

import io.github.springwithings.testsupport.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token lifecycle guarantees, with the in-memory and the JDBC store, against the simulator.
 */
@Tag("database")
class SingleFlightRefreshTokenResponseClientTests {

	enum Store {

		MEMORY, JDBC, R2DBC

	}

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

	static Stream<Arguments> storesAndAuthentications() {
		return Stream.of(Store.values())
			.flatMap((store) -> Stream.of(WithingsClientAuthentication.values())
				.map((authentication) -> Arguments.of(store, authentication)));
	}

	@ParameterizedTest
	@MethodSource("storesAndAuthentications")
	void authorizeWhen200ConcurrentCallersOfOneExpiredClientThenOneRefreshAndEveryoneGetsTheSameToken(Store store,
			WithingsClientAuthentication authentication) throws Exception {
		WithingsTestFixture fixture = fixture(store, authentication, null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		this.simulator.setLatency(Duration.ofMillis(200));
		int nonces = this.simulator.counters().nonceRequests();

		List<String> accessTokens = Concurrently.run(200,
				() -> fixture.clients.authorize("363").getAccessToken().getTokenValue(), Duration.ofMinutes(1));

		assertThat(Set.copyOf(accessTokens)).hasSize(1).doesNotContain(linked.getAccessToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		List<String> latecomers = Concurrently.run(50,
				() -> fixture.clients.authorize("363").getAccessToken().getTokenValue(), Duration.ofMinutes(1));
		assertThat(Set.copyOf(latecomers)).containsExactly(accessTokens.get(0));
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().nonceRequests() - nonces)
			.isEqualTo((authentication == WithingsClientAuthentication.SIGNATURE) ? 1 : 0);
		assertThat(this.simulator.counters().tooManyRequests()).isZero();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
		OAuth2AuthorizedClient stored = fixture.stored("363");
		assertThat(stored.getAccessToken().getTokenValue()).isEqualTo(accessTokens.get(0));
		assertThat(this.simulator.refreshTokenState(stored.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenStoringTheRotationFailsOnceThenNothingHandedOutAndTheNextCallSucceeds(Store store) {
		AtomicBoolean failNext = new AtomicBoolean();
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE,
				(service) -> new FailingRotationService(service, failNext, false));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		failNext.set(true);

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
				assertThat(ex.getError().getDescription()).contains("storing them failed");
			});
		WithingsAuthorizedClient kept = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(kept.getRefreshTokenValue()).isEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(kept.getAuthorizedClient().getAccessToken().getTokenValue())
			.isEqualTo(linked.getAccessToken().getTokenValue());
		assertThat(kept.getRefreshStartedAt()).as("the refresh stays in doubt").isNotNull();
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.GRACE);

		OAuth2AuthorizedClient refreshed = fixture.clients.authorize("363");

		assertThat(refreshed.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(stored.getRefreshTokenValue()).isEqualTo(refreshed.getRefreshToken().getTokenValue());
		assertThat(stored.getRefreshStartedAt()).isNull();
		assertThat(fixture.getmeas(refreshed.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(this.simulator.refreshTokenState(refreshed.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(2);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenTheRotationIsStoredButTheCallerSeesAFailureThenNothingHandedOutAndTheStoredPairServes(
			Store store) {
		AtomicBoolean failNext = new AtomicBoolean();
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE,
				(service) -> new FailingRotationService(service, failNext, true));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		failNext.set(true);

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR));
		OAuth2AuthorizedClient stored = fixture.stored("363");
		assertThat(stored.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());

		OAuth2AuthorizedClient next = fixture.clients.authorize("363");

		assertThat(next.getAccessToken().getTokenValue()).isEqualTo(stored.getAccessToken().getTokenValue());
		assertThat(fixture.getmeas(next.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void getTokenResponseWhenLateCallerHoldsTheOldRefreshTokenThenCurrentClientWithoutCallingWithings(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.CLIENT_SECRET, null);
		OAuth2AuthorizedClient old = fixture.linkExpired("363", "363");
		OAuth2AuthorizedClient current = fixture.clients.authorize("363");
		fixture.getmeas(current.getAccessToken().getTokenValue());
		assertThat(this.simulator.refreshTokenState(old.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);

		OAuth2AccessTokenResponse late = fixture.refreshClient.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
				fixture.registration, old.getAccessToken(), old.getRefreshToken()));

		assertThat(late.getAccessToken().getTokenValue()).isEqualTo(current.getAccessToken().getTokenValue());
		assertThat(late.getRefreshToken().getTokenValue()).isEqualTo(current.getRefreshToken().getTokenValue());
		assertThat(late.getAdditionalParameters()).containsEntry("userid", "363");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
		assertThat(fixture.stored("363")).isNotNull();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenRefreshTokenDeadThenRemovedOnlyIfStillStored(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatus(503, "Invalid Params: invalid refresh_token"));

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT));

		assertThat(fixture.stored("363")).isNull();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenRefreshTokenDeadAndRecoveryEnabledThenRecoveredWithoutTheUser(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		fixture.refreshClient.setRecovery(new WithingsAuthorizationRecovery(
				new WithingsRecoveryClient(RestClient.create()), fixture.codeClient));
		OAuth2AuthorizedClient linked = fixture.linkExpired("alice", "36000042");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatus(503, "Invalid Params: invalid refresh_token"));

		OAuth2AuthorizedClient recovered = fixture.clients.authorize("alice");

		assertThat(recovered.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().recoveries()).isEqualTo(1);
		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "alice");
		assertThat(stored.getRefreshTokenValue()).isEqualTo(recovered.getRefreshToken().getTokenValue());
		assertThat(stored.getUserId()).isEqualTo("36000042");
		assertThat(fixture.getmeas(recovered.getAccessToken().getTokenValue())).containsEntry("status", 0);
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenRefreshTokenDeadAndRecoveryRefusedThenRemoved(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		fixture.refreshClient.setRecovery(new WithingsAuthorizationRecovery(
				new WithingsRecoveryClient(RestClient.create()), fixture.codeClient));
		this.simulator.setRecoveryAllowed(false);
		fixture.linkExpired("alice", "36000042");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatus(503, "Invalid Params: invalid refresh_token"));

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("alice"))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT));
		assertThat(fixture.stored("alice")).isNull();
		assertThat(this.simulator.counters().recoveries()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void onAuthorizationFailureWhenStoredRefreshTokenIsNewerThenNothingRemoved(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		OAuth2AuthorizedClient old = fixture.linkExpired("363", "363");
		fixture.clients.authorize("363");
		ClientAuthorizationException lateFailure = new ClientAuthorizationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT), "withings",
				new RefreshTokenRejectedException(new OAuth2Error(
						OAuth2ErrorCodes.INVALID_GRANT), old.getRefreshToken().getTokenValue(), null));

		new WithingsAuthorizationFailureHandler(fixture.service).onAuthorizationFailure(lateFailure,
				new TestingAuthenticationToken("363", null), Map.of());

		assertThat(fixture.stored("363")).isNotNull();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhen601WithinTheBoundThenWaitsAndRetriesOnce(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		List<Duration> waits = new ArrayList<>();
		fixture.refreshClient.setSleeper((duration) -> {
			waits.add(duration);
			this.simulator.clock().advance(duration);
		});
		fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(5));

		OAuth2AuthorizedClient refreshed = fixture.clients.authorize("363");

		// wait_seconds and the second the rate budget adds to its pause
		assertThat(waits).containsExactly(
				Duration.ofSeconds(5).plus(WithingsRateBudget.WAIT_SECONDS_ROUNDING));
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isEqualTo(refreshed.getRefreshToken().getTokenValue());
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhen601BeyondTheBoundThenTemporarilyUnavailableAndNothingRemoved(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		fixture.refreshClient.setSleeper((duration) -> {
			throw new AssertionError("must not wait");
		});
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(188));

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
				.isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE));
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isEqualTo(linked.getRefreshToken().getTokenValue());
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void disconnectWhenLinkedThenRevokedAtWithingsAndRemovedAndIdempotent(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		OAuth2AuthorizedClient linked = fixture.link("alice", "36000042");

		assertThat(fixture.clients.disconnect("alice")).isTrue();

		assertThat(fixture.stored("alice")).isNull();
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
		assertThat(fixture.clients.disconnect("alice")).isFalse();
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeByUserIdWhenLinkedToAnotherPrincipalThenFoundByWithingsUserId(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		fixture.link("alice", "36000042");
		fixture.link("bob", "36000043");

		assertThat(fixture.clients.authorizeByUserId("36000043").getPrincipalName()).isEqualTo("bob");
		assertThat(fixture.service.loadByUserId("withings", "36000042").getPrincipalName()).isEqualTo("alice");
		assertThat(fixture.clients.authorizeByUserId("1")).isNull();
		assertThat(fixture.clients.authorize("nobody")).isNull();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void getTokenResponseWhenAnotherInstanceFollowedARefreshLeftInDoubtHereThenThisInstanceForgetsIt(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(503).afterProcessing());
		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"));
		assertThat(fixture.refreshClient.ownMarksInDoubtRemembered()).isOne();
		WithingsTestFixture otherInstance = new WithingsTestFixture(this.simulator,
				WithingsClientAuthentication.SIGNATURE, this.dataSource, (service) -> fixture.service);
		otherInstance.clock.advance(Duration.ofSeconds(61));
		assertThat(otherInstance.inDoubt.retry().refreshed()).isEqualTo(1);

		OAuth2AccessTokenResponse late = fixture.refreshClient.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
				fixture.registration, linked.getAccessToken(), linked.getRefreshToken()));

		assertThat(late.getRefreshToken().getTokenValue()).isEqualTo(fixture.stored("363").getRefreshToken().getTokenValue());
		assertThat(fixture.refreshClient.ownMarksInDoubtRemembered()).as("the chain moved on elsewhere").isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void getTokenResponseWhenARefreshLeftInDoubtHereIsOlderThanTheDelayThenForgotten(Store store) {
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.SIGNATURE, null);
		fixture.linkExpired("363", "363");
		fixture.linkExpired("bob", "36000043");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(503).afterProcessing());
		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"));
		assertThat(fixture.refreshClient.ownMarksInDoubtRemembered()).isOne();
		fixture.clock.advance(fixture.refreshClient.getInDoubtRetryDelay().plusSeconds(1));

		fixture.clients.authorize("bob");

		assertThat(fixture.refreshClient.ownMarksInDoubtRemembered()).as("any instance takes it over by now").isZero();
		OAuth2AuthorizedClient followed = fixture.clients.authorize("363");
		assertThat(fixture.getmeas(followed.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "363").getRefreshStartedAt()).isNull();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void getTokenResponseWhenTheLockAndAnotherInstancesRefreshBothMakeItWaitThenTheWholeWaitIsOneLockTimeout(
			Store store) throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean first = new AtomicBoolean(true);
		WithingsTestFixture fixture = fixture(store, WithingsClientAuthentication.CLIENT_SECRET,
				(service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public WithingsAuthorizedClient loadByRefreshToken(String registrationId, String refreshTokenValue) {
						if (first.getAndSet(false)) {
							// the first caller holds the in-process lock here
							entered.countDown();
							await(release);
						}
						return super.loadByRefreshToken(registrationId, refreshTokenValue);
					}

				});
		fixture.refreshClient.setSleeper(fixture.clock::advance);
		Duration lockTimeout = Duration.ofSeconds(10);
		fixture.refreshClient.setLockTimeout(lockTimeout);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		// another instance is refreshing this client
		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(fixture.service.claimRefresh(stored, fixture.clock.instant(), fixture.clock.instant())).isTrue();
		OAuth2RefreshTokenGrantRequest grant = new OAuth2RefreshTokenGrantRequest(fixture.registration,
				linked.getAccessToken(), linked.getRefreshToken());
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<?> holder = executor.submit(() -> fixture.refreshClient.getTokenResponse(grant));
			assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
			Instant start = fixture.clock.instant();
			Thread[] waiter = new Thread[1];
			Future<?> second = executor.submit(() -> {
				waiter[0] = Thread.currentThread();
				return fixture.refreshClient.getTokenResponse(grant);
			});
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> waiter[0] != null && waiter[0].getState() == Thread.State.TIMED_WAITING);
			// most of the lock timeout passes while the second caller waits for the lock
			fixture.clock.advance(lockTimeout.minusSeconds(1));
			release.countDown();

			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> holder.get(30, TimeUnit.SECONDS));
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> second.get(30, TimeUnit.SECONDS))
				.satisfies((ex) -> assertThat(((OAuth2AuthorizationException) ex
					.getCause()).getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE));
			assertThat(Duration.between(start, fixture.clock.instant()))
				.as("the lock and the polling share one deadline")
				.isLessThanOrEqualTo(lockTimeout.plusSeconds(1));
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private WithingsTestFixture fixture(Store store, WithingsClientAuthentication authentication,
			UnaryOperator<WithingsAuthorizedClientService> decorator) {
		if (store == Store.R2DBC) {
			this.connectionFactory = TestDatabases.connectionFactory("single-flight", 10);
			return WithingsTestFixture.onR2dbc(this.simulator, authentication, this.connectionFactory, decorator);
		}
		if (store == Store.JDBC) {
			this.dataSource = TestDatabases.dataSource("single-flight", 10);
		}
		return new WithingsTestFixture(this.simulator, authentication, this.dataSource, decorator);
	}

	/**
	 * A store whose next rotation fails to save, as a database outage would make it: before
	 * writing, or (for a transactional store) after the write, which must then be rolled back.
	 */
	static final class FailingRotationService extends ForwardingWithingsAuthorizedClientService {

		private final AtomicBoolean failNext;

		private final boolean afterWrite;

		FailingRotationService(WithingsAuthorizedClientService delegate, AtomicBoolean failNext, boolean afterWrite) {
			super(delegate);
			this.failNext = failNext;
			this.afterWrite = afterWrite;
		}

		@Override
		public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current,
				OAuth2AccessTokenResponse response) {
			boolean fail = this.failNext.getAndSet(false);
			if (fail && !this.afterWrite) {
				throw new IllegalStateException("database went away");
			}
			WithingsAuthorizedClient saved = super.saveRotation(current, response);
			if (fail) {
				throw new IllegalStateException("database went away");
			}
			return saved;
		}

	}

}
