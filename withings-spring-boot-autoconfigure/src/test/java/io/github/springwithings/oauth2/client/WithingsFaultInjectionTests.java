package io.github.springwithings.oauth2.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.springwithings.testsupport.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Faults off the happy path, injected against the simulator and a real database (H2, and
 * PostgreSQL in CI): lost answers of a rotation, caller transactions that roll back, a database
 * that is down or locked, a hung Withings, a pool smaller than the crowd, a sign-in racing a
 * refresh. Each asserts that no user is lost and no dead refresh token is ever used.
 */
@Tag("database")
class WithingsFaultInjectionTests {

	enum Store {

		MEMORY, JDBC, R2DBC

	}

	/** An answer lost after Withings rotated the tokens. */
	enum LostAnswer {

		HTTP_502(SimulatorFault.httpStatus(502).afterProcessing()),

		CONNECTION_RESET(SimulatorFault.connectionReset().afterProcessing()),

		TIMEOUT(SimulatorFault.delay(WithingsTestFixture.READ_TIMEOUT.plusSeconds(1))),

		NOT_JSON(SimulatorFault.nonJson().afterProcessing());

		final SimulatorFault fault;

		LostAnswer(SimulatorFault fault) {
			this.fault = fault;
		}

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

	static Stream<Arguments> storesAndLostAnswers() {
		return Stream.of(Store.values())
			.flatMap((store) -> Stream.of(LostAnswer.values()).map((answer) -> Arguments.of(store, answer)));
	}

	@ParameterizedTest
	@MethodSource("storesAndLostAnswers")
	void authorizeWhenTheAnswerOfARotationIsLostThenAnotherInstanceFollowsTheChainAfterTheDelay(Store store,
			LostAnswer lostAnswer) {
		WithingsTestFixture fixture = fixture(store, null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		String refreshToken = linked.getRefreshToken().getTokenValue();
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, lostAnswer.fault);

		ClientAuthorizationException failure = catchThrowableOfType(ClientAuthorizationException.class,
				() -> fixture.clients.authorize("363"));

		assertThat(failure.getError().getErrorCode()).isEqualTo("invalid_token_response");
		assertThat(failure.getError().getDescription()).contains("the outcome is unknown");
		assertThat(this.simulator.refreshTokenState(refreshToken)).as("Withings rotated").isEqualTo(RefreshTokenState.GRACE);
		WithingsAuthorizedClient inDoubt = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(inDoubt.getRefreshTokenValue()).isEqualTo(refreshToken);
		assertThat(inDoubt.getRefreshStartedAt()).isNotNull();

		// another instance (no memory of the attempt) follows it once it is in doubt
		WithingsTestFixture otherInstance = new WithingsTestFixture(this.simulator,
				WithingsClientAuthentication.SIGNATURE, this.dataSource, (service) -> fixture.service);
		assertThat(otherInstance.inDoubt.retry().refreshed()).isZero();
		otherInstance.clock.advance(Duration.ofSeconds(61));
		assertThat(otherInstance.inDoubt.retry().refreshed()).isEqualTo(1);

		WithingsAuthorizedClient followed = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(followed.getRefreshTokenValue()).isNotEqualTo(refreshToken);
		assertThat(followed.getRefreshStartedAt()).isNull();
		assertThat(this.simulator.refreshTokenState(followed.getRefreshTokenValue())).isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(fixture.getmeas(fixture.clients.authorize("363").getAccessToken().getTokenValue()))
			.containsEntry("status", 0);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenTheAnswerOfARotationIsLostThenTheNextCallOfThisInstanceFollowsTheChainAtOnce(Store store) {
		WithingsTestFixture fixture = fixture(store, null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(503).afterProcessing());
		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"));

		OAuth2AuthorizedClient next = fixture.clients.authorize("363");

		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(fixture.getmeas(next.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "363").getRefreshStartedAt()).isNull();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenWithingsHangsThenOtherCallersOfThatUserFailFastAndNothingIsRemoved(Store store) throws Exception {
		WithingsTestFixture fixture = fixture(store, null);
		fixture.refreshClient.setLockTimeout(Duration.ofMillis(300));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.delay(WithingsTestFixture.READ_TIMEOUT.plusSeconds(1)));
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			int nonces = this.simulator.counters().nonceRequests();
			Future<?> hanging = executor.submit(() -> fixture.clients.authorize("363"));
			while (this.simulator.counters().nonceRequests() == nonces && !hanging.isDone()) {
				Thread.onSpinWait();
			}

			OAuth2AuthorizationException waiting = catchThrowableOfType(OAuth2AuthorizationException.class,
					() -> fixture.clients.authorize("363"));

			assertThat(waiting.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
			assertThat(fixture.stored("363")).isNotNull();
			assertThat(catchThrowableOfType(ExecutionException.class,
					() -> hanging.get(30, TimeUnit.SECONDS)).getCause()).isInstanceOf(ClientAuthorizationException.class);
		}
		finally {
			executor.shutdownNow();
		}
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void authorizeInACallerTransactionThatRollsBackThenTheRotationIsKept(boolean readOnly) {
		this.dataSource = TestDatabases.dataSource("caller-transaction", 2);
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		callerTransaction.setReadOnly(readOnly);
		String[] used = new String[1];

		callerTransaction.executeWithoutResult((status) -> {
			// the caller's own work holds the transaction's connection
			new JdbcTemplate(this.dataSource).queryForObject("SELECT COUNT(*) FROM withings_authorized_client",
					Integer.class);
			OAuth2AuthorizedClient client = fixture.clients.authorize("363");
			used[0] = client.getAccessToken().getTokenValue();
			assertThat(fixture.getmeas(used[0])).containsEntry("status", 0);
			status.setRollbackOnly();
		});

		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
		OAuth2AuthorizedClient stored = fixture.stored("363");
		assertThat(stored.getAccessToken().getTokenValue()).isEqualTo(used[0]);
		fixture.advance(Duration.ofHours(3).plusMinutes(5));
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(stored.getRefreshToken().getTokenValue());
		assertThat(fixture.getmeas(next.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@Test
	void authorizeWhenTheDatabaseIsDownThenAClearErrorWithingsIsNotCalledAndNothingIsLost() {
		SwitchableDataSource database = new SwitchableDataSource(TestDatabases.dataSource("down", 5));
		this.dataSource = (HikariDataSource) database.getTargetDataSource();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				database);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		database.down.set(true);

		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> fixture.clients.authorize("363"))
			.satisfies((ex) -> assertThat(ex).hasRootCauseMessage("Connection refused: the database is down"));

		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		database.down.set(false);
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(fixture.clients.authorize("363").getRefreshToken().getTokenValue())
			.isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@Test
	void authorizeWhenTheDatabaseGoesDownAfterWithingsRotatedThenNothingHandedOutAndTheChainIsFollowed() {
		SwitchableDataSource database = new SwitchableDataSource(TestDatabases.dataSource("down-after", 5));
		this.dataSource = (HikariDataSource) database.getTargetDataSource();
		AtomicBoolean goDown = new AtomicBoolean(true);
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				database, (service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current,
							OAuth2AccessTokenResponse response) {
						database.down.set(goDown.getAndSet(false));
						return super.saveRotation(current, response);
					}

				});
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
				assertThat(ex.getError().getDescription()).contains("storing them failed");
			});

		database.down.set(false);
		assertRotationInDoubtThenFollowed(fixture, linked);
	}

	/**
	 * Withings rotated, the store did not keep it: the refresh is in doubt, with the old refresh
	 * token, and is followed with it after the delay; the user stays linked.
	 */
	static void assertRotationInDoubtThenFollowed(WithingsTestFixture fixture, OAuth2AuthorizedClient linked) {
		assertThat(fixture.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.GRACE);
		WithingsAuthorizedClient inDoubt = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(inDoubt.getRefreshTokenValue()).isEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(inDoubt.getRefreshStartedAt()).isNotNull();
		fixture.clock.advance(Duration.ofSeconds(61));
		assertThat(fixture.inDoubt.retry().refreshed()).isEqualTo(1);
		OAuth2AuthorizedClient followed = fixture.clients.authorize("363");
		assertThat(fixture.getmeas(followed.getAccessToken().getTokenValue())).containsEntry("status", 0);
		assertThat(fixture.simulator.counters().deadChainUses()).isZero();
	}

	@Test
	void authorizeWhenTheRowIsLockedThenFailsWithinTheQueryTimeoutWithoutCallingWithingsAndNothingIsLost()
			throws Exception {
		assumeFalse(
				"hsqldb".equals(TestDatabases.platform()) || "derby".equals(TestDatabases.platform()),
				"HSQLDB and Derby bound a lock wait by their own lock timeout, not the statement's (documented)");
		this.dataSource = TestDatabases.dataSource("locked", 5);
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		((JdbcWithingsAuthorizedClientService) fixture.service).setQueryTimeout(Duration.ofSeconds(1));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		try (Connection locker = this.dataSource.getConnection()) {
			locker.setAutoCommit(false);
			lockRow(locker, "363");

			OAuth2AuthorizationException failure = catchThrowableOfType(OAuth2AuthorizationException.class,
					() -> fixture.clients.authorize("363"));

			assertThat(failure.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
			assertThat(failure.getError().getDescription()).contains("store is unavailable");
			assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
			locker.rollback();
		}
		OAuth2AuthorizedClient next = fixture.clients.authorize("363");
		assertThat(next.getRefreshToken().getTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@Test
	void authorizeWhen50UsersRefreshAtOnceOnAPoolOf5ThenEveryoneGetsATokenAndThePoolIsNeverExhausted()
			throws Exception {
		this.dataSource = TestDatabases.dataSource("pool", 5);
		this.dataSource.setConnectionTimeout(2_000);
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		List<String> linked = new ArrayList<>();
		for (int user = 0; user < 50; user++) {
			this.simulator.setConsentingUserId(String.valueOf(36_000_100 + user));
			linked.add(fixture.link("user-" + user, String.valueOf(36_000_100 + user)).getAccessToken().getTokenValue());
		}
		fixture.advance(Duration.ofHours(3).plusMinutes(5));
		this.simulator.setLatency(Duration.ofMillis(100));
		AtomicInteger next = new AtomicInteger();

		List<String> tokens = Concurrently.run(50,
				() -> fixture.clients.authorize("user-" + next.getAndIncrement()).getAccessToken().getTokenValue(),
				Duration.ofMinutes(1));

		assertThat(Set.copyOf(tokens)).hasSize(50).doesNotContainAnyElementsOf(linked);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(50);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void saveWhenASignInRacesARefreshOfTheOldChainThenTheSignInWins(Store store) throws Exception {
		WithingsTestFixture fixture = fixture(store, null);
		fixture.linkExpired("363", "363");
		CountDownLatch processed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(processed, release));
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<OAuth2AuthorizedClient> refresh = executor.submit(() -> fixture.clients.authorize("363"));
			assertThat(processed.await(30, TimeUnit.SECONDS)).isTrue();

			// the user signs in again, as another Withings account, while Withings answers the refresh
			OAuth2AuthorizedClient signIn = fixture.link("363", "36000099");
			release.countDown();
			OAuth2AuthorizedClient refreshed = refresh.get(30, TimeUnit.SECONDS);

			assertThat(refreshed.getAccessToken().getTokenValue()).isEqualTo(signIn.getAccessToken().getTokenValue());
			WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "363");
			assertThat(stored.getAuthorizedClient().getAccessToken().getTokenValue())
				.isEqualTo(signIn.getAccessToken().getTokenValue());
			assertThat(stored.getRefreshTokenValue()).isEqualTo(signIn.getRefreshToken().getTokenValue());
			assertThat(stored.getUserId()).isEqualTo("36000099");
			assertThat(stored.getRefreshStartedAt()).isNull();
			assertThat(fixture.getmeas(signIn.getAccessToken().getTokenValue())).containsEntry("status", 0);
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void saveWhenALateSaveCarriesTheOlderRotationThenIgnoredAndADisconnectedClientIsNotStoredAgain(Store store) {
		WithingsTestFixture fixture = fixture(store, null);
		OAuth2AuthorizedClient old = fixture.linkExpired("363", "363");
		OAuth2AuthorizedClient current = fixture.clients.authorize("363");
		Authentication principal = new TestingAuthenticationToken(
				"363", null);

		fixture.service.saveAuthorizedClient(old, principal);

		assertThat(fixture.stored("363").getAccessToken().getTokenValue())
			.isEqualTo(current.getAccessToken().getTokenValue());
		assertThat(fixture.clients.disconnect("363")).isTrue();
		fixture.service.saveAuthorizedClient(current, principal);
		assertThat(fixture.stored("363")).as("not resurrected after disconnect").isNull();
	}

	@Test
	void saveWhenASignInOverwritesARotationItDidNotSeeThenALateSaveOfThatRotationIsIgnored() {
		HookedDataSource database = new HookedDataSource(TestDatabases.dataSource("sign-in-over-rotation", 5));
		this.dataSource = (HikariDataSource) database.getTargetDataSource();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				database);
		fixture.linkExpired("363", "363");
		OAuth2AuthorizedClient[] rotated = new OAuth2AuthorizedClient[1];
		// the sign-in's save reads the row, then a refresh commits before the sign-in writes
		database.beforeConnection(2, () -> rotated[0] = fixture.clients.authorize("363"));

		OAuth2AuthorizedClient signIn = fixture.link("363", "36000099");
		fixture.service.saveAuthorizedClient(rotated[0],
				new TestingAuthenticationToken("363", null));

		assertThat(rotated[0]).isNotNull();
		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(stored.getRefreshTokenValue()).isEqualTo(signIn.getRefreshToken().getTokenValue());
		assertThat(stored.getUserId()).isEqualTo("36000099");
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenWithingsAnswers522ThenTheRefreshStaysInDoubtAnd601ReleasesIt(Store store) {
		WithingsTestFixture fixture = fixture(store, null);
		fixture.refreshClient.setMaxRateLimitWait(Duration.ZERO);
		fixture.linkExpired("363", "363");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.withingsStatus(522, "Timeout"));

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> fixture.clients.authorize("363"));
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "363").getRefreshStartedAt()).isNotNull();
		fixture.clock.advance(Duration.ofSeconds(61));
		assertThat(fixture.service.findRefreshesInDoubt("withings", fixture.clock.instant().minusSeconds(60), 10))
			.hasSize(1);

		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.tooManyRequests(30));
		OAuth2AuthorizationException throttled = catchThrowableOfType(OAuth2AuthorizationException.class,
				() -> fixture.clients.authorize("363"));
		assertThat(throttled.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "363").getRefreshStartedAt())
			.as("a 601 proves nothing about the earlier attempt: still in doubt")
			.isNotNull();
		assertThat(fixture.clients.authorize("363")).isNotNull();
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "363").getRefreshStartedAt()).isNull();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/**
	 * Withings refuses the refresh as a request ({@code {"status":2554,"error":"Not implemented"}},
	 * no {@code body}): a definite refusal, not in doubt. The caller gets the Withings status and
	 * text, the mark is released, nothing is retried (here or by the in-doubt follow-up) and the
	 * stored client is untouched.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenWithingsAnswers2554WithoutBodyThenADefiniteRefusalNotInDoubtAndNotRetried(Store store) {
		WithingsTestFixture fixture = fixture(store, null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		WithingsAuthorizedClient before = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		int tokenRequests = tokenRequests();
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatusWithoutBody(2554, "Not implemented"));

		OAuth2AuthorizationException refused = catchThrowableOfType(OAuth2AuthorizationException.class,
				() -> fixture.clients.authorize("363"));

		assertThat(refused.getError()).isInstanceOf(WithingsOAuth2Error.class);
		assertThat(((WithingsOAuth2Error) refused.getError()).getStatus())
			.isEqualTo(2554);
		assertThat(refused.getError().getDescription()).startsWith("Withings status 2554: Not implemented");
		assertThat(tokenRequests()).as("one request, no retry").isEqualTo(tokenRequests + 1);
		WithingsAuthorizedClient after = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(after.getRefreshStartedAt()).as("the mark is released: not in doubt").isNull();
		assertThat(after.getRefreshTokenValue()).isEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(after.getAuthorizedClient().getAccessToken().getTokenValue())
			.isEqualTo(linked.getAccessToken().getTokenValue());
		assertThat(after.getVersion()).isEqualTo(before.getVersion());
		fixture.clock.advance(Duration.ofMinutes(2));
		assertThat(fixture.service.findRefreshesInDoubt("withings", fixture.clock.instant(), 10)).isEmpty();
		assertThat(fixture.inDoubt.retry().refreshed()).isZero();
		assertThat(tokenRequests()).as("the in-doubt follow-up retries nothing").isEqualTo(tokenRequests + 1);
		assertThat(this.simulator.refreshTokenState(linked.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	/**
	 * A proxy or gateway answers the refresh with HTTP 400 and an OAuth2 {@code invalid_grant}
	 * body: only Withings may say a token is dead, so the refresh is in doubt (not
	 * {@code invalid_grant}) and the row is kept, with its mark.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenAProxyAnswersHttp400InvalidGrantThenTheRowIsKeptWithItsMark(Store store) {
		WithingsTestFixture fixture = fixture(store, null);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		this.simulator.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v2/oauth2"))
				.withRequestBody(WireMock.containing("grant_type=refresh_token"))
				.atPriority(1)
				.willReturn(WireMock.aResponse()
					.withStatus(400)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"refused by the gateway\"}")));

		OAuth2AuthorizationException failure = catchThrowableOfType(OAuth2AuthorizationException.class,
				() -> fixture.clients.authorize("363"));

		assertThat(failure.getError().getErrorCode()).isNotEqualTo(OAuth2ErrorCodes.INVALID_GRANT)
			.isEqualTo(OAuth2ErrorCodes.SERVER_ERROR);
		WithingsAuthorizedClient kept = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		assertThat(kept).as("the link is kept").isNotNull();
		assertThat(kept.getRefreshTokenValue()).isEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(kept.getRefreshStartedAt()).as("in doubt: the mark stays").isNotNull();
	}

	private int tokenRequests() {
		return this.simulator.wireMock()
			.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v2/oauth2")))
			.size();
	}

	@ParameterizedTest
	@EnumSource(Store.class)
	void authorizeWhenTheStoredClientHasNoRefreshTokenThenInvalidGrantWithoutSpinning(Store store) {
		WithingsTestFixture fixture = fixture(store, null);
		fixture.refreshClient.setLockTimeout(Duration.ofMillis(500));
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		// application code saves a client without a refresh token over it
		fixture.service.saveAuthorizedClient(new OAuth2AuthorizedClient(linked.getClientRegistration(), "363",
				new OAuth2AccessToken(
						OAuth2AccessToken.TokenType.BEARER, "other-access-token",
						linked.getAccessToken().getIssuedAt(), linked.getAccessToken().getExpiresAt()),
				null), new TestingAuthenticationToken("363", null));

		OAuth2AuthorizationException failure = assertTimeoutPreemptively(
				Duration.ofSeconds(20), () -> catchThrowableOfType(OAuth2AuthorizationException.class,
						() -> fixture.refreshClient.getTokenResponse(
								new OAuth2RefreshTokenGrantRequest(
										linked.getClientRegistration(), linked.getAccessToken(), linked.getRefreshToken()))));

		assertThat(failure.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
	}

	/**
	 * Two refreshes in doubt whose refresh tokens Withings says are dead; the store fails while
	 * removing the first: that client alone counts as failed (its link goes at its next refresh),
	 * the run goes on and removes the second.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void retryInDoubtWhenRemovingADeadLinkFailsThenThatClientFailsAloneAndTheRunGoesOn(Store store) {
		AtomicInteger removals = new AtomicInteger();
		WithingsTestFixture fixture = fixture(store, (service) -> new ForwardingWithingsAuthorizedClientService(service) {

			@Override
			public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
					String refreshTokenValue) {
				if (removals.incrementAndGet() == 1) {
					throw new QueryTimeoutException("the database is slow");
				}
				return super.removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue);
			}

		});
		for (String name : List.of("361", "362")) {
			fixture.link(name, name);
			assertThat(this.simulator.revokeUser(name)).isTrue();
			WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", name);
			assertThat(fixture.service.claimRefresh(stored, fixture.clock.instant(), fixture.clock.instant())).isTrue();
		}
		fixture.clock.advance(Duration.ofSeconds(61));

		WithingsInDoubtRefreshes.Summary summary = fixture.inDoubt.retry();

		assertThat(removals).hasValue(2);
		assertThat(summary.failed()).isOne();
		assertThat(summary.removed()).isOne();
		assertThat(Stream.of("361", "362")
			.map((name) -> fixture.service.loadWithingsAuthorizedClient("withings", name))
			.filter(Objects::nonNull)).as("the one whose removal failed: it goes at its next refresh")
			.hasSize(1);
	}

	private WithingsTestFixture fixture(Store store,
			UnaryOperator<WithingsAuthorizedClientService> decorator) {
		if (store == Store.R2DBC) {
			this.connectionFactory = TestDatabases.connectionFactory("faults", 10);
			return WithingsTestFixture.onR2dbc(this.simulator, WithingsClientAuthentication.SIGNATURE,
					this.connectionFactory, decorator);
		}
		if (store == Store.JDBC) {
			this.dataSource = TestDatabases.dataSource("faults", 10);
		}
		return new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, this.dataSource,
				decorator);
	}

	private static void lockRow(Connection connection, String principalName) throws SQLException {
		// an update that changes nothing: a row lock on every database (Derby takes none for a
		// SELECT ... FOR UPDATE whose cursor was never positioned)
		try (PreparedStatement statement = connection.prepareStatement(
				"UPDATE withings_authorized_client SET version = version WHERE principal_name = ?")) {
			statement.setString(1, principalName);
			statement.executeUpdate();
		}
	}

	/** A database that runs a hook before its n-th connection from now is handed out. */
	static final class HookedDataSource extends DelegatingDataSource {

		private final AtomicInteger countdown = new AtomicInteger();

		private volatile Runnable hook;

		HookedDataSource(DataSource target) {
			super(target);
		}

		void beforeConnection(int n, Runnable hook) {
			this.hook = hook;
			this.countdown.set(n);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Runnable armed = this.hook;
			if (armed != null && this.countdown.decrementAndGet() == 0) {
				this.hook = null;
				armed.run();
			}
			return super.getConnection();
		}

	}

	/** A database that can be switched off: every new connection is refused. */
	static final class SwitchableDataSource extends DelegatingDataSource {

		final AtomicBoolean down = new AtomicBoolean();

		SwitchableDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.down.get()) {
				throw new SQLException("Connection refused: the database is down", "08001");
			}
			return super.getConnection();
		}

	}

}
