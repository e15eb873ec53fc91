package io.github.springwithings.oauth2.client;

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

/**
 * The databases JDBC tests run against: an in-memory H2 by default, or the PostgreSQL named by the
 * system properties {@code withings.test.postgres.url}, {@code .username} and {@code .password}
 * (CI sets them).
 */
public final class TestDatabases {

	private static final String POSTGRES_URL = "withings.test.postgres.url";

	private TestDatabases() {
	}

	/** Whether the tests run against PostgreSQL. */
	public static boolean postgres() {
		return System.getProperty(POSTGRES_URL) != null;
	}

	/** The JDBC URL of a fresh database named {@code name} (H2) or of the configured PostgreSQL. */
	public static String url(String name) {
		return postgres() ? System.getProperty(POSTGRES_URL) : "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
	}

	public static String username() {
		return postgres() ? System.getProperty("withings.test.postgres.username", "postgres") : "sa";
	}

	public static String password() {
		return postgres() ? System.getProperty("withings.test.postgres.password", "") : "";
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
	 * {@code name} (H2 in memory, or the configured PostgreSQL), with the schema applied and the
	 * table empty.
	 */
	public static ConnectionPool connectionFactory(String name, int poolSize) {
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
		return postgres() ? "r2dbc:" + System.getProperty(POSTGRES_URL).substring("jdbc:".length())
				: "r2dbc:h2:mem:///" + name + "?options=DB_CLOSE_DELAY=-1";
	}

	static void createSchema(DataSource dataSource) {
		String platform = postgres() ? "postgresql" : "h2";
		new ResourceDatabasePopulator(new ClassPathResource(
				"io/github/springwithings/db/" + platform + "/R__withings_schema.sql"))
			.execute(dataSource);
	}

}
