package io.github.springwithings.internal.sql;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.springframework.dao.DataAccessException;

/**
 * The statements of the relational stores, on JDBC or R2DBC: every statement runs on a
 * connection of its own, never in a caller's transaction, and a write is committed before it
 * returns. The SQL uses {@code ?} for parameters; a parameter is a {@link String}, a {@link Long},
 * an {@link Integer}, a {@link Secret} or a {@link Null}. Instants are stored as epoch
 * milliseconds in {@code BIGINT} columns ({@link #time}), as Spring Session stores them: a number
 * cannot drift with a session's, a driver's or a server's time zone, and reads the same on every
 * database.
 */
public interface StoreDatabase {

	/**
	 * Run a query.
	 * @param sql the query
	 * @param <T> the type of a row
	 * @param mapper reads one row
	 * @param args the parameters
	 * @return the rows
	 */
	<T> List<T> query(String sql, Function<Row, T> mapper, Object... args);

	/**
	 * Run one write, committed on its own before this returns.
	 * @param sql the statement
	 * @param args the parameters
	 * @return the number of rows written
	 */
	int update(String sql, Object... args);

	/**
	 * Bound every statement: a locked row or a hung database fails instead of waiting.
	 * @param timeout the bound
	 */
	void setQueryTimeout(Duration timeout);

	/** @return the database's product name, as its driver tells it */
	String productName();

	/** @return the schema the store's connections look in by default, or {@code null} */
	String schemaName();

	/**
	 * @param ex a failure of a statement
	 * @return the SQL state the driver gave, or {@code null}
	 */
	String sqlState(DataAccessException ex);

	/**
	 * @param ex a failure of a statement
	 * @return the vendor's error code the driver gave, or {@code null}
	 */
	Integer errorCode(DataAccessException ex);

	/**
	 * The clause that keeps the first rows of an ordered query, its count a parameter: {@code LIMIT ?}
	 * where the database has it, the standard {@code OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY}
	 * elsewhere (SQL Server, Oracle, Db2, Derby).
	 * @param productName the database's product name, as {@link #productName()} tells it
	 * @return the clause, with a leading space
	 */
	static String firstRows(String productName) {
		String product = (productName != null) ? productName.toLowerCase(Locale.ROOT) : "";
		for (String limit : new String[] { "h2", "postgres", "mysql", "mariadb", "hsql" }) {
			if (product.contains(limit)) {
				return " LIMIT ?";
			}
		}
		return " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
	}

	/** A row of a result. Column names are case-insensitive. */
	interface Row {

		/**
		 * @param column a text column
		 * @return its value, or {@code null}
		 */
		String string(String column);

		/**
		 * @param column a number column
		 * @return its value
		 */
		long number(String column);

		/**
		 * @param column a {@code BIGINT} column of epoch milliseconds
		 * @return its instant, or {@code null} when the column is {@code NULL}
		 */
		Instant instant(String column);

	}

	/**
	 * A token value: bound as text, never shown by a driver's or Spring's parameter logging.
	 * @param value the value, encrypted or not
	 */
	record Secret(String value) {

		@Override
		public String toString() {
			return "[secret]";
		}

	}

	/**
	 * A {@code null} parameter, with the type of its column (R2DBC drivers need it).
	 * @param type {@code String.class} or {@code Long.class}
	 */
	record Null(Class<?> type) {

		/** A null text. */
		public static final Null TEXT = new Null(String.class);

		/** A null instant. */
		public static final Null TIME = new Null(Long.class);

	}

	/**
	 * @param value a text, may be {@code null}
	 * @return the parameter for it
	 */
	static Object text(String value) {
		return (value != null) ? value : Null.TEXT;
	}

	/**
	 * An instant as its column holds it: epoch milliseconds (whole milliseconds, never rounded up).
	 * @param instant the instant, may be {@code null}
	 * @return the parameter for it
	 */
	static Object time(Instant instant) {
		return (instant != null) ? (Object) instant.toEpochMilli() : Null.TIME;
	}

}
