package io.github.springwithings.oauth2.client;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.Assert;

/**
 * Checks, at start-up, that the database holds what the JDBC store and sweep log need (the tables
 * {@code withings_authorized_client} and {@code withings_sweep}, with every column of this
 * version): a missing table fails the application when it starts, with a message naming the table
 * and the fixes, instead of failing a user's sign-in after Withings issued tokens.
 *
 * <p>Each check is a query that reads no row, on a connection of its own. A database that cannot
 * be reached proves nothing: it is logged and the application starts.
 */
public final class JdbcWithingsStoreSchema {

	private static final Log logger = LogFactory.getLog(JdbcWithingsStoreSchema.class);

	static final String SWEEP_TABLE = "withings_sweep";

	private static final String SWEEP_COLUMNS = "name, started_at";

	/** SQL state of a refused privilege (PostgreSQL, H2 and the standard). */
	private static final String INSUFFICIENT_PRIVILEGE = "42501";

	private final DataSource dataSource;

	private final IsolatedJdbc jdbc;

	/**
	 * Check the tables the store reads and writes through this data source.
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsStoreSchema(DataSource dataSource) {
		Assert.notNull(dataSource, "dataSource cannot be null");
		this.dataSource = dataSource;
		this.jdbc = new IsolatedJdbc(dataSource);
	}

	/**
	 * Check the tables and columns.
	 * @throws WithingsStoreSchemaException when a table or column is missing, or cannot be read
	 */
	public void verify() {
		List<String> missing = new ArrayList<>();
		String databaseMessage;
		try {
			databaseMessage = check(JdbcWithingsAuthorizedClientService.TABLE, JdbcWithingsAuthorizedClientService.COLUMNS,
					missing);
			String sweepMessage = check(SWEEP_TABLE, SWEEP_COLUMNS, missing);
			databaseMessage = (databaseMessage != null) ? databaseMessage : sweepMessage;
		}
		catch (DataAccessException ex) {
			// the driver's own text may quote the JDBC URL (and a password in it): class and state only
			logger.warn("Could not check the Withings store's tables (" + ex.getMostSpecificCause().getClass().getName()
					+ sqlState(ex).map((state) -> ", SQL state " + state).orElse("")
					+ "); the application starts without the check");
			return;
		}
		if (!missing.isEmpty()) {
			String product = product();
			throw new WithingsStoreSchemaException(missing, product + schema(), script(product), databaseMessage);
		}
		logger.debug("The Withings store's tables " + JdbcWithingsAuthorizedClientService.TABLE + " and " + SWEEP_TABLE
				+ " are present");
	}

	/** @return the database's message when {@code table} or one of its columns is missing */
	private String check(String table, String columns, List<String> missing) {
		try {
			query("SELECT " + columns + " FROM " + table + " WHERE 1 = 0");
			return null;
		}
		catch (BadSqlGrammarException ex) {
			String message = firstLine(ex.getMostSpecificCause().getMessage());
			if (sqlState(ex).filter(INSUFFICIENT_PRIVILEGE::equals).isPresent()) {
				missing.add("read and write access to table " + table + " (the database user may not read it)");
				return message;
			}
			try {
				query("SELECT 1 FROM " + table + " WHERE 1 = 0");
				missing.add("columns (" + columns + ") of table " + table
						+ " (the table is from an earlier version)");
			}
			catch (BadSqlGrammarException tableMissing) {
				missing.add("table " + table);
			}
			return message;
		}
	}

	private void query(String sql) {
		this.jdbc.read((jdbc) -> jdbc.query(sql, (rs) -> null));
	}

	private String product() {
		try {
			return JdbcUtils.extractDatabaseMetaData(this.dataSource, DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			return "unknown database";
		}
	}

	/** The schema the check looked in, as the connection's default: tables elsewhere are not seen. */
	private String schema() {
		try (Connection connection = this.dataSource.getConnection()) {
			String schema = connection.getSchema();
			return (schema != null) ? ", schema " + schema : "";
		}
		catch (SQLException | RuntimeException | AbstractMethodError ex) {
			return "";
		}
	}

	private static java.util.Optional<String> sqlState(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof SQLException sql) ? java.util.Optional.ofNullable(sql.getSQLState())
				: java.util.Optional.empty();
	}

	private static String script(String product) {
		String name = product.toLowerCase(Locale.ROOT);
		if (name.contains("h2")) {
			return "io/github/springwithings/db/h2/R__withings_schema.sql";
		}
		if (name.contains("postgres")) {
			return "io/github/springwithings/db/postgresql/R__withings_schema.sql";
		}
		return null;
	}

	private static String firstLine(String message) {
		if (message == null) {
			return null;
		}
		int end = message.indexOf('\n');
		return (end >= 0) ? message.substring(0, end).trim() : message.trim();
	}

}
