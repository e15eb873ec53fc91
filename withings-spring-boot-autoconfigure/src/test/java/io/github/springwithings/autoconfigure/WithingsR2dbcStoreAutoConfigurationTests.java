package io.github.springwithings.autoconfigure;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.R2dbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.R2dbcWithingsStoreSchema;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsStoreSchemaException;
import io.github.springwithings.oauth2.client.keepalive.R2dbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.keepalive.WithingsSweepLog;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The R2DBC store in WebFlux applications: chosen with a {@link ConnectionFactory} and no
 * {@code DataSource}, its schema applied (H2 in memory and in a file) or checked (server
 * databases), behind Spring's reactive service, without Spring JDBC on the class path.
 */
@Tag("database")
class WithingsR2dbcStoreAutoConfigurationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.withings.";

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withInitializer((context) -> new WithingsOAuth2ClientEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), null))
		.withPropertyValues(REGISTRATION + "client-id=id", REGISTRATION + "client-secret=secret")
		.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class,
				WithingsAuthorizedClientServiceAutoConfiguration.class,
				WithingsReactiveAuthorizedClientServiceAutoConfiguration.class,
				ReactiveOAuth2ClientAutoConfiguration.class, WithingsOAuth2ClientAutoConfiguration.class,
				WithingsRateLimitAutoConfiguration.class, WithingsAuthorizedClientsAutoConfiguration.class,
				WithingsKeepAliveAutoConfiguration.class));

	private static String inMemory() {
		return "spring.r2dbc.url=r2dbc:h2:mem:///" + UUID.randomUUID() + "?options=DB_CLOSE_DELAY=-1";
	}

	@Test
	void storeWhenConnectionFactoryAndNoDataSourceThenR2dbcWithSchemaCreatedBehindSpringsReactiveService() {
		this.contextRunner.withPropertyValues(inMemory()).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(R2dbcWithingsAuthorizedClientService.class)
				.hasSingleBean(R2dbcWithingsStoreSchema.class)
				.doesNotHaveBean(JdbcWithingsAuthorizedClientService.class);
			assertThat(context.getBean(WithingsSweepLog.class)).isInstanceOf(R2dbcWithingsSweepLog.class);
			assertThat(context.getBean(ReactiveOAuth2AuthorizedClientService.class))
				.isInstanceOfSatisfying(WithingsReactiveAuthorizedClientService.class,
						(service) -> assertThat(service.getAuthorizedClientService())
							.isSameAs(context.getBean(R2dbcWithingsAuthorizedClientService.class)));
			assertStoreWorks(context);
		});
	}

	/** The sample's database: H2 in a file, created on the first start, the link kept across restarts. */
	@Test
	void storeWhenH2FileThenTablesCreatedAndALinkSurvivesARestart(@TempDir Path directory) {
		String url = "spring.r2dbc.url=r2dbc:h2:file:///" + directory.resolve("app").toAbsolutePath();
		this.contextRunner.withPropertyValues(url).run(WithingsR2dbcStoreAutoConfigurationTests::assertStoreWorks);
		this.contextRunner.withPropertyValues(url).run((context) -> {
			assertThat(context).hasNotFailed();
			OAuth2AuthorizedClient loaded = context.getBean(R2dbcWithingsAuthorizedClientService.class)
				.loadAuthorizedClient("withings", "alice");
			assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo("refresh");
		});
	}

	@Test
	void storeWhenDataSourceAndConnectionFactoryThenJdbcUnlessR2dbcIsAskedFor() {
		// Boot's own DataSource backs off when there is a ConnectionFactory: the application's own
		ReactiveWebApplicationContextRunner both = this.contextRunner.withPropertyValues(inMemory())
			.withUserConfiguration(ApplicationDataSource.class)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class));
		both.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(JdbcWithingsAuthorizedClientService.class)
			.doesNotHaveBean(R2dbcWithingsAuthorizedClientService.class));
		both.withPropertyValues("withings.store.type=r2dbc")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(R2dbcWithingsAuthorizedClientService.class)
				.doesNotHaveBean(JdbcWithingsAuthorizedClientService.class));
		both.withPropertyValues("withings.store.type=memory")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(R2dbcWithingsAuthorizedClientService.class)
				.doesNotHaveBean(JdbcWithingsAuthorizedClientService.class)
				.hasSingleBean(io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService.class));
	}

	@Test
	void storeWhenTypeR2dbcWithoutConnectionFactoryThenStartUpFailsClearly() {
		this.contextRunner.withPropertyValues("withings.store.type=r2dbc")
			.withClassLoader(new FilteredClassLoader("io.r2dbc."))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("withings.store.type=r2dbc, but the application has no R2DBC ConnectionFactory"));
	}

	/** A WebFlux application with R2DBC and without Spring JDBC (no spring-boot-starter-jdbc). */
	@Test
	void storeWhenNoJdbcOnTheClassPathThenR2dbcStoreWorks() {
		this.contextRunner.withPropertyValues(inMemory())
			.withClassLoader(new FilteredClassLoader("org.springframework.jdbc.", "org.springframework.boot.jdbc.",
					"com.zaxxer."))
			.run(WithingsR2dbcStoreAutoConfigurationTests::assertStoreWorks);
	}

	@Test
	void rateBudgetWhenR2dbcStoreThenSharedThroughItsTable() {
		this.contextRunner.withPropertyValues(inMemory()).run((context) -> {
			io.github.springwithings.ratelimit.WithingsRateBudget budget = context
				.getBean(io.github.springwithings.ratelimit.WithingsRateBudget.class);
			assertThat(budget.isShared()).isTrue();
			assertThat(context).getBean(WithingsRateLimitAutoConfiguration.WITHINGS_RATE_BUDGET_STORE)
				.isInstanceOf(io.github.springwithings.ratelimit.R2dbcWithingsRateBudgetStore.class);
			assertThat(budget.tryTake()).isZero();
		});
	}

	@Test
	void storeWhenInitializeSchemaNeverAndNoTablesThenStartUpFailsNamingTheTables() {
		this.contextRunner.withPropertyValues(inMemory(), "withings.store.initialize-schema=never")
			.run((context) -> assertThat(WithingsStoreSchemaTests.schemaFailure(context)).satisfies((schema) -> {
				assertThat(schema.getMissing()).containsExactly("table withings_authorized_client", "table withings_sweep",
						"table withings_rate_budget");
				assertThat(schema.getMessage()).contains("(H2, schema PUBLIC)",
						"io/github/springwithings/db/h2/R__withings_schema.sql");
			}));
	}

	/** PostgreSQL is a server database: its schema is the application's, unless it asks for it. */
	@Test
	@EnabledIfSystemProperty(named = "withings.test.postgres.url", matches = ".+")
	void storeWhenPostgresqlWithoutTablesThenFailsNamingTheTablesUnlessInitializeAlways() {
		String schemaName = "withings_r2dbc_" + UUID.randomUUID().toString().replace("-", "");
		JdbcTemplate admin = new JdbcTemplate(new DriverManagerDataSource(System.getProperty("withings.test.postgres.url"),
				TestDatabases.username(), TestDatabases.password()));
		admin.execute("CREATE SCHEMA " + schemaName);
		try {
			String[] postgres = { "spring.r2dbc.url=" + TestDatabases.r2dbcUrl("unused") + "?schema=" + schemaName,
					"spring.r2dbc.username=" + TestDatabases.username(),
					"spring.r2dbc.password=" + TestDatabases.password() };
			this.contextRunner.withPropertyValues(postgres)
				.run((context) -> assertThat(WithingsStoreSchemaTests.schemaFailure(context).getMessage()).contains("PostgreSQL",
						"schema " + schemaName, "io/github/springwithings/db/postgresql/R__withings_schema.sql"));
			this.contextRunner.withPropertyValues(postgres)
				.withPropertyValues("withings.store.initialize-schema=always")
				.run(WithingsR2dbcStoreAutoConfigurationTests::assertStoreWorks);
		}
		finally {
			admin.execute("DROP SCHEMA " + schemaName + " CASCADE");
		}
	}

	/** Tables that exist but that the application's database user may not read: say so at start-up. */
	@Test
	@EnabledIfSystemProperty(named = "withings.test.postgres.url", matches = ".+")
	void storeWhenPostgresqlUserMayNotReadTheTablesThenStartUpFailsSayingSo() {
		String schemaName = "withings_r2dbc_" + UUID.randomUUID().toString().replace("-", "");
		String role = "withings_reader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String base = System.getProperty("withings.test.postgres.url");
		JdbcTemplate admin = new JdbcTemplate(
				new DriverManagerDataSource(base, TestDatabases.username(), TestDatabases.password()));
		admin.execute("CREATE SCHEMA " + schemaName);
		try {
			new ResourceDatabasePopulator(
					new ClassPathResource("io/github/springwithings/db/postgresql/R__withings_schema.sql"))
				.execute(new DriverManagerDataSource(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schemaName,
						TestDatabases.username(), TestDatabases.password()));
			admin.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'reader'");
			admin.execute("GRANT USAGE ON SCHEMA " + schemaName + " TO " + role);
			this.contextRunner
				.withPropertyValues("spring.r2dbc.url=" + TestDatabases.r2dbcUrl("unused") + "?schema=" + schemaName,
						"spring.r2dbc.username=" + role, "spring.r2dbc.password=reader",
						"withings.store.initialize-schema=never")
				.run((context) -> {
					WithingsStoreSchemaException failure = WithingsStoreSchemaTests.schemaFailure(context);
					assertThat(failure.getMissing()).first().asString().contains("may not read");
					assertThat(failure.getMessage()).contains("Grant the application's database user");
				});
		}
		finally {
			admin.execute("DROP SCHEMA " + schemaName + " CASCADE");
			admin.execute("DROP OWNED BY " + role);
			admin.execute("DROP ROLE IF EXISTS " + role);
		}
	}

	/** A connection factory the application builds itself (not from Boot's options): H2 is local. */
	@Test
	void storeWhenTheApplicationBuildsItsOwnH2ConnectionFactoryThenSchemaCreatedAndStoreWorks() {
		this.contextRunner.withUserConfiguration(ApplicationConnectionFactory.class)
			.run(WithingsR2dbcStoreAutoConfigurationTests::assertStoreWorks);
	}

	private static void assertStoreWorks(AssertableReactiveWebApplicationContext context) {
		assertThat(context).hasNotFailed();
		R2dbcWithingsAuthorizedClientService store = context.getBean(R2dbcWithingsAuthorizedClientService.class);
		Instant now = Instant.now();
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(
				context.getBean(ClientRegistrationRepository.class).findByRegistrationId("withings"), "alice",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access", now, now.plusSeconds(10_800),
						Set.of("user.metrics")),
				new OAuth2RefreshToken("refresh", now));
		store.saveAuthorizedClient(client, new TestingAuthenticationToken("alice", null));
		assertThat(store.loadAuthorizedClient("withings", "alice").getRefreshToken().getTokenValue())
			.isEqualTo("refresh");
		assertThat(DatabaseClient.create(context.getBean(ConnectionFactory.class))
			.sql("SELECT COUNT(*) AS n FROM withings_sweep")
			.map((row) -> row.get("n", Long.class))
			.one()
			.block()).isZero();
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationConnectionFactory {

		@Bean
		ConnectionFactory connectionFactory() {
			return io.r2dbc.h2.H2ConnectionFactory.inMemory(UUID.randomUUID().toString());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationDataSource {

		@Bean
		javax.sql.DataSource dataSource() {
			return new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		}

	}

}
