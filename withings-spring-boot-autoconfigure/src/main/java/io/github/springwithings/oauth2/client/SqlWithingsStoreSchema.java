package io.github.springwithings.oauth2.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.springwithings.internal.sql.StoreDatabase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Checks, at start-up, that the database holds what the relational store and sweep log need (the
 * tables {@code withings_authorized_client}, {@code withings_sweep} and {@code withings_rate_budget},
 * with every column of this
 * version): a missing table fails the application when it starts, with a message naming the table
 * and the fixes, instead of failing a user's sign-in after Withings issued tokens. The same check
 * on JDBC ({@link JdbcWithingsStoreSchema}) and R2DBC ({@link R2dbcWithingsStoreSchema}).
 *
 * <p>Each check is a query that reads no row, on a connection of its own. A database that cannot
 * be reached proves nothing: it is logged and the application starts.
 */
abstract sealed class SqlWithingsStoreSchema permits JdbcWithingsStoreSchema, R2dbcWithingsStoreSchema {

	private static final Log logger = LogFactory.getLog(SqlWithingsStoreSchema.class);

	static final String SWEEP_TABLE = "withings_sweep";

	private static final String SWEEP_COLUMNS = "name, started_at";

	private static final String CLIENT_TIME_COLUMNS = "access_token_issued_at, access_token_expires_at, "
			+ "refresh_token_issued_at, refresh_started_at, created_at, updated_at";

	/** The rate budget's table (not SqlWithingsRateBudgetStore's constant: Bucket4j may be absent). */
	static final String RATE_BUDGET_TABLE = "withings_rate_budget";

	private static final String RATE_BUDGET_COLUMNS = "id, state, version";

	/** SQL state of a refused privilege (PostgreSQL, H2 and the standard). */
	private static final String INSUFFICIENT_PRIVILEGE = "42501";

	/**
	 * Error codes of a refused privilege on MySQL and MariaDB (SELECT command denied for a table,
	 * for a column), whose SQL state is the generic 42000.
	 */
	private static final Set<Integer> MYSQL_PRIVILEGE_REFUSED = Set.of(1142, 1143);

	private final StoreDatabase database;

	SqlWithingsStoreSchema(StoreDatabase database) {
		this.database = database;
	}

	/**
	 * Check the tables and columns.
	 * @throws WithingsStoreSchemaException when a table or column is missing, or cannot be read
	 */
	public void verify() {
		List<String> missing = new ArrayList<>();
		String databaseMessage;
		try {
			databaseMessage = check(SqlWithingsAuthorizedClientService.TABLE, SqlWithingsAuthorizedClientService.COLUMNS,
					missing);
			databaseMessage = (databaseMessage != null) ? databaseMessage
					: checkEpochMillis(SqlWithingsAuthorizedClientService.TABLE, CLIENT_TIME_COLUMNS, missing);
			String sweepMessage = check(SWEEP_TABLE, SWEEP_COLUMNS, missing);
			sweepMessage = (sweepMessage != null) ? sweepMessage : checkEpochMillis(SWEEP_TABLE, "started_at", missing);
			databaseMessage = (databaseMessage != null) ? databaseMessage : sweepMessage;
			String budgetMessage = check(RATE_BUDGET_TABLE, RATE_BUDGET_COLUMNS, missing);
			databaseMessage = (databaseMessage != null) ? databaseMessage : budgetMessage;
		}
		catch (DataAccessException ex) {
			// the driver's own text may quote the JDBC URL (and a password in it): class and state only
			logger.warn("Could not check the Withings store's tables (" + ex.getMostSpecificCause().getClass().getName()
					+ Optional.ofNullable(this.database.sqlState(ex)).map((state) -> ", SQL state " + state).orElse("")
					+ "); the application starts without the check");
			return;
		}
		if (!missing.isEmpty()) {
			String product = product();
			throw new WithingsStoreSchemaException(missing, product + schema(), script(product), databaseMessage);
		}
		logger.debug("The Withings store's tables " + SqlWithingsAuthorizedClientService.TABLE + ", " + SWEEP_TABLE
				+ " and " + RATE_BUDGET_TABLE + " are present");
	}

	/**
	 * Tables of snapshots before 0.1.0 kept instants as timestamps; they are epoch milliseconds
	 * now: a column that cannot be compared with a number is one of those.
	 * @return the database's message when a column of {@code columns} is not a number
	 */
	private String checkEpochMillis(String table, String columns, List<String> missing) {
		try {
			query("SELECT 1 FROM " + table + " WHERE 1 = 0 AND "
					+ String.join(" = 0 AND ", columns.split(",\\s*")) + " = 0");
			if (mysqlFamily()) {
				// MySQL and MariaDB compare a DATETIME or TIMESTAMP with a number without a word: ask the catalog
				List<String> notIntegers = this.database.query("SELECT column_name AS name FROM information_schema.columns "
						+ "WHERE table_schema = DATABASE() AND table_name = ? AND data_type NOT IN ('bigint', 'int') AND "
						+ "column_name IN ('" + String.join("', '", columns.split(",\\s*")) + "')",
						(row) -> row.string("name"), table);
				if (!notIntegers.isEmpty()) {
					missing.add(epochMillis(columns, table));
					return "columns " + String.join(", ", notIntegers) + " are not integers";
				}
			}
			return null;
		}
		catch (TransientDataAccessException
				| DataAccessResourceFailureException ex) {
			throw ex;
		}
		catch (DataAccessException ex) {
			// bad grammar on PostgreSQL, an uncategorised "not comparable" on H2
			missing.add(epochMillis(columns, table));
			return firstLine(ex.getMostSpecificCause().getMessage());
		}
	}

	private static boolean refusedByMysql(Integer errorCode) {
		return errorCode != null && MYSQL_PRIVILEGE_REFUSED.contains(errorCode);
	}

	private static String epochMillis(String columns, String table) {
		return "columns (" + columns + ") of table " + table + " as 64-bit integers of epoch milliseconds "
				+ "(the table is from a snapshot that kept timestamps, or adapted from another database's script: see the "
				+ "guide's upgrade notes, and the shipped upgrade-timestamps-to-epoch-millis.sql)";
	}

	private boolean mysqlFamily() {
		String platform = WithingsStoreScripts.platform(this.database.productName());
		return "mysql".equals(platform) || "mariadb".equals(platform);
	}

	/** @return the database's message when {@code table} or one of its columns is missing */
	private String check(String table, String columns, List<String> missing) {
		try {
			query("SELECT " + columns + " FROM " + table + " WHERE 1 = 0");
			return null;
		}
		catch (PermissionDeniedDataAccessException ex) {
			// R2DBC drivers report a refused privilege as such (JDBC ones as bad grammar, state 42501)
			missing.add("read and write access to table " + table + " (the database user may not read it)");
			return firstLine(ex.getMostSpecificCause().getMessage());
		}
		catch (InvalidDataAccessResourceUsageException ex) {
			String message = firstLine(ex.getMostSpecificCause().getMessage());
			if (INSUFFICIENT_PRIVILEGE.equals(this.database.sqlState(ex))
					|| refusedByMysql(this.database.errorCode(ex))) {
				missing.add("read and write access to table " + table + " (the database user may not read it)");
				return message;
			}
			try {
				query("SELECT 1 FROM " + table + " WHERE 1 = 0");
				missing.add("columns (" + columns + ") of table " + table
						+ " (the table is from an earlier version: see the guide's upgrade notes)");
			}
			catch (InvalidDataAccessResourceUsageException tableMissing) {
				missing.add("table " + table);
			}
			return message;
		}
	}

	private void query(String sql) {
		this.database.query(sql, (row) -> Boolean.TRUE);
	}

	private String product() {
		String product = this.database.productName();
		return (product != null) ? product : "unknown database";
	}

	/** The schema the check looked in, as the connection's default: tables elsewhere are not seen. */
	private String schema() {
		String schema = this.database.schemaName();
		return (schema != null) ? ", schema " + schema : "";
	}

	private static String script(String product) {
		String platform = WithingsStoreScripts.platform(product);
		return (platform != null) ? WithingsStoreScripts.script(platform) : null;
	}

	private static String firstLine(String message) {
		if (message == null) {
			return null;
		}
		int end = message.indexOf('\n');
		return (end >= 0) ? message.substring(0, end).trim() : message.trim();
	}

}
