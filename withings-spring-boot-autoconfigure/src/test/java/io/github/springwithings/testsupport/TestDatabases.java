package io.github.springwithings.testsupport;

import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.github.springwithings.oauth2.client.WithingsStoreScripts;
/**
 * The databases JDBC and R2DBC tests run against: an in-memory H2 by default; an embedded HSQLDB
 * or Derby with {@code -Dwithings.test.db=hsqldb|derby}; or the server database
 * named by {@code withings.test.db.url}, {@code .username} and {@code .password} (PostgreSQL,
 * MariaDB through MariaDB Connector/J or MySQL Connector/J, MySQL). CI sets them. The older
 * {@code withings.test.postgres.*} properties still name a PostgreSQL.
 */
public final class TestDatabases {

	private static final String URL = "withings.test.db.url";

	private static final String POSTGRES_URL = "withings.test.postgres.url";

	private TestDatabases() {
	}

	private static String serverUrl() {
		String url = System.getProperty(URL);
		return (url != null && !url.isBlank()) ? url : System.getProperty(POSTGRES_URL);
	}

	/** Whether the tests run against a database server (not an embedded database). */
	public static boolean server() {
		return serverUrl() != null;
	}

	/** Whether the tests run against PostgreSQL. */
	public static boolean postgres() {
		return "postgresql".equals(platform());
	}

	/** Whether the tests run against MariaDB (or MySQL), through either driver. */
	public static boolean mariadb() {
		return "mariadb".equals(platform()) || "mysql".equals(platform());
	}

	/**
	 * The platform of the tests' database, as the starter's scripts name it: {@code h2},
	 * {@code hsqldb}, {@code derby}, {@code postgresql}, {@code mariadb} (also
	 * MariaDB through MySQL Connector/J: {@code jdbc:mysql:} URLs here name the MariaDB of CI).
	 */
	public static String platform() {
		String url = serverUrl();
		if (url == null) {
			return embedded();
		}
		String scheme = url.substring("jdbc:".length(), url.indexOf(':', "jdbc:".length()));
		return switch (scheme) {
			case "mysql", "mariadb" -> "mariadb";
			default -> scheme;
		};
	}

	private static String embedded() {
		String db = System.getProperty("withings.test.db", "h2").toLowerCase(Locale.ROOT);
		return db.isBlank() ? "h2" : db;
	}

	/** The JDBC URL of a fresh database named {@code name} (embedded) or of the configured server. */
	public static String url(String name) {
		if (server()) {
			return serverUrl();
		}
		return switch (embedded()) {
			case "hsqldb" -> "jdbc:hsqldb:mem:" + name + ";hsqldb.tx=mvcc";
			case "derby" -> "jdbc:derby:memory:" + (name.isEmpty() ? "withings" : name) + ";create=true";
			default -> "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
		};
	}

	public static String username() {
		if (server()) {
			return System.getProperty(System.getProperty(URL) != null ? "withings.test.db.username"
					: "withings.test.postgres.username", "postgres");
		}
		return "derby".equals(embedded()) ? "app" : "sa";
	}

	public static String password() {
		if (server()) {
			return System.getProperty(System.getProperty(URL) != null ? "withings.test.db.password"
					: "withings.test.postgres.password", "");
		}
		return "";
	}

	/**
	 * Whether the R2DBC variants run on the tests' database: an R2DBC driver is on the class path
	 * for it, and the run is not the one through MySQL Connector/J ({@code jdbc:mysql:}), which is
	 * about the JDBC driver: its R2DBC side is r2dbc-mariadb on the same server, as in the
	 * MariaDB run.
	 */
	public static boolean r2dbc() {
		String url = serverUrl();
		if (url != null && url.startsWith("jdbc:mysql:")) {
			return false;
		}
		return switch (platform()) {
			case "h2", "postgresql", "mariadb" -> true;
			default -> false;
		};
	}

	/**
	 * HSQLDB and Derby have no R2DBC driver, and the MySQL Connector/J run repeats no R2DBC test:
	 * the R2DBC variant of a store test is skipped there.
	 */
	public static void assumeR2dbc() {
		org.junit.jupiter.api.Assumptions.assumeTrue(r2dbc(), () -> "no R2DBC driver for " + platform());
	}

	/** A pooled data source with the schema applied and the table empty. */
	public static HikariDataSource dataSource(String name, int poolSize) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url(name));
		config.setUsername(username());
		config.setPassword(password());
		config.setMaximumPoolSize(poolSize);
		HikariDataSource dataSource = new HikariDataSource(config);
		createSchema(dataSource);
		new JdbcTemplate(dataSource).update("DELETE FROM withings_authorized_client");
		new JdbcTemplate(dataSource).update("DELETE FROM withings_rate_budget");
		return dataSource;
	}

	/**
	 * A pooled R2DBC connection factory on the same database as {@link #dataSource} with that
	 * {@code name} (H2 in memory, or the configured PostgreSQL or MariaDB), with the schema applied
	 * and the table empty.
	 */
	public static ConnectionPool connectionFactory(String name, int poolSize) {
		assumeR2dbc();
		dataSource(name, 1).close();
		return connectionFactoryOnExistingSchema(name, poolSize);
	}

	/** A pooled R2DBC connection factory on the database of {@link #dataSource} with that {@code name}. */
	public static ConnectionPool connectionFactoryOnExistingSchema(String name, int poolSize) {
		return new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(r2dbcOptions(name)))
			.initialSize(0)
			.maxSize(poolSize)
			.build());
	}

	/** The R2DBC options of the database {@link #url} names. */
	public static ConnectionFactoryOptions r2dbcOptions(String name) {
		return ConnectionFactoryOptions.parse(r2dbcUrl(name))
			.mutate()
			.option(ConnectionFactoryOptions.USER, username())
			.option(ConnectionFactoryOptions.PASSWORD, password())
			.build();
	}

	/** The R2DBC URL of {@link #url} (without credentials). */
	public static String r2dbcUrl(String name) {
		if (!server()) {
			return "r2dbc:h2:mem:///" + name + "?options=DB_CLOSE_DELAY=-1";
		}
		String rest = serverUrl().substring(serverUrl().indexOf("://"));
		int query = rest.indexOf('?');
		rest = (query >= 0) ? rest.substring(0, query) : rest;
		return postgres() ? "r2dbc:postgresql" + rest : "r2dbc:mariadb" + rest;
	}

	/** The shipped script of the tests' database, applied (those without IF NOT EXISTS: once). */
	public static void createSchema(DataSource dataSource) {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ClassPathResource(WithingsStoreScripts.script(platform())));
		// Derby has no IF NOT EXISTS: its script fails on tables that are there already
		populator.setContinueOnError("derby".equals(platform()));
		populator.execute(dataSource);
	}

}
