package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.Assert;

/**
 * The stores' statements on R2DBC. The stores' contract is blocking (the reactive adapters call
 * it on {@code boundedElastic}, never on an event loop), so each statement is awaited here, with
 * a timeout. Each runs on a connection of its own, outside any transaction bound to a caller's
 * reactive context, in auto-commit: a write is committed before it returns.
 *
 * <p>Parameters are bound by name ({@code ?} becomes {@code :p0}, {@code :p1}, ...), so that
 * Spring's {@link DatabaseClient} writes each database's own bind markers.
 */
final class R2dbcStoreDatabase implements StoreDatabase {

	private final ConnectionFactory connectionFactory;

	private final DatabaseClient client;

	private Duration timeout = Duration.ofSeconds(5);

	R2dbcStoreDatabase(ConnectionFactory connectionFactory) {
		Assert.notNull(connectionFactory, "connectionFactory cannot be null");
		this.connectionFactory = connectionFactory;
		this.client = DatabaseClient.create(connectionFactory);
	}

	@Override
	public <T> List<T> query(String sql, Function<Row, T> mapper, Object... args) {
		return await(statement(sql, args).map((row, metadata) -> mapper.apply(new R2dbcRow(row))).all().collectList(),
				sql);
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
			List<String> schema = query("SELECT CURRENT_SCHEMA AS name", (row) -> row.string("name"));
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
	public void setQueryTimeout(Duration timeout) {
		Assert.notNull(timeout, "timeout cannot be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		this.timeout = timeout;
	}

	private DatabaseClient.GenericExecuteSpec statement(String sql, Object[] args) {
		DatabaseClient.GenericExecuteSpec spec = this.client.sql(named(sql));
		for (int i = 0; i < args.length; i++) {
			Object arg = args[i];
			String name = "p" + i;
			if (arg == null) {
				throw new IllegalArgumentException("Parameter " + i + " is null without a type");
			}
			spec = (arg instanceof Null nul) ? spec.bindNull(name, nul.type())
					: spec.bind(name, (arg instanceof Secret secret) ? secret.value() : arg);
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

	private record R2dbcRow(io.r2dbc.spi.Row row) implements Row {

		@Override
		public String string(String column) {
			return this.row.get(column, String.class);
		}

		@Override
		public long number(String column) {
			Number number = this.row.get(column, Number.class);
			return (number != null) ? number.longValue() : 0L;
		}

		@Override
		public OffsetDateTime time(String column) {
			return this.row.get(column, OffsetDateTime.class);
		}

	}

}
