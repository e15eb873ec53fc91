package io.github.springwithings.autoconfigure;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsStoreSchemaException;
import io.github.springwithings.testsupport.TestDatabases;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The store's tables on the first try: created by default in the databases a new application
 * starts with (H2 in memory or in a file), applied by Flyway or Liquibase from the shipped script,
 * and, when they are missing, a failed start-up naming them and the fixes, never a failed sign-in.
 */
@ExtendWith(OutputCaptureExtension.class)
@Tag("database")
class WithingsStoreSchemaTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private static Server h2Server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret",
				"spring.flyway.enabled=false", "spring.liquibase.enabled=false")
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, FlywayAutoConfiguration.class,
				LiquibaseAutoConfiguration.class, WithingsAuthorizedClientServiceAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsKeepAliveAutoConfiguration.class));

	@BeforeAll
	static void startH2Server() throws SQLException {
		h2Server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
	}

	@AfterAll
	static void stopH2Server() {
		h2Server.stop();
	}

	/** H2 reached over TCP: a server database, like PostgreSQL, that the starter leaves alone by default. */
	private static String h2ServerUrl() {
		return "jdbc:h2:tcp://127.0.0.1:" + h2Server.getPort() + "/mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	@Test
	void startupWhenH2FileAndDefaultsThenTablesCreatedAndStoreWorks(@TempDir Path directory) {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("app"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertStoreWorks(context);
				assertThat(jdbc(context).queryForList(
						"SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'",
						String.class))
					.as("committed rotations written at once, not up to 500 ms later")
					.isNotEmpty()
					.containsOnly("0");
			});
	}

	@Test
	void startupWhenH2InMemoryAndDefaultsThenTablesCreated() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID())
			.run(WithingsStoreSchemaTests::assertStoreWorks);
	}

	@Test
	void startupWhenServerDatabaseWithoutTablesThenFailsNamingTheTablesAndTheFixes() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + h2ServerUrl()).run((context) -> {
			assertThat(context).hasFailed();
			WithingsStoreSchemaException failure = schemaFailure(context);
			assertThat(failure.getMissing()).containsExactly("table withings_authorized_client", "table withings_sweep",
						"table withings_rate_budget");
			assertThat(failure.getMessage()).contains("withings_authorized_client", "withings_sweep", "(H2, schema PUBLIC)",
					"withings.store.initialize-schema=always", "io/github/springwithings/db/h2/R__withings_schema.sql",
					"classpath:io/github/springwithings/db/{vendor}", "io/github/springwithings/db/withings-changelog.xml");
			FailureAnalysis analysis = new WithingsStoreSchemaFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("table withings_authorized_client");
			assertThat(analysis.getAction()).contains("withings.store.initialize-schema=always", "spring.flyway.locations",
					"withings-changelog.xml");
		});
	}

	/** What the developer sees: Boot's failure report with the description and the action. */
	@Test
	void startupWhenTablesMissingThenBootPrintsTheFailureAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(StoreOnly.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.datasource.url", h2ServerUrl(), REGISTRATION + "client-id", "id",
				REGISTRATION + "client-secret", "secret", "spring.flyway.enabled", "false", "spring.liquibase.enabled",
				"false"));
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(application::run)
			.havingRootCause()
			.isInstanceOf(WithingsStoreSchemaException.class);
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("The Withings store needs table withings_authorized_client and table withings_sweep")
			.contains("Either set withings.store.initialize-schema=always");
	}

	@Test
	void startupWhenServerDatabaseAndInitializeAlwaysThenTablesCreated() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + h2ServerUrl(), "withings.store.initialize-schema=always")
			.run(WithingsStoreSchemaTests::assertStoreWorks);
	}

	@Test
	void startupWhenInitializeNeverAndNoTablesThenFails() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID(),
					"withings.store.initialize-schema=never")
			.run((context) -> assertThat(schemaFailure(context).getMissing()).contains("table withings_authorized_client"));
	}

	@Test
	void startupWhenFlywayAppliesTheShippedScriptThenStoreWorks() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + h2ServerUrl(), "spring.flyway.enabled=true",
					"spring.flyway.locations=classpath:io/github/springwithings/db/{vendor}")
			.run((context) -> {
				assertStoreWorks(context);
				assertThat(jdbc(context).queryForObject(
						"SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"script\" = 'R__withings_schema.sql' AND \"success\"",
						Integer.class)).isOne();
			});
	}

	@Test
	void startupWhenLiquibaseIncludesTheShippedChangelogThenStoreWorks() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + h2ServerUrl(), "spring.liquibase.enabled=true",
					"spring.liquibase.change-log=classpath:io/github/springwithings/db/withings-changelog.xml")
			.run((context) -> {
				assertStoreWorks(context);
				assertThat(jdbc(context).queryForObject(
						"SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'withings-schema-h2'", Integer.class)).isOne();
			});
	}

	@Test
	void startupWhenTableOfAnEarlierVersionThenFailsNamingTheEpochMillisecondColumns() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		createEarlierTable(url);
		// the newest snapshots' table: every column, instants as timestamps
		new JdbcTemplate(new DriverManagerDataSource(url, "sa", ""))
			.execute("ALTER TABLE withings_authorized_client ADD COLUMN refresh_started_at timestamp with time zone");
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url).run((context) -> {
			assertThat(schemaFailure(context).getMissing()).anySatisfy(
					(missing) -> assertThat(missing).contains("access_token_issued_at", "epoch milliseconds", "upgrade"));
			assertThat(schemaFailure(context).getFixes())
				.contains("io/github/springwithings/db/h2/upgrade-timestamps-to-epoch-millis.sql");
		});
	}

	@Test
	void startupWhenTableOfAnEarlierVersionUpgradedWithTheShippedScriptThenTheLinkIsKept() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		createEarlierTable(url);
		DriverManagerDataSource earlier = new DriverManagerDataSource(url, "sa", "");
		new JdbcTemplate(earlier).update("INSERT INTO withings_authorized_client (client_registration_id, principal_name, "
				+ "withings_user_id, access_token_type, access_token_value, access_token_issued_at, access_token_expires_at, "
				+ "refresh_token_value, refresh_token_hash, refresh_token_issued_at, version) VALUES ('withings', 'bob', "
				+ "'42', 'Bearer', 'bob-access', TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:00.123+01', "
				+ "TIMESTAMP WITH TIME ZONE '2026-12-01 13:00:00.123+01', 'bob-refresh', 'hash', "
				+ "TIMESTAMP WITH TIME ZONE '2026-11-30 10:00:00Z', 3)");
		new ResourceDatabasePopulator(
				new ClassPathResource("io/github/springwithings/db/h2/upgrade-timestamps-to-epoch-millis.sql"))
			.execute(earlier);
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url).run((context) -> {
			assertStoreWorks(context);
			OAuth2AuthorizedClient bob = context.getBean(JdbcWithingsAuthorizedClientService.class)
				.loadAuthorizedClient("withings", "bob");
			assertThat(bob.getAccessToken().getIssuedAt()).isEqualTo(Instant.parse("2026-12-01T09:00:00.123Z"));
			assertThat(bob.getAccessToken().getExpiresAt()).isEqualTo(Instant.parse("2026-12-01T12:00:00.123Z"));
			assertThat(bob.getRefreshToken().getIssuedAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
		});
	}

	@Test
	void startupWhenTableOfAnEarlierVersionAndNoInitializationThenFailsNamingTheColumns() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		createEarlierTable(url);
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url, "withings.store.initialize-schema=never")
			.run((context) -> assertThat(schemaFailure(context).getMissing())
				.anySatisfy((missing) -> assertThat(missing).contains("refresh_started_at", "earlier version"))
				.contains("table withings_sweep"));
	}

	/** A database that is down proves nothing: the check is skipped (logged), the store fails later, clearly. */
	@Test
	void startupWhenDatabaseDownAndNoInitializationThenStartsAndTheCheckIsSkipped() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:h2:tcp://127.0.0.1:1/mem:down",
					"withings.store.initialize-schema=never", "withings.store.platform=h2",
					"spring.datasource.hikari.connection-timeout=250", "spring.datasource.hikari.initialization-fail-timeout=-1")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(JdbcWithingsAuthorizedClientService.class));
	}

	@Test
	@EnabledIfSystemProperty(named = "withings.test.postgres.url", matches = ".+")
	void startupWhenPostgresqlWithoutTablesThenFailsNamingTheTablesAndTheFixes() {
		withPostgresSchema((url) -> this.contextRunner.withPropertyValues(postgres(url)).run((context) -> {
			WithingsStoreSchemaException failure = schemaFailure(context);
			assertThat(failure.getMissing()).contains("table withings_authorized_client");
			assertThat(failure.getMessage()).contains("(PostgreSQL, schema withings_schema_", "io/github/springwithings/db/postgresql/R__withings_schema.sql",
					"withings.store.initialize-schema=always", "classpath:io/github/springwithings/db/{vendor}");
		}));
	}

	/** Tables that exist but that the application's database user may not read: say so, not "missing". */
	@Test
	@EnabledIfSystemProperty(named = "withings.test.postgres.url", matches = ".+")
	void startupWhenPostgresqlUserMayNotReadTheTablesThenFailsSayingSo() {
		String role = "withings_reader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String base = System.getProperty("withings.test.postgres.url");
		JdbcTemplate admin = new JdbcTemplate(
				new DriverManagerDataSource(base, TestDatabases.username(), TestDatabases.password()));
		withPostgresSchema((url) -> {
			String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
			new ResourceDatabasePopulator(new ClassPathResource("io/github/springwithings/db/postgresql/R__withings_schema.sql"))
				.execute(new DriverManagerDataSource(url, TestDatabases.username(), TestDatabases.password()));
			admin.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'reader'");
			try {
				admin.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
				this.contextRunner
					.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + role,
							"spring.datasource.password=reader", "withings.store.initialize-schema=never")
					.run((context) -> {
						WithingsStoreSchemaException failure = schemaFailure(context);
						assertThat(failure.getMissing()).first().asString().contains("may not read");
						assertThat(failure.getMessage()).contains("Grant the application's database user");
					});
			}
			finally {
				admin.execute("DROP OWNED BY " + role);
				admin.execute("DROP ROLE " + role);
			}
		});
	}

	@Test
	@EnabledIfSystemProperty(named = "withings.test.postgres.url", matches = ".+")
	void startupWhenPostgresqlWithFlywayAndTheShippedScriptThenStoreWorks() {
		withPostgresSchema((url) -> this.contextRunner
			.withPropertyValues(postgres(url))
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:io/github/springwithings/db/{vendor}")
			.run(WithingsStoreSchemaTests::assertStoreWorks));
	}

	@Test
	void startupWhenInitializationIsNeverThenNoScriptIsLookedFor() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		new ResourceDatabasePopulator(new ClassPathResource("io/github/springwithings/db/h2/R__withings_schema.sql"))
			.execute(new DriverManagerDataSource(url, "sa", ""));
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + url, "withings.store.initialize-schema=never",
					"withings.store.platform=no-such-platform")
			.run(WithingsStoreSchemaTests::assertStoreWorks);
	}

	@Test
	void startupWhenTheScriptToRunDoesNotExistThenBootReportsTheProductAndTheProperties() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"withings.store.initialize-schema=always", "withings.store.platform=no-such-platform")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new WithingsStoreScriptNotFoundFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("(H2)", "no-such-platform",
						"io/github/springwithings/db/no-such-platform/R__withings_schema.sql");
				assertThat(analysis.getAction()).contains("withings.store.platform", "withings.store.schema",
						"withings.store.initialize-schema=never", "mariadb", "sqlserver");
			});
	}

	/** MariaDB in CI, through MariaDB Connector/J or MySQL Connector/J (the URL's scheme). */
	@Test
	@EnabledIf("io.github.springwithings.testsupport.TestDatabases#mariadb")
	void startupWhenMariadbAndInitializationAlwaysThenItsScriptRunsTwiceAndTheStoreWorks() {
		withMariadbDatabase((url) -> {
			for (int run = 0; run < 2; run++) {
				this.contextRunner.withPropertyValues(server(url))
					.withPropertyValues("withings.store.initialize-schema=always")
					.run((context) -> {
						assertStoreWorks(context);
						jdbc(context).update("DELETE FROM withings_authorized_client");
					});
			}
		});
	}

	@Test
	@EnabledIf("io.github.springwithings.testsupport.TestDatabases#mariadb")
	void startupWhenMariadbWithoutTablesThenFailsNamingMariadbTheTablesAndTheFixes() {
		withMariadbDatabase((url) -> this.contextRunner.withPropertyValues(server(url)).run((context) -> {
			WithingsStoreSchemaException failure = schemaFailure(context);
			assertThat(failure.getMissing()).contains("table withings_authorized_client", "table withings_sweep");
			assertThat(failure.getMessage()).contains("(MariaDB", "io/github/springwithings/db/mariadb/R__withings_schema.sql");
		}));
	}

	@Test
	@EnabledIf("io.github.springwithings.testsupport.TestDatabases#mariadb")
	void startupWhenMariadbWithFlywayAndTheShippedScriptThenStoreWorks() {
		withMariadbDatabase((url) -> this.contextRunner
			.withPropertyValues(server(url))
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:io/github/springwithings/db/{vendor}")
			.run(WithingsStoreSchemaTests::assertStoreWorks));
	}

	@Test
	@EnabledIf("io.github.springwithings.testsupport.TestDatabases#mariadb")
	void startupWhenMariadbWithLiquibaseAndTheShippedChangelogThenStoreWorks() {
		withMariadbDatabase((url) -> this.contextRunner
			.withPropertyValues(server(url))
			.withPropertyValues("spring.liquibase.enabled=true",
					"spring.liquibase.change-log=classpath:io/github/springwithings/db/withings-changelog.xml")
			.run(WithingsStoreSchemaTests::assertStoreWorks));
	}

	/** Tables adapted by hand from another database's script, instants as DATETIME (issue 21's first try). */
	@Test
	@EnabledIf("io.github.springwithings.testsupport.TestDatabases#mariadb")
	void startupWhenMariadbTablesKeepInstantsAsDatetimeThenFailsNamingTheEpochMillisecondColumns() {
		withMariadbDatabase((url) -> {
			DriverManagerDataSource dataSource = new DriverManagerDataSource(url, TestDatabases.username(),
					TestDatabases.password());
			new ResourceDatabasePopulator(new ClassPathResource("io/github/springwithings/db/mariadb/R__withings_schema.sql"))
				.execute(dataSource);
			new JdbcTemplate(dataSource)
				.execute("ALTER TABLE withings_authorized_client MODIFY access_token_issued_at DATETIME(3) NOT NULL");
			this.contextRunner.withPropertyValues(server(url))
				.withPropertyValues("withings.store.initialize-schema=never")
				.run((context) -> assertThat(schemaFailure(context).getMissing()).anySatisfy(
						(missing) -> assertThat(missing).contains("access_token_issued_at", "epoch milliseconds")));
		});
	}

	@Test
	@EnabledIf("io.github.springwithings.testsupport.TestDatabases#mariadb")
	void startupWhenMariadbUserMayNotReadTheTablesThenFailsSayingSo() {
		String user = "withings_reader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		JdbcTemplate admin = new JdbcTemplate(
				new DriverManagerDataSource(TestDatabases.url(""), TestDatabases.username(), TestDatabases.password()));
		withMariadbDatabase((url) -> {
			String database = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
			new ResourceDatabasePopulator(new ClassPathResource("io/github/springwithings/db/mariadb/R__withings_schema.sql"))
				.execute(new DriverManagerDataSource(url, TestDatabases.username(), TestDatabases.password()));
			admin.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'reader'");
			try {
				// a table of its own: the user may open the database, not read the store's tables
				admin.execute("CREATE TABLE " + database + ".other (id int)");
				admin.execute("GRANT SELECT ON " + database + ".other TO '" + user + "'@'%'");
				this.contextRunner
					.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + user,
							"spring.datasource.password=reader", "withings.store.initialize-schema=never")
					.run((context) -> {
						WithingsStoreSchemaException failure = schemaFailure(context);
						assertThat(failure.getMissing()).first().asString().contains("may not read");
						assertThat(failure.getMessage()).contains("Grant the application's database user");
					});
			}
			finally {
				admin.execute("DROP USER '" + user + "'@'%'");
			}
		});
	}

	private static String[] server(String url) {
		return new String[] { "spring.datasource.url=" + url, "spring.datasource.username=" + TestDatabases.username(),
				"spring.datasource.password=" + TestDatabases.password() };
	}

	/** A database of its own on the configured MariaDB, dropped afterwards. */
	private static void withMariadbDatabase(java.util.function.Consumer<String> test) {
		String name = "withings_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String base = TestDatabases.url("");
		JdbcTemplate admin = new JdbcTemplate(
				new DriverManagerDataSource(base, TestDatabases.username(), TestDatabases.password()));
		admin.execute("CREATE DATABASE " + name);
		try {
			int slash = base.indexOf('/', base.indexOf("//") + 2);
			int query = base.indexOf('?');
			test.accept(base.substring(0, slash + 1) + name + ((query >= 0) ? base.substring(query) : ""));
		}
		finally {
			admin.execute("DROP DATABASE " + name);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			WithingsAuthorizedClientServiceAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
			WithingsOAuth2ClientAutoConfiguration.class, WithingsRateLimitAutoConfiguration.class,
				WithingsAuthorizedClientsAutoConfiguration.class, WithingsKeepAliveAutoConfiguration.class })
	static class StoreOnly {

	}

	private static void assertStoreWorks(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		JdbcWithingsAuthorizedClientService store = context.getBean(JdbcWithingsAuthorizedClientService.class);
		Instant now = Instant.now();
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(
				context.getBean(ClientRegistrationRepository.class).findByRegistrationId("withings"), "alice",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access", now, now.plusSeconds(10_800),
						Set.of("user.metrics")),
				new OAuth2RefreshToken("refresh", now));
		store.saveAuthorizedClient(client, new TestingAuthenticationToken("alice", null));
		OAuth2AuthorizedClient loaded = store.loadAuthorizedClient("withings", "alice");
		assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo("refresh");
		assertThat(jdbc(context).queryForObject("SELECT COUNT(*) FROM withings_sweep", Integer.class)).isZero();
	}

	static WithingsStoreSchemaException schemaFailure(
			org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider<?> context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !(failure instanceof WithingsStoreSchemaException)) {
			failure = failure.getCause();
		}
		assertThat(failure).as("start-up failure caused by a missing table").isNotNull();
		return (WithingsStoreSchemaException) failure;
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
	}

	/** The table as 0.1.0 snapshots before the refresh mark created it, and no sweep table. */
	private static void createEarlierTable(String url) {
		new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")).execute("""
				CREATE TABLE withings_authorized_client (
					client_registration_id varchar(100) NOT NULL, principal_name varchar(200) NOT NULL,
					withings_user_id varchar(100) DEFAULT NULL, access_token_type varchar(100) NOT NULL,
					access_token_value varchar(4000) NOT NULL, access_token_issued_at timestamp with time zone NOT NULL,
					access_token_expires_at timestamp with time zone NOT NULL, access_token_scopes varchar(1000) DEFAULT NULL,
					refresh_token_value varchar(4000) DEFAULT NULL, refresh_token_hash varchar(64) DEFAULT NULL,
					previous_refresh_token_hash varchar(64) DEFAULT NULL,
					refresh_token_issued_at timestamp with time zone DEFAULT NULL, version bigint NOT NULL,
					created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
					updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
					PRIMARY KEY (client_registration_id, principal_name))""");
	}

	private static String[] postgres(String url) {
		return new String[] { "spring.datasource.url=" + url,
				"spring.datasource.username=" + TestDatabases.username(),
				"spring.datasource.password=" + TestDatabases.password() };
	}

	/** A PostgreSQL schema of its own, dropped afterwards: the shared test database keeps its table. */
	private static void withPostgresSchema(java.util.function.Consumer<String> test) {
		String schema = "withings_schema_" + UUID.randomUUID().toString().replace("-", "");
		String base = System.getProperty("withings.test.postgres.url");
		JdbcTemplate admin = new JdbcTemplate(
				new DriverManagerDataSource(base, TestDatabases.username(), TestDatabases.password()));
		admin.execute("CREATE SCHEMA " + schema);
		try {
			test.accept(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
		}
		finally {
			admin.execute("DROP SCHEMA " + schema + " CASCADE");
		}
	}

}
