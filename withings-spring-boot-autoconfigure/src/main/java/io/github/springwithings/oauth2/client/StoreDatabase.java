package io.github.springwithings.oauth2.client;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

import org.springframework.dao.DataAccessException;

/**
 * The statements of the relational stores, on JDBC or R2DBC: every statement runs on a
 * connection of its own, never in a caller's transaction, and a write is committed before it
 * returns. The SQL uses {@code ?} for parameters; a parameter is a {@link String}, a {@link Long},
 * an {@link Integer}, an {@link OffsetDateTime}, a {@link Secret} or a {@link Null}.
 */
interface StoreDatabase {

	/**
	 * Run a query.
	 * @param sql the query
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
	void setQueryTimeout(java.time.Duration timeout);

	/** @return the database's product name, as its driver tells it */
	String productName();

	/** @return the schema the store's connections look in by default, or {@code null} */
	String schemaName();

	/**
	 * @param ex a failure of a statement
	 * @return the SQL state the driver gave, or {@code null}
	 */
	String sqlState(DataAccessException ex);

	/** A row of a result. Column names are case-insensitive. */
	interface Row {

		String string(String column);

		long number(String column);

		OffsetDateTime time(String column);

		default Instant instant(String column) {
			OffsetDateTime time = time(column);
			return (time != null) ? time.toInstant() : null;
		}

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
	 * @param type {@code String.class} or {@code OffsetDateTime.class}
	 */
	record Null(Class<?> type) {

		static final Null TEXT = new Null(String.class);

		static final Null TIME = new Null(OffsetDateTime.class);

	}

	static Object text(String value) {
		return (value != null) ? value : Null.TEXT;
	}

	static Object time(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : Null.TIME;
	}

}
