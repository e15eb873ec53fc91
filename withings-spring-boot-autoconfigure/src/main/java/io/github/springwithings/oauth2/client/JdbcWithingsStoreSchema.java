package io.github.springwithings.oauth2.client;

import java.sql.DatabaseMetaData;
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

	private final DataSource dataSource;

	private final IsolatedJdbc jdbc;

	/**
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsStoreSchema(DataSource dataSource) {
		this.dataSource = dataSource;
		this.jdbc = new IsolatedJdbc(dataSource);
	}

	/**
	 * Check the tables and columns.
	 * @throws WithingsStoreSchemaException when a table or column is missing
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
			logger.warn("Could not check the Withings store's tables (" + ex.getMostSpecificCause().getMessage()
					+ "); the application starts without the check");
			return;
		}
		if (!missing.isEmpty()) {
			String product = product();
			throw new WithingsStoreSchemaException(missing, product, script(product), databaseMessage);
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
			String message = ex.getMostSpecificCause().getMessage();
			try {
				query("SELECT 1 FROM " + table + " WHERE 1 = 0");
				missing.add("columns (" + columns + ") of table " + table
						+ " (the table is from an earlier version)");
			}
			catch (BadSqlGrammarException tableMissing) {
				missing.add("table " + table);
			}
			return firstLine(message);
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

	private static String script(String product) {
		String name = product.toLowerCase(Locale.ROOT);
		if (name.contains("h2")) {
			return "db/withings/h2/R__withings_schema.sql";
		}
		if (name.contains("postgres")) {
			return "db/withings/postgresql/R__withings_schema.sql";
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
