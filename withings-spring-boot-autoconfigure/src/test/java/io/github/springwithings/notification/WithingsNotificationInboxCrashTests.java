package io.github.springwithings.notification;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.SharedDatabase;
import io.github.springwithings.web.client.WithingsRestClientConfigurer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application dies ({@code kill -9}) after it acknowledged a notification and before its
 * listener returned: the notification is in the inbox, and an application started on the same
 * database handles it once its claim ran out, exactly once. The killed application, a Spring Boot
 * application with the starter's JDBC store (so the inbox is on), runs in a second JVM
 * ({@link InboxCrashChild}) sharing the database (H2 over TCP, or PostgreSQL and MariaDB in CI)
 * with this one; the simulator delivers the notification over HTTP.
 */
@Tag("database")
class WithingsNotificationInboxCrashTests {

	private static final String ALICE = "36000401";

	private static final Duration LEASE = Duration.ofMinutes(1);

	private WithingsSimulator simulator;

	private SharedDatabase database;

	private HikariDataSource dataSource;

	private Process child;

	@BeforeEach
	void start() throws Exception {
		this.simulator = WithingsSimulator.start();
		this.database = SharedDatabase.start("inboxcrash");
		this.dataSource = this.database.dataSource();
		new JdbcTemplate(this.dataSource).update("DELETE FROM withings_authorized_client");
		new JdbcTemplate(this.dataSource).update("DELETE FROM withings_notification_inbox");
	}

	@AfterEach
	void stop() {
		if (this.child != null) {
			this.child.destroyForcibly();
		}
		this.database.close();
		this.simulator.stop();
	}

	@Test
	void notifyWhenTheApplicationIsKilledAfterTheAcknowledgementThenTheNextApplicationHandlesItOnce() throws Exception {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.CLIENT_SECRET,
				this.dataSource);
		fixture.link(ALICE, ALICE);
		// C1 only and the serial collector: the child starts in half the time
		this.child = new ProcessBuilder(this.database.command(InboxCrashChild.class,
				List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), this.simulator.baseUrl()))
			.redirectError(Path.of("target", "inbox-crash-test-child.log").toFile())
			.start();
		BufferedReader out = new BufferedReader(new InputStreamReader(this.child.getInputStream(), StandardCharsets.UTF_8));
		String url = line(out, "URL ").substring("URL ".length());
		WithingsApi api = new WithingsApi(RestClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.apply(new WithingsRestClientConfigurer(fixture.clients, fixture.service))
			.build());
		new WithingsNotifications(api, new WithingsLinkedUsers(fixture.service, "withings"), url).subscribe(ALICE,
				WithingsAppli.WEIGHT);

		this.simulator.notifyUser(ALICE, 1, Instant.ofEpochSecond(1735689600), Instant.ofEpochSecond(1735693200));
		assertThat(this.simulator.awaitAcknowledgedNotifications(1, Duration.ofSeconds(30))).as("answered 200").isTrue();
		line(out, "ENTERED");
		this.child.destroyForcibly();
		assertThat(this.child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		assertThat(jdbc.queryForObject("SELECT status FROM withings_notification_inbox", String.class)).isEqualTo("PENDING");
		assertThat(jdbc.queryForObject("SELECT claimed_by FROM withings_notification_inbox", String.class))
			.isEqualTo("crashing-instance");

		List<Object> events = new CopyOnWriteArrayList<>();
		WithingsNotificationReceiver restarted = new WithingsNotificationReceiver(InboxCrashChild.PATH, fixture.service,
				List.of("withings"), events::add, Runnable::run);
		WithingsNotificationInbox inbox = new JdbcWithingsNotificationInbox(this.dataSource);
		SimulatorClock clock = new SimulatorClock();
		inbox.setClock(clock);
		restarted.setInbox(inbox, Runnable::run);
		assertThat(restarted.pollInbox()).as("the dead instance's claim still runs").isZero();
		clock.advance(LEASE);
		assertThat(restarted.pollInbox()).isOne();
		assertThat(restarted.pollInbox()).isZero();

		assertThat(events).singleElement().isInstanceOfSatisfying(WithingsNotificationEvent.class, (event) -> {
			assertThat(event.principalName()).isEqualTo(ALICE);
			assertThat(event.startDate()).isEqualTo(Instant.ofEpochSecond(1735689600));
		});
		assertThat(jdbc.queryForObject("SELECT status FROM withings_notification_inbox", String.class)).isEqualTo("DONE");
		assertThat(this.simulator.deliveries()).as("Withings was not asked to send it again").hasSize(1);
	}

	/** The first line of the child's output starting with {@code prefix} (its logs come between). */
	private static String line(BufferedReader out, String prefix) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			try {
				for (String line = out.readLine(); line != null; line = out.readLine()) {
					if (line.startsWith(prefix)) {
						return line;
					}
				}
				throw new IllegalStateException("the child ended without printing " + prefix);
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(60, TimeUnit.SECONDS);
	}

}
