package io.github.springwithings.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.api.WithingsActivity;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorMeasure;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.JdbcWithingsSyncCursorStore;
import io.github.springwithings.sync.WithingsApiDataFetcher;
import io.github.springwithings.sync.WithingsDataFetcher;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsDataSyncedEvent;
import io.github.springwithings.sync.WithingsReactiveApiDataFetcher;
import io.github.springwithings.sync.WithingsSyncCursor;
import io.github.springwithings.sync.WithingsSyncCursorStore;
import io.github.springwithings.testsupport.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.ResolvableType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data sync end to end: an application with the JDBC store on the tests' database (H2 here,
 * PostgreSQL and MariaDB in CI) and the sync on, over real HTTP to the simulator, whose clock the
 * sync follows (the worker is stopped: each test runs the due cursors itself). A notification
 * (the event the notification callback or the inbox publishes) brings the typed event with the new
 * group; the faults: a notification that never came, a 601, an unlink during the fetch, a
 * listener that throws, notifications during a fetch, two workers on one database.
 */
@Tag("database")
class WithingsDataSyncIntegrationTests {

	private static final String DATABASE = "data-sync";

	private static WithingsSimulator simulator;

	private static ConfigurableApplicationContext context;

	private static WithingsDataSync sync;

	private static Recorder recorder;

	private static WithingsSyncCursorStore store;

	private static int nextUser = 51_000_000;

	@BeforeAll
	static void start() {
		simulator = WithingsSimulator.start();
		TestDatabases.dataSource(DATABASE, 1).close();
		context = new SpringApplicationBuilder(SyncApplication.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + TestDatabases.url(DATABASE),
					"spring.datasource.username=" + TestDatabases.username(),
					"spring.datasource.password=" + TestDatabases.password(), "withings.store.initialize-schema=always",
					"spring.security.oauth2.client.registration.withings.client-id="
							+ WithingsSimulator.DEFAULT_CLIENT_ID,
					"spring.security.oauth2.client.registration.withings.client-secret="
							+ WithingsSimulator.DEFAULT_CLIENT_SECRET,
					"spring.security.oauth2.client.registration.withings.redirect-uri="
							+ TestClientRegistrations.REDIRECT_URI,
					"withings.api-base-uri=" + simulator.baseUrl(), "withings.account-base-uri=" + simulator.baseUrl(),
					"withings.client-authentication=client-secret", "withings.rate-limit.requests-per-minute=60000",
					"withings.sync.enabled=true", "withings.sync.kinds=measures", "withings.sync.budget-share=1",
					"withings.sync.backstop-period=20m", "withings.sync.missed-grace=1m",
					"withings.sync.retry-delay=30s")
			.run();
		sync = context.getBean(WithingsDataSync.class);
		sync.stop();
		sync.setClock(simulator.clock());
		recorder = context.getBean(Recorder.class);
		store = context.getBean(WithingsSyncCursorStore.class);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		simulator.stop();
	}

	@BeforeEach
	void clean() {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		jdbc.update("DELETE FROM withings_sync_cursor");
		jdbc.update("DELETE FROM withings_authorized_client");
		simulator.reset();
		simulator.clearFaults();
		recorder.clear();
	}

	@Test
	void syncWhenStoreIsJdbcThenCursorsInTheDatabase() {
		assertThat(store).isInstanceOf(JdbcWithingsSyncCursorStore.class);
	}

	@Test
	void notificationWhenWeighInThenTypedEventWithTheNewGroupAndCursorMovedAfterTheListener() {
		String userId = linkAndSync();
		long weighed = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 72_450, -3));
		// a later second than the weighing's (Withings' lastupdate is exclusive, in seconds)
		simulator.clock().advance(Duration.ofSeconds(2));

		notify(userId, WithingsAppli.WEIGHT);
		sync.runAllDue();

		assertThat(recorder.measures).singleElement().satisfies((event) -> {
			assertThat(event.announced()).isTrue();
			assertThat(event.kind()).isEqualTo(WithingsDataKind.MEASURES);
			assertThat(event.userId()).isEqualTo(userId);
			assertThat(event.records()).extracting(WithingsMeasureGroup::id).containsExactly(weighed);
			assertThat(event.records().get(0).measure(WithingsMeasure.WEIGHT).orElseThrow().value())
				.isEqualByComparingTo("72.450");
			assertThat(cursor(userId).lastUpdate()).isEqualTo(event.lastUpdate())
				.isEqualTo(event.records().get(0).modified());
		});
		assertThat(recorder.activities).isEmpty();
		// nothing more is due: the next notification-free fetch is the backstop's
		assertThat(sync.runDue()).isZero();
		assertThat(cursor(userId).dueAt()).isAfter(simulator.clock().instant().plus(Duration.ofMinutes(19)));
	}

	@Test
	void fetchWhenWithingsPagesTheAnswerThenEveryPageInOneEvent() {
		String userId = linkAndSync();
		List<Long> weighed = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			weighed.add(simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 71_100 + i, -3)));
		}
		simulator.setPageSize(2);
		simulator.clock().advance(Duration.ofSeconds(2));
		notify(userId, WithingsAppli.WEIGHT);

		sync.runAllDue();

		assertThat(recorder.measures).singleElement()
			.satisfies((event) -> assertThat(event.records()).extracting(WithingsMeasureGroup::id)
				.containsExactlyInAnyOrderElementsOf(weighed));
	}

	@Test
	void backstopWhenNotificationDroppedThenDataDeliveredWithinThePeriodAndCountedMissed() {
		String userId = linkAndSync();
		long missedBefore = sync.getStatistics().getMissedNotifications();
		// the scale records a weighing; Withings' notification never reaches the application
		long weighed = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 71_000, -3));
		simulator.clock().advance(Duration.ofMinutes(19));
		assertThat(sync.runDue()).as("not due before the backstop period").isZero();

		simulator.clock().advance(Duration.ofMinutes(1).plusSeconds(1));
		sync.runAllDue();

		assertThat(recorder.measures).singleElement().satisfies((event) -> {
			assertThat(event.announced()).isFalse();
			assertThat(event.records()).extracting(WithingsMeasureGroup::id).containsExactly(weighed);
		});
		assertThat(sync.getStatistics().getMissedNotifications()).isEqualTo(missedBefore + 1);
		assertThat(sync.getStatistics().getLastMissedAt()).isNotNull()
			.isBeforeOrEqualTo(simulator.clock().instant())
			.isAfter(simulator.clock().instant().minus(Duration.ofMinutes(1)));
		// what an operator sees: the meter, and the health details while the contributor stays UP
		assertThat(context.getBean(MeterRegistry.class).get("withings.sync.missed").functionCounter().count())
			.isEqualTo(missedBefore + 1);
		Health health = context.getBean(WithingsHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("syncMissedNotifications", missedBefore + 1)
			.containsEntry("syncLastMissedAt", sync.getStatistics().getLastMissedAt().toString());
	}

	@Test
	void backstopWhenNothingChangedThenNothingPublishedAndNothingCountedMissed() {
		String userId = linkAndSync();
		long missedBefore = sync.getStatistics().getMissedNotifications();
		long backstopFetches = sync.getStatistics().getBackstopFetches();
		java.time.Instant syncedBefore = cursor(userId).lastSyncedAt();
		simulator.clock().advance(Duration.ofMinutes(20).plusSeconds(1));

		sync.runAllDue();

		assertThat(sync.getStatistics().getBackstopFetches()).isEqualTo(backstopFetches + 1);
		assertThat(recorder.measures).isEmpty();
		assertThat(sync.getStatistics().getMissedNotifications()).isEqualTo(missedBefore);
		assertThat(cursor(userId).lastSyncedAt()).isAfter(syncedBefore.plus(Duration.ofMinutes(20)));
	}

	@Test
	void fetchWhen601ThenCursorDeferredByTheWaitAndTheGroupDeliveredLaterNoneSkipped() {
		String userId = linkAndSync();
		WithingsSyncCursor before = cursor(userId);
		long weighed = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 70_100, -3));
		notify(userId, WithingsAppli.WEIGHT);
		// the call and the API client's one retry after the wait are both answered 601
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(1));
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(1));
		long deferred = sync.getStatistics().getDeferred();

		sync.runAllDue();

		assertThat(sync.getStatistics().getDeferred()).isEqualTo(deferred + 1);
		assertThat(recorder.measures).isEmpty();
		WithingsSyncCursor after = cursor(userId);
		assertThat(after.lastUpdate()).isEqualTo(before.lastUpdate());
		assertThat(after.dueAt()).isAfter(simulator.clock().instant());
		assertThat(sync.runDue()).as("deferred, not retried at once").isZero();

		simulator.clock().advance(Duration.ofSeconds(2));
		sync.runAllDue();

		assertThat(recorder.measures).singleElement().satisfies((event) -> {
			assertThat(event.announced()).as("the notification's request survived the deferral").isTrue();
			assertThat(event.records()).extracting(WithingsMeasureGroup::id).containsExactly(weighed);
		});
	}

	@Test
	void fetchWhenWithingsAnswers5xxThenRetriedAfterTheDelayAndNothingSkipped() {
		String userId = linkAndSync();
		WithingsSyncCursor before = cursor(userId);
		long weighed = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 70_700, -3));
		notify(userId, WithingsAppli.WEIGHT);
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.httpStatus(503));
		long failed = sync.getStatistics().getFailed();

		sync.runAllDue();

		assertThat(sync.getStatistics().getFailed()).isEqualTo(failed + 1);
		assertThat(recorder.measures).isEmpty();
		assertThat(cursor(userId).lastUpdate()).isEqualTo(before.lastUpdate());
		assertThat(sync.runDue()).as("retried after the retry delay, not at once").isZero();

		simulator.clock().advance(Duration.ofSeconds(31));
		sync.runAllDue();

		assertThat(recorder.measures).singleElement()
			.satisfies((event) -> assertThat(event.records()).extracting(WithingsMeasureGroup::id)
				.containsExactly(weighed));
	}

	@Test
	void fetchWhenTheLinkIsGoneWithoutAnEventThenNothingFetchedAndCursorsDeleted() {
		String userId = linkAndSync();
		simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 70_800, -3));
		// removed behind the starter's back (a DBA, another application): no link event
		context.getBean(JdbcTemplate.class)
			.update("DELETE FROM withings_authorized_client WHERE withings_user_id = ?", userId);
		notify(userId, WithingsAppli.WEIGHT);
		int requests = simulator.wireMock().getAllServeEvents().size();

		sync.runAllDue();

		assertThat(recorder.measures).isEmpty();
		assertThat(store.findByUser("withings", userId)).isEmpty();
		assertThat(simulator.wireMock().getAllServeEvents()).as("no call for a user without a link")
			.hasSize(requests);
	}

	@Test
	void fetchWhenUserUnlinksDuringItThenNothingPublishedAfterTheUnlinkAndCursorsDeleted() throws Exception {
		String userId = linkAndSync();
		simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 69_000, -3));
		notify(userId, WithingsAppli.WEIGHT);
		CountDownLatch fetching = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.hold(fetching, release));
		ExecutorService worker = Executors.newSingleThreadExecutor();
		try {
			Future<Integer> run = worker.submit(sync::runAllDue);
			assertThat(fetching.await(20, TimeUnit.SECONDS)).as("Withings answered the fetch").isTrue();

			assertThat(context.getBean(WithingsAuthorizedClients.class).disconnect(userId)).isTrue();
			release.countDown();
			run.get(30, TimeUnit.SECONDS);
		}
		finally {
			release.countDown();
			worker.shutdownNow();
		}

		assertThat(recorder.measures).as("published after the unlink").isEmpty();
		assertThat(store.findByUser("withings", userId)).isEmpty();
	}

	@Test
	void listenerWhenItThrowsThenCursorUnchangedAndTheSameGroupRetriedLater() {
		String userId = linkAndSync();
		WithingsSyncCursor before = cursor(userId);
		long weighed = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 68_000, -3));
		notify(userId, WithingsAppli.WEIGHT);
		recorder.failures.set(1);

		sync.runAllDue();

		assertThat(recorder.measures).as("the failed delivery").hasSize(1);
		WithingsSyncCursor failed = cursor(userId);
		assertThat(failed.lastUpdate()).isEqualTo(before.lastUpdate());
		assertThat(failed.attempts()).isOne();
		assertThat(sync.runDue()).as("retried after the retry delay").isZero();

		simulator.clock().advance(Duration.ofSeconds(31));
		sync.runAllDue();

		assertThat(recorder.measures).hasSize(2)
			.allSatisfy((event) -> assertThat(event.records()).extracting(WithingsMeasureGroup::id)
				.containsExactly(weighed));
		assertThat(cursor(userId).lastUpdate()).isAfter(before.lastUpdate());
		assertThat(cursor(userId).attempts()).isZero();
	}

	@Test
	void notificationsWhenAFetchRunsThenCoalescedIntoOneMoreFetch() throws Exception {
		String userId = linkAndSync();
		long first = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 67_000, -3));
		notify(userId, WithingsAppli.WEIGHT);
		long announced = sync.getStatistics().getAnnouncedFetches();
		CountDownLatch fetching = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.hold(fetching, release));
		ExecutorService worker = Executors.newSingleThreadExecutor();
		long second;
		try {
			Future<Integer> run = worker.submit(sync::runAllDue);
			assertThat(fetching.await(20, TimeUnit.SECONDS)).isTrue();
			simulator.clock().advance(Duration.ofSeconds(2));
			second = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 67_200, -3));
			for (int i = 0; i < 3; i++) {
				notify(userId, WithingsAppli.WEIGHT);
			}
			release.countDown();
			run.get(30, TimeUnit.SECONDS);
		}
		finally {
			release.countDown();
			worker.shutdownNow();
		}

		assertThat(sync.getStatistics().getAnnouncedFetches() - announced).as("fetches for four notifications")
			.isEqualTo(2);
		assertThat(recorder.measures).hasSize(2);
		assertThat(recorder.measures.get(0).records()).extracting(WithingsMeasureGroup::id).containsExactly(first);
		assertThat(recorder.measures.get(1).records()).extracting(WithingsMeasureGroup::id).contains(second);
	}

	@Test
	void twoWorkersWhenOnOneDatabaseThenEachCursorFetchedOnce() throws Exception {
		List<String> users = List.of(linkAndSync(), linkAndSync(), linkAndSync(), linkAndSync());
		for (String userId : users) {
			simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 66_000, -3));
			notify(userId, WithingsAppli.WEIGHT);
		}
		Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
		WithingsDataFetcher fetcher = context.getBean(WithingsDataFetcher.class);
		WithingsDataFetcher counting = (userId, kind, lastUpdate, now) -> {
			fetches.computeIfAbsent(userId, (key) -> new AtomicInteger()).incrementAndGet();
			return fetcher.fetch(userId, kind, lastUpdate, now);
		};
		List<WithingsDataSync> workers = List.of(worker(counting, "first"), worker(counting, "second"));
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<Integer>> runs = workers.stream().map((worker) -> threads.submit(() -> {
				go.await();
				return worker.runAllDue();
			})).toList();
			go.countDown();
			for (Future<Integer> run : runs) {
				run.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(fetches).containsOnlyKeys(users).allSatisfy((user, count) -> assertThat(count).hasValue(1));
		assertThat(recorder.measures).extracting(WithingsDataSyncedEvent::userId)
			.containsExactlyInAnyOrderElementsOf(users);
	}

	@Test
	void reactiveFetcherWhenNotifiedThenTheSameTypedEvent() {
		String userId = linkAndSync();
		WithingsDataSync reactive = worker(
				new WithingsReactiveApiDataFetcher(context.getBean(WithingsReactiveApi.class)), "reactive");
		long weighed = simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 65_500, -3));
		notify(userId, WithingsAppli.WEIGHT);

		reactive.runAllDue();

		assertThat(recorder.measures).singleElement()
			.satisfies((event) -> assertThat(event.records()).extracting(WithingsMeasureGroup::id)
				.containsExactly(weighed));
		assertThat(cursor(userId).lastUpdate()).isEqualTo(recorder.measures.get(0).lastUpdate());
	}

	@Test
	void eventWhenActivityThenOnlyListenersOfActivityReceiveIt() {
		String userId = link();
		WithingsDataSync activity = worker(
				new WithingsApiDataFetcher(context.getBean(io.github.springwithings.api.WithingsApi.class)), "activity");
		activity.setKinds(List.of(WithingsDataKind.ACTIVITY));
		activity.enroll(new WithingsLinkedUser("withings", userId, userId, java.util.Set.of("user.activity"), null));

		activity.runAllDue();

		assertThat(recorder.activities).isNotEmpty()
			.allSatisfy((event) -> assertThat(event.records()).isNotEmpty()
				.allSatisfy((day) -> assertThat(day.date()).isNotNull()));
		assertThat(recorder.measures).isEmpty();
	}

	/** A second worker on the same database and listeners, as another instance's. */
	private static WithingsDataSync worker(WithingsDataFetcher fetcher, String owner) {
		WithingsDataSync worker = new WithingsDataSync(store, fetcher, context.getBean(WithingsAuthorizedClientService.class),
				context);
		worker.setClock(simulator.clock());
		worker.setKinds(List.of(WithingsDataKind.MEASURES));
		worker.setBackstopPeriod(Duration.ofMinutes(20));
		worker.setOwner(owner);
		return worker;
	}

	/**
	 * A new user linked and synced once (the initial look-back), after a group recorded so that
	 * the cursor stands at the simulator's now; the clock then moves two seconds, so that what is
	 * recorded next is newer than the cursor.
	 */
	private static String linkAndSync() {
		String userId = link();
		simulator.recordMeasures(userId, new SimulatorMeasure(WithingsMeasure.WEIGHT, 73_000, -3));
		simulator.clock().advance(Duration.ofSeconds(2));
		sync.runAllDue();
		assertThat(cursor(userId).lastSyncedAt()).isNotNull();
		simulator.clock().advance(Duration.ofSeconds(2));
		recorder.clear();
		return userId;
	}

	/** A user links, as Spring's login filter would store them. */
	@SuppressWarnings("unchecked")
	private static String link() {
		String userId = String.valueOf(nextUser++);
		simulator.setConsentingUserId(userId);
		ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
			.findByRegistrationId("withings");
		String code = simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				"user.metrics,user.activity");
		OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient = (OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest>) context
			.getBeanProvider(ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
					OAuth2AuthorizationCodeGrantRequest.class))
			.getObject();
		OAuth2AccessTokenResponse response = codeClient
			.getTokenResponse(TestClientRegistrations.codeGrant(registration, code));
		context.getBean(WithingsAuthorizedClientService.class)
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, userId, response.getAccessToken(),
					response.getRefreshToken()), new TestingAuthenticationToken(userId, null));
		return userId;
	}

	/** The notification the callback (or the inbox) publishes once Withings called it. */
	private static void notify(String userId, WithingsAppli appli) {
		context.publishEvent(new WithingsNotificationEvent("withings", userId, userId, appli, appli.code(),
				simulator.clock().instant(), simulator.clock().instant(), null, null, null));
	}

	private static WithingsSyncCursor cursor(String userId) {
		return store.findByUser("withings", userId)
			.stream()
			.filter((cursor) -> cursor.kind() == WithingsDataKind.MEASURES)
			.findFirst()
			.orElseThrow();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SyncApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

	/** The application's listeners: one per record type, idempotent on Withings' ids. */
	static class Recorder {

		final List<WithingsDataSyncedEvent<WithingsMeasureGroup>> measures = new CopyOnWriteArrayList<>();

		final List<WithingsDataSyncedEvent<WithingsActivity>> activities = new CopyOnWriteArrayList<>();

		final AtomicInteger failures = new AtomicInteger();

		@EventListener
		void onMeasures(WithingsDataSyncedEvent<WithingsMeasureGroup> event) {
			this.measures.add(event);
			if (this.failures.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new IllegalStateException("the application's database is down");
			}
		}

		@EventListener
		void onActivity(WithingsDataSyncedEvent<WithingsActivity> event) {
			this.activities.add(event);
		}

		void clear() {
			this.measures.clear();
			this.activities.clear();
			this.failures.set(0);
		}

	}

}
