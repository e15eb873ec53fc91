package io.github.springwithings.oauth2.client;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.StatementRecordingDataSource.Executed;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hot path of the JDBC store, statement by statement (H2, and PostgreSQL in CI): a valid
 * token's {@code authorize()} is one read, no write, no lock, no transaction, within the query
 * timeout, and calls nobody; an expired one is seen writing (so that the recording would see a
 * write on the hot path).
 */
@Tag("database")
class JdbcWithingsHotPathTests {

	private WithingsSimulator simulator;

	private HikariDataSource pool;

	private StatementRecordingDataSource dataSource;

	private WithingsTestFixture fixture;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.pool = TestDatabases.dataSource("hot-path", 1);
		this.dataSource = new StatementRecordingDataSource(this.pool);
		this.fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, this.dataSource);
	}

	@AfterEach
	void stop() {
		this.pool.close();
		this.simulator.stop();
	}

	@Test
	void authorizeWhenTheAccessTokenIsValidThenOneReadNoWriteNoLockNoTransaction() {
		OAuth2AuthorizedClient linked = this.fixture.link("363", "363");
		int withingsCalls = withingsCalls();
		this.dataSource.clear();

		OAuth2AuthorizedClient authorized = this.fixture.clients.authorize("363");

		assertThat(authorized.getAccessToken().getTokenValue()).isEqualTo(linked.getAccessToken().getTokenValue());
		assertThat(this.dataSource.executed).singleElement().satisfies((statement) -> {
			assertThat(statement.sql()).startsWithIgnoringCase("SELECT");
			assertThat(statement.isLockingRead()).as("FOR UPDATE / FOR SHARE").isFalse();
			assertThat(statement.queryTimeout()).as("the store's bound").isEqualTo(5);
		});
		assertThat(this.dataSource.transactionCalls).isEmpty();
		assertThat(withingsCalls()).isEqualTo(withingsCalls);
	}

	@Test
	void authorizeWhenCalledAgainOnTheSameConnectionThenEachReadRunsWithTheTimeoutSet() {
		this.fixture.link("363", "363");
		((JdbcWithingsAuthorizedClientService) this.fixture.service).setQueryTimeout(Duration.ofSeconds(3));
		this.dataSource.clear();

		for (int i = 0; i < 3; i++) {
			this.fixture.clients.authorize("363");
		}

		assertThat(this.dataSource.executed).hasSize(3).allSatisfy((statement) -> {
			assertThat(statement.queryTimeout()).isEqualTo(3);
			assertThat(statement.isWrite()).isFalse();
		});
	}

	@Test
	void authorizeWhenH2HasTheTimeoutOnTheConnectionAlreadyThenItIsNotSetAgain() {
		// H2 keeps it per session and runs a command of its own at each setQueryTimeout
		assumeTrue("h2".equals(TestDatabases.platform()), "only H2 keeps the timeout per session");
		this.fixture.link("363", "363");
		this.fixture.clients.authorize("363");
		this.dataSource.clear();

		for (int i = 0; i < 3; i++) {
			this.fixture.clients.authorize("363");
		}

		assertThat(this.dataSource.executed).hasSize(3);
		assertThat(this.dataSource.queryTimeoutsSet).isEmpty();
	}

	@Test
	void authorizeWhenTheAccessTokenHasExpiredThenTheRefreshIsSeenWritingInTransactionsOfItsOwn() {
		this.fixture.linkExpired("363", "363");
		this.dataSource.clear();

		OAuth2AuthorizedClient refreshed = this.fixture.clients.authorize("363");

		assertThat(refreshed).isNotNull();
		assertThat(this.dataSource.executed).filteredOn(Executed::isWrite)
			.extracting(Executed::sql)
			.as("the claim, then the rotation")
			.hasSizeGreaterThanOrEqualTo(2)
			.allSatisfy((sql) -> assertThat(sql).startsWithIgnoringCase("UPDATE"));
		assertThat(this.dataSource.executed).noneMatch(Executed::isLockingRead);
		assertThat(this.dataSource.transactionCalls).contains("setAutoCommit(false)", "commit");
	}

	private int withingsCalls() {
		return this.simulator.counters().nonceRequests() + this.simulator.counters().refreshTokenGrants()
				+ this.simulator.counters().authorizationCodeGrants();
	}

}
