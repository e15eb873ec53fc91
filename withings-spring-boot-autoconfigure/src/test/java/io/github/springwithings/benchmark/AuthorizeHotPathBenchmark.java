package io.github.springwithings.benchmark;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.SingleFlightRefreshTokenResponseClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;

/**
 * The hot path of every API call: {@code authorize()} of a user whose access token is valid, the
 * starter's stores against Spring's own, measured with JMH (average time and, with JMH's GC
 * profiler, bytes allocated per call).
 *
 * <p>What is compared: on both sides Spring's {@link AuthorizedClientServiceOAuth2AuthorizedClientManager}
 * with a refresh-token provider, the manager an application uses outside a web request. Spring's
 * side is that manager on {@link InMemoryOAuth2AuthorizedClientService} or
 * {@link JdbcOAuth2AuthorizedClientService} (its {@code oauth2_authorized_client} table); the
 * starter's side is {@link WithingsAuthorizedClients#authorize(String)}, the same manager class on
 * {@link InMemoryWithingsAuthorizedClientService} or {@link JdbcWithingsAuthorizedClientService}
 * with the single-flight refresh client (which a valid token never reaches). Each call builds its
 * {@link OAuth2AuthorizeRequest}, as an application does. The JDBC pairs run on the same database
 * (an in-memory H2, the PostgreSQL named by {@code -Dwithings.test.postgres.url},
 * {@code .username}, {@code .password} and the MariaDB named by {@code -Dwithings.test.mariadb.url},
 * {@code .username}, {@code .password} when given) through the same Hikari pool settings. Each
 * variant runs in a JVM of its own (one JMH fork), so that one variant's profile does not slow
 * another.
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=AuthorizeHotPathBenchmark}.
 * Short settings: 1 fork, 3 warm-up iterations of 2 s, 5 measured iterations of 2 s per variant,
 * about 20 s each: under 2 minutes with the PostgreSQL pair. It prints a Markdown table: printing is its
 * purpose, hence standard output. A class JMH extends, hence not final.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthorizeHotPathBenchmark {

	static final String PRINCIPAL = "bench-hot-path";

	private static final String POSTGRES_URL = "withings.test.postgres.url";

	private static final String MARIADB_URL = "withings.test.mariadb.url";

	/** Which manager on which store (and database). */
	@Param({ "SPRING_MEMORY", "STARTER_MEMORY", "SPRING_JDBC_H2", "STARTER_JDBC_H2" })
	public Variant variant;

	private HikariDataSource dataSource;

	private AuthorizedClientServiceOAuth2AuthorizedClientManager springManager;

	private WithingsAuthorizedClients starter;

	@Setup
	public void setUp() {
		ClientRegistration registration = TestClientRegistrations.withings("http://localhost:1").build();
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
		OAuth2AuthorizedClientService service = switch (this.variant) {
			case SPRING_MEMORY -> new InMemoryOAuth2AuthorizedClientService(registrations);
			case STARTER_MEMORY -> new InMemoryWithingsAuthorizedClientService(registrations);
			case SPRING_JDBC_H2, SPRING_JDBC_POSTGRESQL, SPRING_JDBC_MARIADB -> new JdbcOAuth2AuthorizedClientService(
					new JdbcTemplate(dataSource()), registrations);
			case STARTER_JDBC_H2, STARTER_JDBC_POSTGRESQL, STARTER_JDBC_MARIADB -> new JdbcWithingsAuthorizedClientService(
					dataSource(), registrations);
		};
		service.saveAuthorizedClient(validClient(registration), new TestingAuthenticationToken(PRINCIPAL, null));
		if (service instanceof WithingsAuthorizedClientService store) {
			WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
			this.starter = new WithingsAuthorizedClients(registrations, store,
					new SingleFlightRefreshTokenResponseClient(WithingsAccessTokenResponseClient.refreshToken(withings,
							WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder()), store, withings),
					new WithingsRevocationClient(RestClient.create()), "withings");
		}
		else {
			this.springManager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, service);
			this.springManager.setAuthorizedClientProvider(
					OAuth2AuthorizedClientProviderBuilder.builder().refreshToken().build());
		}
		Assert.state(authorize() != null, "the client is not stored");
	}

	@TearDown
	public void tearDown() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@Benchmark
	public OAuth2AuthorizedClient authorize() {
		if (this.starter != null) {
			return this.starter.authorize(PRINCIPAL);
		}
		return this.springManager
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("withings").principal(PRINCIPAL).build());
	}

	/** A data source on the variant's database, both tables created, this benchmark's rows removed. */
	private DataSource dataSource() {
		String platform = this.variant.platform;
		this.dataSource = dataSource(platform);
		new ResourceDatabasePopulator(
				new ClassPathResource("io/github/springwithings/db/" + platform + "/R__withings_schema.sql"))
			.execute(this.dataSource);
		// Spring's script has no IF NOT EXISTS: a server database that has the table already keeps it
		ResourceDatabasePopulator spring = new ResourceDatabasePopulator(new ClassPathResource(platform.equals("postgresql")
				? "org/springframework/security/oauth2/client/oauth2-client-schema-postgres.sql"
				: "org/springframework/security/oauth2/client/oauth2-client-schema.sql"));
		spring.setContinueOnError(true);
		spring.execute(this.dataSource);
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.update("DELETE FROM withings_authorized_client WHERE principal_name = ?", PRINCIPAL);
		jdbc.update("DELETE FROM oauth2_authorized_client WHERE principal_name = ?", PRINCIPAL);
		return this.dataSource;
	}

	static HikariDataSource dataSource(String platform) {
		HikariConfig config = new HikariConfig();
		if (platform.equals("postgresql")) {
			config.setJdbcUrl(System.getProperty(POSTGRES_URL));
			config.setUsername(System.getProperty("withings.test.postgres.username", "postgres"));
			config.setPassword(System.getProperty("withings.test.postgres.password", ""));
		}
		else if (platform.equals("mariadb")) {
			config.setJdbcUrl(System.getProperty(MARIADB_URL));
			config.setUsername(System.getProperty("withings.test.mariadb.username", "withings"));
			config.setPassword(System.getProperty("withings.test.mariadb.password", ""));
		}
		else {
			config.setJdbcUrl("jdbc:h2:mem:hot-path;DB_CLOSE_DELAY=-1");
			config.setUsername("sa");
		}
		config.setMaximumPoolSize(2);
		return new HikariDataSource(config);
	}

	/** A client as Withings issues it: 40-hex-digit tokens, the access token valid for 3 hours. */
	static OAuth2AuthorizedClient validClient(ClientRegistration registration) {
		Instant now = Instant.now();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, randomToken(), now,
				now.plus(Duration.ofHours(3)), registration.getScopes());
		return new OAuth2AuthorizedClient(registration, PRINCIPAL, accessToken,
				new OAuth2RefreshToken(randomToken(), now));
	}

	private static String randomToken() {
		byte[] bytes = new byte[20];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	public static void main(String[] args) throws Exception {
		List<String> variants = new ArrayList<>(List.of(Variant.SPRING_MEMORY.name(), Variant.STARTER_MEMORY.name(),
				Variant.SPRING_JDBC_H2.name(), Variant.STARTER_JDBC_H2.name()));
		OptionsBuilder options = new OptionsBuilder();
		if (System.getProperty(POSTGRES_URL) != null) {
			variants.addAll(List.of(Variant.SPRING_JDBC_POSTGRESQL.name(), Variant.STARTER_JDBC_POSTGRESQL.name()));
		}
		if (System.getProperty(MARIADB_URL) != null) {
			variants.addAll(List.of(Variant.SPRING_JDBC_MARIADB.name(), Variant.STARTER_JDBC_MARIADB.name()));
		}
		List<String> properties = new ArrayList<>();
		for (String database : List.of("postgres", "mariadb")) {
			for (String property : List.of("url", "username", "password")) {
				String name = "withings.test." + database + "." + property;
				if (System.getProperty(name) != null) {
					properties.add("-D" + name + "=" + System.getProperty(name));
				}
			}
		}
		options.jvmArgsAppend(properties.toArray(String[]::new));
		Benchmarks.useThisClasspathInForks();
		options.include(AuthorizeHotPathBenchmark.class.getName() + ".authorize$")
			.param("variant", variants.toArray(String[]::new))
			.forks(1)
			.threads(1)
			.warmupIterations(3)
			.warmupTime(TimeValue.seconds(2))
			.measurementIterations(5)
			.measurementTime(TimeValue.seconds(2))
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			// silent: JMH would print the forks' command lines, the database password among them
			.verbosity(VerboseMode.SILENT);
		Options built = options.build();
		System.out.println("Running " + variants.size() + " variants, about 20 s each...");
		Collection<RunResult> results = new Runner(built).run();
		System.out.print(table(results));
	}

	private static String table(Collection<RunResult> results) {
		Map<Variant, RunResult> byVariant = new LinkedHashMap<>();
		for (RunResult result : results) {
			byVariant.put(Variant.valueOf(result.getParams().getParam("variant")), result);
		}
		StringBuilder table = new StringBuilder();
		table.append("| store | Spring ns/op | starter ns/op | ratio | Spring B/op | starter B/op |\n");
		table.append("|---|---:|---:|---:|---:|---:|\n");
		for (Variant spring : Variant.values()) {
			if (!spring.spring || !byVariant.containsKey(spring)) {
				continue;
			}
			Variant starter = Variant.valueOf(spring.name().replace("SPRING_", "STARTER_"));
			RunResult springResult = byVariant.get(spring);
			RunResult starterResult = byVariant.get(starter);
			if (starterResult == null) {
				continue;
			}
			Result<?> springTime = springResult.getPrimaryResult();
			Result<?> starterTime = starterResult.getPrimaryResult();
			table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2fx | %.0f | %.0f |%n", spring.store,
					score(springTime), score(starterTime), starterTime.getScore() / springTime.getScore(),
					allocated(springResult), allocated(starterResult)));
		}
		return table.toString();
	}

	private static String score(Result<?> result) {
		double error = result.getScoreError();
		return Double.isNaN(error) ? String.format(Locale.ROOT, "%.0f", result.getScore())
				: String.format(Locale.ROOT, "%.0f ± %.0f", result.getScore(), error);
	}

	private static double allocated(RunResult result) {
		Result<?> norm = result.getSecondaryResults().get("gc.alloc.rate.norm");
		return (norm != null) ? norm.getScore() : Double.NaN;
	}

	public enum Variant {

		SPRING_MEMORY(true, null, "memory"), STARTER_MEMORY(false, null, "memory"),
		SPRING_JDBC_H2(true, "h2", "JDBC, H2 (in memory)"), STARTER_JDBC_H2(false, "h2", "JDBC, H2 (in memory)"),
		SPRING_JDBC_POSTGRESQL(true, "postgresql", "JDBC, PostgreSQL (local)"),
		STARTER_JDBC_POSTGRESQL(false, "postgresql", "JDBC, PostgreSQL (local)"),
		SPRING_JDBC_MARIADB(true, "mariadb", "JDBC, MariaDB (local)"),
		STARTER_JDBC_MARIADB(false, "mariadb", "JDBC, MariaDB (local)");

		final boolean spring;

		/** The database's platform ({@code null}: in memory, no database). */
		final String platform;

		final String store;

		Variant(boolean spring, String platform, String store) {
			this.spring = spring;
			this.platform = platform;
			this.store = store;
		}

	}

}
