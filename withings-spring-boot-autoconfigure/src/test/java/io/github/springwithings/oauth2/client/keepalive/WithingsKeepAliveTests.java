package io.github.springwithings.oauth2.client.keepalive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.github.springwithings.oauth2.client.WithingsUserRefreshedEvent;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive sweep against the simulator and a real database (H2, and PostgreSQL in CI), with
 * the faults it guards against: daily restarts, several instances, an unreadable row, a client
 * whose refresh throws, a page that cannot be read, Withings' rate limit, a shutdown mid-sweep.
 * Time is simulated: pauses and ticks move the application's and Withings' clocks, nothing sleeps.
 */
@Tag("database")
class WithingsKeepAliveTests {

	private static final int CLIENTS = 1_000;

	private static final int PAGE_SIZE = 100;

	private static final Duration INTERVAL = Duration.ofDays(1);

	/** The scheduler's tick: min(interval, 10 min). */
	private static final Duration TICK = Duration.ofMinutes(10);

	/** Small, so that users become due as the simulated days pass. */
	private static final Duration MAX_AGE = Duration.ofHours(36);

	enum Store {

		MEMORY, JDBC

	}

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	private JdbcTemplate jdbc;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.dataSource = TestDatabases.dataSource("keep-alive", 4);
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.jdbc.update("DELETE FROM withings_sweep");
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
		this.dataSource.close();
	}

	@Test
	void sweepWhen1000ClientsAndHalfAreOldThenPagesThroughAndRefreshesTheOldOnesSpacedOut() {
		List<Integer> pageSizes = new ArrayList<>();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource, (service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName,
							int size) {
						List<WithingsAuthorizedClient> page = super.findPage(registrationId, afterPrincipalName, size);
						pageSizes.add(page.size());
						return page;
					}

				});
		for (int i = 0; i < CLIENTS; i++) {
			String userId = String.valueOf(38_000_000 + i);
			fixture.link(userId, userId);
		}
		int aged = new JdbcTemplate(this.dataSource).update(
				"UPDATE withings_authorized_client SET refresh_token_issued_at = ? WHERE principal_name LIKE '%0' "
						+ "OR principal_name LIKE '%2' OR principal_name LIKE '%4' OR principal_name LIKE '%6' OR principal_name LIKE '%8'",
				Instant.now().minus(Duration.ofDays(200)).toEpochMilli());
		assertThat(aged).isEqualTo(CLIENTS / 2);
		List<Duration> pauses = new ArrayList<>();
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setPageSize(PAGE_SIZE);
		keepAlive.setSleeper(pauses::add);

		WithingsKeepAlive.Summary summary = keepAlive.sweep();

		assertThat(summary.checked()).isEqualTo(CLIENTS);
		assertThat(summary.refreshed()).isEqualTo(CLIENTS / 2);
		assertThat(summary.failed()).isZero();
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(CLIENTS / 2);
		assertThat(pageSizes).allSatisfy((size) -> assertThat(size).isLessThanOrEqualTo(PAGE_SIZE))
			.hasSize(CLIENTS / PAGE_SIZE + 1);
		assertThat(pauses).hasSize(CLIENTS / 2 - 1).containsOnly(Duration.ofSeconds(4));
		Integer stillOld = new JdbcTemplate(this.dataSource).queryForObject(
				"SELECT COUNT(*) FROM withings_authorized_client WHERE refresh_token_issued_at < ?", Integer.class,
				Instant.now().minus(Duration.ofDays(180)).toEpochMilli());
		assertThat(stillOld).isZero();
		assertThat(keepAlive.sweep().refreshed()).isZero();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	/**
	 * Restarted every day, alive 20 hours a day, ticking every 10 minutes: the last start is in the
	 * database, so each start sweeps when a day has passed since the last sweep of any start.
	 */
	@Test
	void sweepIfDueWhenTheApplicationRestartsEveryDayAndLives20HoursThenItSweepsOnceADayAndNoRefreshTokenGetsTooOld() {
		int users = 12;
		App app = new App(WithingsClientAuthentication.CLIENT_SECRET, new JdbcWithingsSweepLog(this.dataSource));
		Instant day0 = app.fixture.clock.instant();
		Map<String, String> linked = new HashMap<>();
		for (int i = 0; i < users; i++) {
			String name = String.format("user-%02d", i);
			linked.put(name, app.fixture.link(name, String.valueOf(38_100_000 + i)).getRefreshToken().getTokenValue());
			// from 2.5 h to 57.5 h old: some due at once, the others on day 1 or 2
			this.jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ? WHERE principal_name = ?",
					utc(day0.minus(Duration.ofMinutes(150 + 300 * i))), name);
		}
		List<Instant> sweeps = new ArrayList<>();
		int refreshed = 0;
		Duration oldest = Duration.ZERO;
		for (int day = 0; day < 3; day++) {
			if (day > 0) {
				// the daily restart: new objects on the same database, nothing kept in memory
				app = new App(WithingsClientAuthentication.CLIENT_SECRET, new JdbcWithingsSweepLog(this.dataSource));
			}
			for (Duration alive = Duration.ZERO; alive.compareTo(Duration.ofHours(20)) <= 0; alive = alive.plus(TICK)) {
				app.moveTo(INTERVAL.multipliedBy(day).plus(alive));
				Instant now = app.fixture.clock.instant();
				long due = refreshTokenIssuedAt().values().stream().filter((at) -> at.isBefore(now.minus(MAX_AGE))).count();

				WithingsKeepAlive.Summary summary = app.keepAlive.sweepIfDue(() -> true);

				if (summary != null) {
					sweeps.add(now);
					assertThat(summary.refreshed()).as("refreshed on day %d", day).isEqualTo((int) due).isPositive();
					assertThat(summary.failed()).isZero();
					refreshed += summary.refreshed();
				}
				Instant after = app.fixture.clock.instant();
				for (Instant issuedAt : refreshTokenIssuedAt().values()) {
					Duration age = Duration.between(issuedAt, after);
					oldest = (age.compareTo(oldest) > 0) ? age : oldest;
				}
			}
		}
		assertThat(sweeps).as("one sweep on each day").hasSize(3);
		assertThat(sweeps).extracting((sweep) -> Duration.between(day0, sweep).toDays()).containsExactly(0L, 1L, 2L);
		for (int i = 1; i < sweeps.size(); i++) {
			assertThat(Duration.between(sweeps.get(i - 1), sweeps.get(i))).isGreaterThanOrEqualTo(INTERVAL)
				.isLessThan(INTERVAL.plus(TICK));
		}
		assertThat(oldest).as("oldest refresh token ever seen").isLessThanOrEqualTo(MAX_AGE.plus(INTERVAL));
		assertThat(refreshed).isEqualTo(5 + 5 + 7);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(refreshed);
		assertNoUserLost(app.fixture, linked, true);
	}

	/** Where each restart keeps the last sweep's start. */
	enum SweepLogPerRestart {

		/** The database table, shared by every start. */
		SHARED_JDBC,

		/** A fresh in-memory log, forgotten by the restart. */
		FRESH_IN_MEMORY

	}

	/**
	 * Restarted every 12 hours over two days: with the shared log the second start of a day does not
	 * sweep again; with a log forgotten at each restart every start sweeps, two sweeps per interval.
	 */
	@ParameterizedTest
	@EnumSource(SweepLogPerRestart.class)
	void sweepIfDueWhenRestartedEvery12HoursThenOnlyTheSharedLogKeepsToOneSweepPerInterval(SweepLogPerRestart log) {
		List<Duration> sweeps = new ArrayList<>();
		for (int restart = 0; restart < 4; restart++) {
			App app = new App(WithingsClientAuthentication.CLIENT_SECRET,
					(log == SweepLogPerRestart.SHARED_JDBC) ? new JdbcWithingsSweepLog(this.dataSource)
							: new InMemoryWithingsSweepLog());
			for (Duration alive = Duration.ZERO; alive.compareTo(Duration.ofHours(11)) <= 0; alive = alive.plus(TICK)) {
				Duration at = Duration.ofHours(12L * restart).plus(alive);
				app.moveTo(at);
				if (app.keepAlive.sweepIfDue(() -> true) != null) {
					sweeps.add(at);
				}
			}
		}
		if (log == SweepLogPerRestart.SHARED_JDBC) {
			assertThat(sweeps).containsExactly(Duration.ZERO, INTERVAL);
		}
		else {
			assertThat(sweeps).as("a sweep at every start, twice within each interval")
				.containsExactly(Duration.ZERO, Duration.ofHours(12), Duration.ofHours(24), Duration.ofHours(36));
		}
	}

	/** Two instances tick at the same moments for three days: one of them sweeps each day. */
	@Test
	void sweepIfDueWhenTwoInstancesTickTogetherThenExactlyOneOfThemSweepsPerInterval() throws Exception {
		App first = new App(WithingsClientAuthentication.CLIENT_SECRET, new JdbcWithingsSweepLog(this.dataSource));
		App second = new App(WithingsClientAuthentication.CLIENT_SECRET, new JdbcWithingsSweepLog(this.dataSource));
		Instant day0 = first.fixture.clock.instant();
		Map<String, String> linked = new HashMap<>();
		for (int i = 0; i < 6; i++) {
			String name = "user-" + i;
			linked.put(name, first.fixture.link(name, String.valueOf(38_200_000 + i)).getRefreshToken().getTokenValue());
		}
		// 40 h old: due at once, then again two days after their refresh
		this.jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ?",
				utc(day0.minus(Duration.ofHours(40))));
		CyclicBarrier sameTick = new CyclicBarrier(2);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		List<Duration> sweeps = new ArrayList<>();
		int refreshed = 0;
		try {
			for (int hour = 0; hour < 72; hour++) {
				Duration at = Duration.ofHours(hour);
				first.moveTo(at);
				second.moveTo(at);
				List<Future<WithingsKeepAlive.Summary>> ticks = new ArrayList<>();
				for (App app : List.of(first, second)) {
					ticks.add(executor.submit(() -> {
						sameTick.await(10, TimeUnit.SECONDS);
						return app.keepAlive.sweepIfDue(() -> true);
					}));
				}
				int sweeping = 0;
				for (Future<WithingsKeepAlive.Summary> tick : ticks) {
					WithingsKeepAlive.Summary summary = tick.get(60, TimeUnit.SECONDS);
					if (summary != null) {
						sweeping++;
						refreshed += summary.refreshed();
						assertThat(summary.failed()).isZero();
					}
				}
				assertThat(sweeping).as("instances sweeping at hour %d", hour).isLessThanOrEqualTo(1);
				if (sweeping == 1) {
					sweeps.add(at);
				}
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(sweeps).containsExactly(Duration.ZERO, INTERVAL, INTERVAL.multipliedBy(2));
		assertThat(refreshed).as("6 at once, 6 again on day 2").isEqualTo(12);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(12);
		assertNoUserLost(second.fixture, linked, true);
	}

	/**
	 * A row encrypted with another key comes first in principal-name order, one client's refresh
	 * throws an unexpected exception, the rest spreads over pages of 4: every other client is
	 * refreshed and the sweep ends with the failure counted.
	 */
	@Test
	void sweepWhenTheFirstRowIsUnreadableAndOneRefreshThrowsThenEveryOtherClientIsRefreshedOverAllPages() {
		String salt = "5c0744940b5c369b";
		AtomicReference<JdbcWithingsAuthorizedClientService> store = new AtomicReference<>();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource, (jdbcStore) -> {
					store.set((JdbcWithingsAuthorizedClientService) jdbcStore);
					return jdbcStore;
				});
		store.get().setEncryptor(Encryptors.delux("the-application-key", salt));
		Map<String, String> linked = new HashMap<>();
		for (int i = 0; i < 25; i++) {
			String name = String.format("user-%02d", i);
			linked.put(name, fixture.link(name, String.valueOf(38_300_000 + i)).getRefreshToken().getTokenValue());
		}
		Instant now = Instant.now();
		JdbcWithingsAuthorizedClientService formerKey = new JdbcWithingsAuthorizedClientService(this.dataSource,
				fixture.registrations);
		formerKey.setEncryptor(Encryptors.delux("a-former-key", salt));
		formerKey.saveAuthorizedClient(new OAuth2AuthorizedClient(fixture.registration, "aaa-former-key",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "former-access", now.minus(Duration.ofHours(4)),
						now.minus(Duration.ofHours(1))),
				new OAuth2RefreshToken("former-refresh", now.minus(Duration.ofDays(200)))),
				new TestingAuthenticationToken("aaa-former-key", null));
		this.jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ?",
				utc(now.minus(Duration.ofDays(200))));
		assertThat(this.jdbc.queryForObject("SELECT MIN(principal_name) FROM withings_authorized_client", String.class))
			.isEqualTo("aaa-former-key");
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "aaa-former-key")).as("unreadable").isNull();
		String formerCiphertext = formerRefreshTokenCiphertext();
		String broken = linked.get("user-07");
		OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshClient = (request) -> {
			if (request.getRefreshToken().getTokenValue().equals(broken)) {
				throw new IllegalStateException("a bug while refreshing");
			}
			return fixture.refreshClient.getTokenResponse(request);
		};
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, refreshClient, List.of("withings"));
		keepAlive.setPageSize(4);
		keepAlive.setSleeper((pause) -> {
		});

		WithingsKeepAlive.Summary summary = keepAlive.sweep();

		assertThat(summary.checked()).as("the unreadable row is skipped by the store").isEqualTo(25);
		assertThat(summary.refreshed()).isEqualTo(24);
		assertThat(summary.failed()).isEqualTo(1);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(24);
		for (Map.Entry<String, String> user : linked.entrySet()) {
			String stored = fixture.stored(user.getKey()).getRefreshToken().getTokenValue();
			assertThat(this.simulator.refreshTokenState(stored)).isEqualTo(RefreshTokenState.ACTIVE);
			if (user.getKey().equals("user-07")) {
				assertThat(stored).as("the failing client is kept as it was").isEqualTo(user.getValue());
			}
			else {
				assertThat(stored).as(user.getKey()).isNotEqualTo(user.getValue());
			}
		}
		assertThat(formerRefreshTokenCiphertext()).as("the unreadable row is left alone").isEqualTo(formerCiphertext);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
		WithingsKeepAlive.Summary next = keepAlive.sweep();
		assertThat(next.checked()).isEqualTo(25);
		assertThat(next.refreshed()).isZero();
		assertThat(next.failed()).isEqualTo(1);
	}

	/**
	 * The second page cannot be read (the database dropped the connection): the sweep ends
	 * normally with the failure counted, and the next one refreshes the rest.
	 */
	@Test
	void sweepWhenAPageCannotBeReadThenTheSweepEndsNormallyAndTheNextSweepRefreshesTheRest() {
		AtomicInteger reads = new AtomicInteger();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource, (store) -> new ForwardingWithingsAuthorizedClientService(store) {

					@Override
					public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName,
							int size) {
						if (reads.incrementAndGet() == 2) {
							throw new DataAccessResourceFailureException("connection reset");
						}
						return super.findPage(registrationId, afterPrincipalName, size);
					}

				});
		Map<String, String> linked = new HashMap<>();
		for (int i = 0; i < 10; i++) {
			String name = "user-" + i;
			linked.put(name, fixture.link(name, String.valueOf(38_400_000 + i)).getRefreshToken().getTokenValue());
		}
		this.jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ?",
				utc(Instant.now().minus(Duration.ofDays(200))));
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setPageSize(4);
		keepAlive.setSleeper((pause) -> {
		});

		WithingsKeepAlive.Summary first = keepAlive.sweep();
		WithingsKeepAlive.Summary second = keepAlive.sweep();

		assertThat(first.checked()).isEqualTo(4);
		assertThat(first.refreshed()).isEqualTo(4);
		assertThat(first.failed()).as("the unreadable page").isEqualTo(1);
		assertThat(second.checked()).isEqualTo(10);
		assertThat(second.refreshed()).isEqualTo(6);
		assertThat(second.failed()).isZero();
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(10);
		assertNoUserLost(fixture, linked, true);
	}

	/**
	 * A dormant user revoked the application at Withings: the sweep finds the refresh token dead,
	 * removes that link only (compare before remove) and announces it, so the application can ask
	 * the user to reconnect; the other users are refreshed.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void sweepWhenADormantUserRevokedTheAppThenTheLinkIsRemovedAndAnnouncedAndTheOthersRefreshed(Store store) {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				(store == Store.JDBC) ? this.dataSource : null);
		List<Object> events = new CopyOnWriteArrayList<>();
		if (fixture.service instanceof JdbcWithingsAuthorizedClientService jdbc) {
			jdbc.setApplicationEventPublisher(events::add);
		}
		else {
			((InMemoryWithingsAuthorizedClientService) fixture.service).setApplicationEventPublisher(events::add);
		}
		fixture.link("dormant", "38700001");
		fixture.link("active", "38700002");
		events.clear();
		assertThat(this.simulator.revokeUser("38700001")).isTrue();
		fixture.advance(Duration.ofDays(181));
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setClock(fixture.clock);
		keepAlive.setSleeper((pause) -> {
		});

		WithingsKeepAlive.Summary summary = keepAlive.sweep();

		assertThat(summary.refreshed()).isOne();
		assertThat(summary.failed()).isOne();
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "dormant")).isNull();
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "active")).isNotNull();
		// the active user's refresh is announced too; the dormant one is lost
		assertThat(events).hasSize(2);
		assertThat(events).filteredOn(WithingsUserRefreshedEvent.class::isInstance)
			.singleElement()
			.satisfies((refreshed) -> assertThat(((WithingsUserRefreshedEvent) refreshed).user().userId())
				.isEqualTo("38700002"));
		assertThat(events).filteredOn(WithingsUserLostEvent.class::isInstance)
			.singleElement()
			.satisfies((lost) -> assertThat(((WithingsUserLostEvent) lost).user().userId()).isEqualTo("38700001"));
	}

	/**
	 * Signature mode (a refresh is a nonce and a token request), 40 due clients, the default
	 * spacing, and Withings answering 601 beyond 30 requests in any minute (a quarter of 120): the
	 * sweep never goes beyond its share.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void sweepWhenSignatureModeAndTheDefaultSpacingThenAtMost30RequestsPerMinuteAndNo601(Store store) {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				(store == Store.JDBC) ? this.dataSource : null);
		Map<String, String> linked = new HashMap<>();
		for (int i = 0; i < 40; i++) {
			String name = String.format("user-%02d", i);
			linked.put(name, fixture.link(name, String.valueOf(38_500_000 + i)).getRefreshToken().getTokenValue());
		}
		fixture.advance(Duration.ofDays(181)); // older than the default maximum age (180 days)
		this.simulator.setRateLimit(30, Duration.ofMinutes(1));
		ConcurrentLinkedQueue<Instant> requests = new ConcurrentLinkedQueue<>();
		this.simulator.wireMock()
			.addMockServiceRequestListener((request, response) -> requests.add(this.simulator.clock().instant()));
		fixture.refreshClient.setSleeper(fixture::advance); // a 601 would be waited out in simulated time
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setClock(fixture.clock);
		keepAlive.setPageSize(7);
		keepAlive.setSleeper(fixture::advance);

		WithingsKeepAlive.Summary summary = keepAlive.sweep();

		assertThat(summary.refreshed()).isEqualTo(40);
		assertThat(summary.failed()).isZero();
		assertThat(this.simulator.counters().tooManyRequests()).isZero();
		assertThat(requests).as("a nonce and a token request per refresh").hasSize(80);
		assertThat(busiestMinute(requests)).as("requests in the busiest sliding minute").isEqualTo(30);
		assertThat(summary.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(4 * 39));
		assertNoUserLost(fixture, linked, true);
	}

	/**
	 * A shutdown arrives while the third client is being refreshed (Withings has answered, the
	 * rotation is being stored): that refresh finishes and is stored, no later client is touched.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void sweepWhenAShutdownArrivesDuringARefreshThenThatRefreshFinishesAndTheSweepStopsBeforeTheNextClient(Store store) {
		AtomicInteger rotations = new AtomicInteger();
		AtomicBoolean shuttingDown = new AtomicBoolean();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				(store == Store.JDBC) ? this.dataSource : null,
				(service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current,
							OAuth2AccessTokenResponse response) {
						if (rotations.incrementAndGet() == 3) {
							shuttingDown.set(true);
						}
						return super.saveRotation(current, response);
					}

				});
		List<String> names = new ArrayList<>();
		Map<String, String> linked = new HashMap<>();
		for (int i = 0; i < 8; i++) {
			String name = "user-" + i;
			names.add(name);
			linked.put(name, fixture.link(name, String.valueOf(38_600_000 + i)).getRefreshToken().getTokenValue());
		}
		fixture.advance(Duration.ofDays(181));
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setClock(fixture.clock);
		keepAlive.setPageSize(3);
		keepAlive.setSleeper((pause) -> {
		});

		WithingsKeepAlive.Summary summary = keepAlive.sweep(() -> !shuttingDown.get());

		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(summary.checked()).isEqualTo(3);
		assertThat(summary.refreshed()).isEqualTo(3);
		assertThat(summary.failed()).isZero();
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(3);
		for (int i = 0; i < names.size(); i++) {
			String original = linked.get(names.get(i));
			WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", names.get(i));
			assertThat(stored.getRefreshStartedAt()).as("no refresh left in doubt").isNull();
			assertThat(this.simulator.refreshTokenState(stored.getRefreshTokenValue())).isEqualTo(RefreshTokenState.ACTIVE);
			if (i < 3) {
				assertThat(stored.getRefreshTokenValue()).as("refreshed and stored: " + names.get(i)).isNotEqualTo(original);
				assertThat(this.simulator.refreshTokenState(original)).isEqualTo(RefreshTokenState.GRACE);
			}
			else {
				assertThat(stored.getRefreshTokenValue()).as("untouched: " + names.get(i)).isEqualTo(original);
			}
		}
	}

	/**
	 * The store fails (a query timeout, a pool timeout) while removing the first dead link: that
	 * client is counted as failed, and the sweep goes on to the next clients and logs its summary.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void sweepWhenRemovingADeadLinkFailsThenThatClientFailsAloneAndTheSweepGoesOn(Store store) {
		AtomicInteger removals = new AtomicInteger();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				(store == Store.JDBC) ? this.dataSource : null,
				(service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
							String refreshTokenValue) {
						if (removals.incrementAndGet() == 1) {
							throw new QueryTimeoutException("the database is slow");
						}
						return super.removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue);
					}

				});
		fixture.link("a-dormant", "38710001");
		fixture.link("b-dormant", "38710002");
		fixture.link("c-active", "38710003");
		assertThat(this.simulator.revokeUser("38710001")).isTrue();
		assertThat(this.simulator.revokeUser("38710002")).isTrue();
		fixture.advance(Duration.ofDays(181));
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setClock(fixture.clock);
		keepAlive.setSleeper((pause) -> {
		});

		WithingsKeepAlive.Summary summary = keepAlive.sweep();

		assertThat(summary.checked()).isEqualTo(3);
		assertThat(summary.failed()).isEqualTo(2);
		assertThat(summary.refreshed()).isOne();
		assertThat(removals).hasValue(2);
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "a-dormant")).as("its removal failed").isNotNull();
		assertThat(fixture.service.loadWithingsAuthorizedClient("withings", "b-dormant")).isNull();
		assertThat(this.simulator.refreshTokenState(
				fixture.service.loadWithingsAuthorizedClient("withings", "c-active").getRefreshTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	/**
	 * A shutdown stops a due sweep after three clients: the next check (here, or on another
	 * instance sharing the log, or after the restart) resumes it, rather than an interval later;
	 * a sweep that ran to its end is not started again before the interval.
	 */
	@ParameterizedTest
	@EnumSource(Store.class)
	void sweepIfDueWhenAShutdownStoppedTheSweepThenTheNextCheckResumesIt(Store sweepLogStore) {
		AtomicInteger rotations = new AtomicInteger();
		AtomicBoolean shuttingDown = new AtomicBoolean();
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource, (service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current,
							OAuth2AccessTokenResponse response) {
						if (rotations.incrementAndGet() == 3) {
							shuttingDown.set(true);
						}
						return super.saveRotation(current, response);
					}

				});
		for (int i = 0; i < 8; i++) {
			fixture.link("user-" + i, String.valueOf(38_720_000 + i));
		}
		// linked 200 days ago: due (a refresh dates its new token now, so the refreshed are not)
		assertThat(this.jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ?",
				Instant.now().minus(Duration.ofDays(200)).toEpochMilli())).isEqualTo(8);
		WithingsSweepLog sweepLog = (sweepLogStore == Store.JDBC) ? new JdbcWithingsSweepLog(this.dataSource)
				: new InMemoryWithingsSweepLog();
		WithingsKeepAlive keepAlive = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		keepAlive.setClock(fixture.clock);
		keepAlive.setInterval(INTERVAL);
		keepAlive.setSweepLog(sweepLog);
		keepAlive.setPageSize(3);
		keepAlive.setSleeper((pause) -> {
		});

		WithingsKeepAlive.Summary stopped = keepAlive.sweepIfDue(() -> !shuttingDown.get());

		assertThat(stopped.refreshed()).isEqualTo(3);
		fixture.clock.advance(TICK);
		// the next instance to check (a new one, after the restart)
		WithingsKeepAlive next = new WithingsKeepAlive(fixture.service, fixture.refreshClient, List.of("withings"));
		next.setClock(fixture.clock);
		next.setInterval(INTERVAL);
		next.setSweepLog(sweepLog);
		next.setSleeper((pause) -> {
		});
		WithingsKeepAlive.Summary resumed = next.sweepIfDue(() -> true);
		assertThat(resumed).as("resumed at the next check").isNotNull();
		assertThat(resumed.refreshed()).isEqualTo(5);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(8);
		fixture.clock.advance(TICK);
		assertThat(next.sweepIfDue(() -> true)).as("a whole sweep waits for the interval").isNull();
		assertThat(next.getLastSweepStart()).isAfter(fixture.clock.instant().minus(INTERVAL));
	}

	private static int busiestMinute(ConcurrentLinkedQueue<Instant> requests) {
		List<Instant> sorted = requests.stream().sorted().toList();
		int busiest = 0;
		for (int i = 0; i < sorted.size(); i++) {
			Instant end = sorted.get(i).plus(Duration.ofMinutes(1));
			int inWindow = 0;
			for (int j = i; j < sorted.size() && sorted.get(j).isBefore(end); j++) {
				inWindow++;
			}
			busiest = Math.max(busiest, inWindow);
		}
		return busiest;
	}

	/** Every user is still linked, with a refresh token Withings takes, and no dead token was used. */
	private void assertNoUserLost(WithingsTestFixture fixture, Map<String, String> linked, boolean allRefreshed) {
		for (Map.Entry<String, String> user : linked.entrySet()) {
			WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", user.getKey());
			assertThat(stored).as(user.getKey()).isNotNull();
			assertThat(this.simulator.refreshTokenState(stored.getRefreshTokenValue())).as(user.getKey())
				.isEqualTo(RefreshTokenState.ACTIVE);
			if (allRefreshed) {
				assertThat(stored.getRefreshTokenValue()).as(user.getKey()).isNotEqualTo(user.getValue());
			}
		}
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	private Map<String, Instant> refreshTokenIssuedAt() {
		Map<String, Instant> issued = new HashMap<>();
		this.jdbc.query("SELECT principal_name, refresh_token_issued_at FROM withings_authorized_client",
				(rs) -> {
					issued.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
				});
		return issued;
	}

	private String formerRefreshTokenCiphertext() {
		return this.jdbc.queryForObject(
				"SELECT refresh_token_value FROM withings_authorized_client WHERE principal_name = 'aaa-former-key'",
				String.class);
	}

	/** An instant as the store keeps it: epoch milliseconds. */
	private static long utc(Instant instant) {
		return instant.toEpochMilli();
	}

	/**
	 * One start of the application on the shared database: a new store, refresh client, keep-alive
	 * and sweep log; its clock starts where the simulated time is (Withings' clock carries on).
	 */
	private final class App {

		final WithingsTestFixture fixture;

		final WithingsKeepAlive keepAlive;

		App(WithingsClientAuthentication authentication, WithingsSweepLog sweepLog) {
			AtomicReference<Clock> appClock = new AtomicReference<>();
			this.fixture = new WithingsTestFixture(WithingsKeepAliveTests.this.simulator, authentication,
					WithingsKeepAliveTests.this.dataSource, (store) -> datedBy(store, appClock));
			this.fixture.clock.advance(WithingsKeepAliveTests.this.simulator.clock().offset());
			appClock.set(this.fixture.clock);
			this.keepAlive = new WithingsKeepAlive(this.fixture.service, this.fixture.refreshClient, List.of("withings"));
			this.keepAlive.setSweepLog(sweepLog);
			this.keepAlive.setInterval(INTERVAL);
			this.keepAlive.setMaxRefreshTokenAge(MAX_AGE);
			this.keepAlive.setPageSize(5);
			this.keepAlive.setClock(this.fixture.clock);
			this.keepAlive.setSleeper(this.fixture::advance);
		}

		/** Move this application's clock and Withings' to {@code offset} past the start of the test. */
		void moveTo(Duration offset) {
			Duration withings = offset.minus(WithingsKeepAliveTests.this.simulator.clock().offset());
			if (!withings.isNegative() && !withings.isZero()) {
				WithingsKeepAliveTests.this.simulator.clock().advance(withings);
			}
			Duration application = offset.minus(this.fixture.clock.offset());
			if (!application.isNegative() && !application.isZero()) {
				this.fixture.clock.advance(application);
			}
		}

	}

	/**
	 * Spring dates a token answer with {@code Instant.now()}, the real time, and the store keeps that
	 * as the refresh token's issue time; in production it is the application's clock, here the
	 * application's clock runs days ahead of it. This store re-dates each stored rotation with the
	 * application's clock, as production would have dated it, so that refreshed tokens age with the
	 * simulated days.
	 */
	private WithingsAuthorizedClientService datedBy(WithingsAuthorizedClientService store, AtomicReference<Clock> clock) {
		return new ForwardingWithingsAuthorizedClientService(store) {

			@Override
			public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current,
					OAuth2AccessTokenResponse response) {
				WithingsAuthorizedClient rotated = super.saveRotation(current, response);
				if (rotated != null) {
					WithingsKeepAliveTests.this.jdbc.update("UPDATE withings_authorized_client SET refresh_token_issued_at = ? "
							+ "WHERE client_registration_id = ? AND principal_name = ? AND refresh_token_hash = ?",
							utc(clock.get().instant()), rotated.getRegistrationId(), rotated.getPrincipalName(),
							sha256(rotated.getRefreshTokenValue()));
				}
				return rotated;
			}

		};
	}

	/** The store's key for a refresh token: its SHA-256, in hex. */
	private static String sha256(String value) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
				.digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
