package io.github.springwithings.oauth2.client;

import java.util.List;

import io.github.springwithings.internal.sql.SqlPlatforms;

/**
 * The schema scripts the starter ships for the relational store, one folder per database under
 * {@code io/github/springwithings/db/}, named as Spring Boot names platforms (and Flyway's
 * {@code {vendor}} placeholder): {@code h2}, {@code hsqldb}, {@code derby},
 * {@code postgresql}, {@code mysql}, {@code mariadb}, {@code sqlserver}, {@code oracle},
 * {@code db2}. SQLite has none: it serialises writers and locks whole tables, so the store's
 * guarantees (a write committed on its own connection while the caller holds a transaction,
 * concurrent claims of one refresh) cannot hold there.
 */
public final class WithingsStoreScripts {

	/** The folders that hold a script, one per platform. */
	public static final List<String> PLATFORMS = List.of("h2", "hsqldb", "derby", "postgresql", "mysql",
			"mariadb", "sqlserver", "oracle", "db2");

	private WithingsStoreScripts() {
	}

	/**
	 * The platform of a database product, as its JDBC or R2DBC driver names it ({@code "PostgreSQL"},
	 * {@code "MariaDB"}, {@code "Microsoft SQL Server"}, {@code "DB2/LINUXX8664"}, ...).
	 * @param productName the product name, may be {@code null}
	 * @return the platform, or {@code null} when no script ships for that product
	 */
	public static String platform(String productName) {
		return SqlPlatforms.platform(productName);
	}

	/**
	 * The platform of a database, from its JDBC metadata: MariaDB also when reached through MySQL
	 * Connector/J, which names every server MySQL (the version tells MariaDB).
	 * @param productName the product name, may be {@code null}
	 * @param productVersion the product version, may be {@code null}
	 * @return the platform, or {@code null} when no script ships for that product
	 */
	public static String platform(String productName, String productVersion) {
		return SqlPlatforms.platform(productName, productVersion);
	}

	/**
	 * The shipped script of a platform.
	 * @param platform one of {@link #PLATFORMS}
	 * @return its class-path location, e.g. {@code io/github/springwithings/db/mysql/R__withings_schema.sql}
	 */
	public static String script(String platform) {
		return "io/github/springwithings/db/" + platform + "/R__withings_schema.sql";
	}

}
