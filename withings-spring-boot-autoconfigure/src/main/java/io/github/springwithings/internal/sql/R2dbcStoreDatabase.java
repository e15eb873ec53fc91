package io.github.springwithings.internal.sql;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Type;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.Assert;

/**
 * The stores' statements on R2DBC. The stores' contract is blocking (the reactive adapters call
 * it on the starter's own bounded store and token schedulers, see
 * {@link WithingsReactiveSchedulers}, never on an event loop), so each statement is awaited here,
 * with a timeout. Each runs on a connection of its own, outside any transaction bound to a caller's
 * reactive context, in auto-commit: a write is committed before it returns.
 *
 * <p>Parameters are bound by name ({@code ?} becomes {@code :p0}, {@code :p1}, ...), so that
 * Spring's {@link DatabaseClient} writes each database's own bind markers.
 */
public final class R2dbcStoreDatabase implements StoreDatabase {

	/** The stores' few statements, named once (every authorize runs one). */
	private static final Map<String, String> NAMED = new ConcurrentHashMap<>();

	private final ConnectionFactory connectionFactory;

	private final DatabaseClient client;

	private Duration timeout = Duration.ofSeconds(5);

	/**
	 * @param connectionFactory the store's database
	 */
	public R2dbcStoreDatabase(ConnectionFactory connectionFactory) {
		Assert.notNull(connectionFactory, "connectionFactory cannot be null");
		this.connectionFactory = connectionFactory;
		this.client = DatabaseClient.create(connectionFactory);
	}

	/**
	 * Rows are copied as they arrive (on the driver's thread: an event loop with r2dbc-postgresql,
	 * the pool's thread with r2dbc-pool) and mapped once awaited, on the caller's thread: mapping
	 * looks up registrations and decrypts, which may block. (The statements themselves are not
	 * moved to another scheduler: the callers already hold a thread of the starter's schedulers
	 * while they wait, and continuations queued behind them there would starve.)
	 */
	@Override
	public <T> List<T> query(String sql, Function<Row, T> mapper, Object... args) {
		List<RowValues> rows = await(
				statement(sql, args).map((row, metadata) -> RowValues.of(row, metadata)).all().collectList(), sql);
		return rows.stream().map(mapper).toList();
	}

	@Override
	public int update(String sql, Object... args) {
		Long count = await(statement(sql, args).fetch().rowsUpdated(), sql);
		return (count != null) ? count.intValue() : 0;
	}

	@Override
	public String productName() {
		return this.connectionFactory.getMetadata().getName();
	}

	@Override
	public String schemaName() {
		try {
			String platform = SqlPlatforms.platform(productName());
			// MySQL and MariaDB call the schema a database
			List<String> schema = query(("mysql".equals(platform) || "mariadb".equals(platform)) ? "SELECT DATABASE() AS name"
					: "SELECT CURRENT_SCHEMA AS name", (row) -> row.string("name"));
			return schema.isEmpty() ? null : schema.get(0);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public String sqlState(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof R2dbcException r2dbc) ? r2dbc.getSqlState() : null;
	}

	@Override
	public Integer errorCode(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof R2dbcException r2dbc) ? r2dbc.getErrorCode() : null;
	}

	@Override
	public void setQueryTimeout(Duration timeout) {
		Assert.notNull(timeout, "timeout cannot be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		this.timeout = timeout;
	}

	private DatabaseClient.GenericExecuteSpec statement(String sql, Object[] args) {
		DatabaseClient.GenericExecuteSpec spec = this.client.sql(NAMED.computeIfAbsent(sql, R2dbcStoreDatabase::named));
		for (int i = 0; i < args.length; i++) {
			Object arg = args[i];
			String name = "p" + i;
			if (arg == null) {
				throw new IllegalArgumentException("Parameter " + i + " is null without a type");
			}
			spec = (arg instanceof Null nul) ? spec.bindNull(name, nul.type())
					: spec.bind(name, (arg instanceof Secret secret) ? new SecretParameter(secret.value()) : arg);
		}
		return spec;
	}

	private <T> T await(Mono<T> statement, String sql) {
		return statement
			.timeout(this.timeout,
					Mono.error(() -> new QueryTimeoutException("No answer from the database within " + this.timeout
							+ " to: " + sql)))
			.block();
	}

	/** {@code ?} to {@code :p0}, {@code :p1}, ... (the stores' SQL has no quoted text). */
	private static String named(String sql) {
		StringBuilder named = new StringBuilder(sql.length() + 16);
		int index = 0;
		for (int i = 0; i < sql.length(); i++) {
			char c = sql.charAt(i);
			if (c == '?') {
				named.append(":p").append(index++);
			}
			else {
				named.append(c);
			}
		}
		return named.toString();
	}

	/** A row's values by lower-case column name, read off the driver's thread. */
	private record RowValues(Map<String, Object> values) implements Row {

		static RowValues of(io.r2dbc.spi.Row row, RowMetadata metadata) {
			Map<String, Object> values = new HashMap<>();
			for (ColumnMetadata column : metadata.getColumnMetadatas()) {
				values.put(column.getName().toLowerCase(Locale.ROOT), row.get(column.getName()));
			}
			return new RowValues(values);
		}

		private Object value(String column) {
			String key = column.toLowerCase(Locale.ROOT);
			if (!this.values.containsKey(key)) {
				throw new DataRetrievalFailureException("No column " + column + " in the result");
			}
			return this.values.get(key);
		}

		@Override
		public String string(String column) {
			Object value = value(column);
			return (value != null) ? value.toString() : null;
		}

		@Override
		public long number(String column) {
			Object value = value(column);
			return (value instanceof Number number) ? number.longValue() : 0L;
		}

		@Override
		public Instant instant(String column) {
			Object value = value(column);
			if (value == null) {
				return null;
			}
			if (value instanceof Number number) {
				return Instant.ofEpochMilli(number.longValue());
			}
			throw new DataRetrievalFailureException("Column " + column + " is not a number of epoch milliseconds: "
					+ value.getClass().getName());
		}

	}

	/** A token value bound as text, shown as {@code [secret]} by whatever logs bound parameters. */
	private record SecretParameter(String value) implements Parameter, Parameter.In {

		@Override
		public Type getType() {
			return R2dbcType.VARCHAR;
		}

		@Override
		public Object getValue() {
			return this.value;
		}

		@Override
		public String toString() {
			return "[secret]";
		}

	}

}
