package io.github.springwithings.oauth2.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.SharedDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application dies ({@code kill -9}) after Withings rotated the tokens and before it stored
 * them: the restarted application follows the chain with the same refresh token, well inside
 * Withings' 8-hour grace, and the user is not lost. The application runs in a second JVM that
 * shares the database (H2 over TCP, or PostgreSQL in CI) with this one.
 */
@Tag("database")
class WithingsCrashTests {

	private WithingsSimulator simulator;

	private SharedDatabase database;

	private HikariDataSource dataSource;

	private Process child;

	@BeforeEach
	void start() throws Exception {
		this.simulator = WithingsSimulator.start();
		this.database = SharedDatabase.start("crash");
		this.dataSource = this.database.dataSource();
		new JdbcTemplate(this.dataSource).update("DELETE FROM withings_authorized_client");
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
	void authorizeWhenTheApplicationIsKilledAfterWithingsRotatedThenTheRestartedApplicationFollowsTheChain()
			throws Exception {
		WithingsTestFixture beforeCrash = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		OAuth2AuthorizedClient linked = beforeCrash.linkExpired("alice", "36000042");
		String refreshToken = linked.getRefreshToken().getTokenValue();
		CountDownLatch rotated = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(rotated, release));

		List<String> command = this.database.command(RefreshInAnotherJvm.class, List.of(), this.simulator.baseUrl());
		command.add("alice");
		this.child = new ProcessBuilder(command)
			.redirectErrorStream(true)
			.redirectOutput(Path.of("target", "crash-test-child.log").toFile())
			.start();
		assertThat(rotated.await(60, TimeUnit.SECONDS)).as("the other JVM asked Withings to refresh").isTrue();
		this.child.destroyForcibly();
		assertThat(this.child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
		release.countDown();

		assertThat(this.simulator.refreshTokenState(refreshToken)).as("Withings rotated").isEqualTo(RefreshTokenState.GRACE);
		WithingsAuthorizedClient inDoubt = beforeCrash.service.loadWithingsAuthorizedClient("withings", "alice");
		assertThat(inDoubt.getRefreshTokenValue()).isEqualTo(refreshToken);
		assertThat(inDoubt.getRefreshStartedAt()).as("the attempt was recorded before Withings was called").isNotNull();

		WithingsTestFixture restarted = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				this.dataSource);
		restarted.clock.advance(Duration.ofSeconds(61));
		assertThat(restarted.inDoubt.retry().refreshed()).isEqualTo(1);

		WithingsAuthorizedClient followed = restarted.service.loadWithingsAuthorizedClient("withings", "alice");
		assertThat(followed.getRefreshTokenValue()).isNotEqualTo(refreshToken);
		assertThat(followed.getRefreshStartedAt()).isNull();
		assertThat(followed.getUserId()).isEqualTo("36000042");
		assertThat(this.simulator.refreshTokenState(followed.getRefreshTokenValue())).isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(restarted.getmeas(restarted.clients.authorize("alice").getAccessToken().getTokenValue()))
			.containsEntry("status", 0);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

}
