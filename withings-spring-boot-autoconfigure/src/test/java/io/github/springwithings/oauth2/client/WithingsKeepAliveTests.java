package io.github.springwithings.oauth2.client;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive sweep over 1,000 stored clients in the JDBC store.
 */
class WithingsKeepAliveTests {

	private static final int CLIENTS = 1_000;

	private static final int PAGE_SIZE = 100;

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.dataSource = TestDatabases.dataSource("keep-alive", 4);
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
				"UPDATE withings_authorized_client SET refresh_token_issued_at = ? WHERE MOD(CAST(principal_name AS BIGINT), 2) = 0",
				Timestamp.from(Instant.now().minus(Duration.ofDays(200))));
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
				Timestamp.from(Instant.now().minus(Duration.ofDays(180))));
		assertThat(stillOld).isZero();
		assertThat(keepAlive.sweep().refreshed()).isZero();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

}
