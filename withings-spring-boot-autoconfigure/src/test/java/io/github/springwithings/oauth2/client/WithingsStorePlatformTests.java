package io.github.springwithings.oauth2.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.internal.sql.JdbcStoreDatabase;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What differs between databases, on the tests' database ({@link TestDatabases}: H2 by default,
 * HSQLDB and Derby in the build's own executions, PostgreSQL and MariaDB in CI): the platform and
 * its script, instants, key comparison, token sizes, first-rows paging and the schema check.
 */
@Tag("database")
class WithingsStorePlatformTests {

	private final ClientRegistration registration = TestClientRegistrations.withings("https://wbsapi.example.org")
		.build();

	private HikariDataSource dataSource;

	private JdbcWithingsAuthorizedClientService store;

	@BeforeEach
	void start() {
		this.dataSource = TestDatabases.dataSource("platform-" + UUID.randomUUID(), 4);
		this.store = new JdbcWithingsAuthorizedClientService(this.dataSource,
				new InMemoryClientRegistrationRepository(this.registration));
	}

	@AfterEach
	void stop() {
		this.dataSource.close();
	}

	@Test
	void platformWhenProductNamesOfEveryDriverThenTheirScripts() {
		assertThat(WithingsStoreScripts.platform("H2")).isEqualTo("h2");
		assertThat(WithingsStoreScripts.platform("HSQL Database Engine")).isEqualTo("hsqldb");
		assertThat(WithingsStoreScripts.platform("Apache Derby")).isEqualTo("derby");
		assertThat(WithingsStoreScripts.platform("PostgreSQL")).isEqualTo("postgresql");
		assertThat(WithingsStoreScripts.platform("MySQL")).isEqualTo("mysql");
		assertThat(WithingsStoreScripts.platform("MariaDB")).isEqualTo("mariadb");
		assertThat(WithingsStoreScripts.platform("MySQL", "5.5.5-10.11.19-MariaDB-0+deb12u1"))
			.as("MariaDB through MySQL Connector/J").isEqualTo("mariadb");
		assertThat(WithingsStoreScripts.platform("MySQL", "8.4.3")).isEqualTo("mysql");
		assertThat(WithingsStoreScripts.platform("Microsoft SQL Server")).isEqualTo("sqlserver");
		assertThat(WithingsStoreScripts.platform("Oracle")).isEqualTo("oracle");
		assertThat(WithingsStoreScripts.platform("Oracle Database")).isEqualTo("oracle");
		assertThat(WithingsStoreScripts.platform("DB2/LINUXX8664")).isEqualTo("db2");
		assertThat(WithingsStoreScripts.platform("SQLite")).as("no script: not supported").isNull();
		assertThat(WithingsStoreScripts.platform(null)).isNull();
	}

	@Test
	void scriptWhenEveryPlatformThenShippedAndMysqlAndMariadbTheSame() throws Exception {
		for (String platform : WithingsStoreScripts.PLATFORMS) {
			assertThat(new ClassPathResource(WithingsStoreScripts.script(platform)).exists()).as(platform).isTrue();
		}
		assertThat(new ClassPathResource(WithingsStoreScripts.script("mariadb")).getContentAsString(StandardCharsets.UTF_8))
			.isEqualTo(new ClassPathResource(WithingsStoreScripts.script("mysql")).getContentAsString(StandardCharsets.UTF_8));
	}

	@Test
	void productNameWhenTheTestsDatabaseThenItsPlatform() {
		String product = new JdbcStoreDatabase(this.dataSource).productName();
		assertThat(WithingsStoreScripts.platform(product)).isEqualTo(TestDatabases.platform());
	}

	@Test
	void verifyWhenTheShippedScriptWasAppliedThenNothingIsMissing() {
		new JdbcWithingsStoreSchema(this.dataSource).verify();
	}

	@Test
	void verifyWhenTheTablesAreMissingThenNamesTheProductTheTablesAndItsScript() {
		assumeFalse(TestDatabases.server(), "a fresh embedded database; server databases: WithingsStoreSchemaTests");
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(TestDatabases.url("empty-" + UUID.randomUUID()));
		config.setUsername(TestDatabases.username());
		config.setPassword(TestDatabases.password());
		try (HikariDataSource empty = new HikariDataSource(config)) {
			WithingsStoreSchemaException failure = catchThrowableOfType(WithingsStoreSchemaException.class,
					() -> new JdbcWithingsStoreSchema(empty).verify());
			assertThat(failure).isNotNull();
			assertThat(failure.getMissing()).contains("table withings_authorized_client", "table withings_sweep",
					"table withings_rate_budget");
			assertThat(failure.getMessage()).contains(WithingsStoreScripts.script(TestDatabases.platform()));
		}
	}

	/** Instants are epoch milliseconds: nothing shifts with a time zone, nothing is rounded up. */
	@Test
	void loadWhenSavedThenTheSameInstantsToTheMillisecond() {
		Instant issued = Instant.parse("2026-12-07T10:15:30.123456789Z");
		this.store.saveAuthorizedClient(client("alice", "access", "refresh", issued), principal("alice"));

		OAuth2AuthorizedClient loaded = this.store.loadAuthorizedClient("withings", "alice");
		assertThat(loaded.getAccessToken().getIssuedAt()).isEqualTo(issued.truncatedTo(ChronoUnit.MILLIS));
		assertThat(loaded.getAccessToken().getExpiresAt())
			.isEqualTo(issued.plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MILLIS));
		assertThat(loaded.getRefreshToken().getIssuedAt()).isEqualTo(issued.truncatedTo(ChronoUnit.MILLIS));
	}

	/** Spring compares principal names exactly: so does every database (MariaDB's default collation would not). */
	@Test
	void saveWhenPrincipalNamesDifferOnlyInCaseThenTwoLinks() {
		Instant now = Instant.now();
		this.store.saveAuthorizedClient(client("alice", "a1", "r1", now), principal("alice"));
		this.store.saveAuthorizedClient(client("Alice", "a2", "r2", now), principal("Alice"));

		assertThat(this.store.loadAuthorizedClient("withings", "alice").getAccessToken().getTokenValue())
			.isEqualTo("a1");
		assertThat(this.store.loadAuthorizedClient("withings", "Alice").getAccessToken().getTokenValue())
			.isEqualTo("a2");
	}

	/** Encrypted at rest, a token is several times its length: far longer ones still fit. */
	@Test
	void saveWhenTokensAreLongAndEncryptedThenTheyFit() {
		this.store.setEncryptor(Encryptors.delux("password", "5c0744940b5c369b"));
		String longToken = "t".repeat(1500);
		this.store.saveAuthorizedClient(client("bob", longToken, longToken + "r", Instant.now()), principal("bob"));

		OAuth2AuthorizedClient loaded = this.store.loadAuthorizedClient("withings", "bob");
		assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo(longToken);
		assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo(longToken + "r");
	}

	/** {@code LIMIT} or {@code FETCH NEXT}, whichever the database speaks, in key order. */
	@Test
	void findPageWhenMoreRowsThanThePageThenTheFirstOnesInOrder() {
		for (int i = 9; i >= 0; i--) {
			this.store.saveAuthorizedClient(client("user-" + i, "a" + i, "r" + i, Instant.now()), principal("user-" + i));
		}
		assertThat(this.store.findPage("withings", null, 3)).extracting(WithingsAuthorizedClient::getPrincipalName)
			.containsExactly("user-0", "user-1", "user-2");
		assertThat(this.store.findPage("withings", "user-7", 3)).extracting(WithingsAuthorizedClient::getPrincipalName)
			.containsExactly("user-8", "user-9");
	}

	private OAuth2AuthorizedClient client(String principal, String access, String refresh, Instant issued) {
		return new OAuth2AuthorizedClient(this.registration, principal,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, issued, issued.plus(Duration.ofHours(3)),
						Set.of("user.metrics")),
				new OAuth2RefreshToken(refresh, issued));
	}

	private static TestingAuthenticationToken principal(String name) {
		return new TestingAuthenticationToken(name, null);
	}

}
