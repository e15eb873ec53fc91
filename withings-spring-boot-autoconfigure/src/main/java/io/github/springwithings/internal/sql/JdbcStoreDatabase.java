package io.github.springwithings.internal.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The stores' statements on JDBC, never in a caller's transaction: each write runs in a
 * transaction of its own (read committed, read-write) on a connection of its own, committed before
 * it returns; each query runs on a connection of its own without a transaction (a single query
 * needs none: the hot path of every {@code authorize()}), taken from the pool and given back as
 * soon as it is read. The data source is wrapped in an object of its own, so Spring's transaction
 * synchronization never hands out the caller's connection (whatever its transaction manager: JDBC,
 * JPA, Batch), and a query's connection is never registered with the caller's synchronization
 * (which would keep it out of the pool until the caller's transaction ends): inside a caller's
 * transaction a store call holds one more connection, and only while its statement runs.
 */
public final class JdbcStoreDatabase implements StoreDatabase {

	private final DataSource dataSource;

	private final TimeoutOnceJdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Map<String, Map<String, Integer>> columnsByQuery = new ConcurrentHashMap<>();

	/**
	 * @param dataSource the store's database
	 */
	public JdbcStoreDatabase(DataSource dataSource) {
		Assert.notNull(dataSource, "dataSource cannot be null");
		this.dataSource = new DelegatingDataSource((dataSource instanceof TransactionAwareDataSourceProxy proxy)
				? Objects.requireNonNull(proxy.getTargetDataSource()) : dataSource);
		this.jdbc = new TimeoutOnceJdbcTemplate(this.dataSource);
		this.jdbc.setStatementTimeout(5);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		this.transactions.setReadOnly(false);
	}

	/**
	 * Plain JDBC on a connection of the pool, closed before it returns: {@link JdbcTemplate} would
	 * get it through {@code DataSourceUtils}, which binds it to an active transaction
	 * synchronization of the caller until that transaction completes.
	 */
	@Override
	public <T> List<T> query(String sql, Function<Row, T> mapper, Object... args) {
		Connection connection;
		try {
			connection = this.dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", ex);
		}
		try (connection; PreparedStatement statement = connection.prepareStatement(sql)) {
			this.jdbc.applyStatementSettings(statement);
			new ArgumentPreparedStatementSetter(parameters(args)).setValues(statement);
			try (ResultSet rs = statement.executeQuery()) {
				List<T> rows = new ArrayList<>();
				while (rs.next()) {
					rows.add(mapper.apply(new ResultSetRow(rs, columns(sql, rs))));
				}
				return rows;
			}
		}
		catch (SQLException ex) {
			DataAccessException translated = this.jdbc.getExceptionTranslator().translate("query", sql, ex);
			throw (translated != null) ? translated : new UncategorizedSQLException("query", sql, ex);
		}
	}

	/**
	 * The column positions of a query's result by lower-case name, learnt at its first run: a
	 * driver's lookup by name (H2 upper-cases the name at every call) cost the hot path's read
	 * more than its columns themselves.
	 */
	private Map<String, Integer> columns(String sql, ResultSet rs) throws SQLException {
		Map<String, Integer> columns = this.columnsByQuery.get(sql);
		if (columns == null) {
			ResultSetMetaData metaData = rs.getMetaData();
			Map<String, Integer> learnt = new HashMap<>();
			for (int i = 1; i <= metaData.getColumnCount(); i++) {
				learnt.putIfAbsent(metaData.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
			}
			columns = Map.copyOf(learnt);
			if (this.columnsByQuery.size() < 100) {
				this.columnsByQuery.put(sql, columns);
			}
		}
		return columns;
	}

	@Override
	public int update(String sql, Object... args) {
		Integer count = this.transactions.execute((status) -> this.jdbc.update(sql, parameters(args)));
		return (count != null) ? count : 0;
	}

	/** MariaDB as itself, also through MySQL Connector/J (which names every server MySQL). */
	@Override
	public String productName() {
		try {
			return JdbcUtils.extractDatabaseMetaData(this.dataSource, (metaData) -> {
				String product = metaData.getDatabaseProductName();
				return "mariadb".equals(SqlPlatforms.platform(product, metaData.getDatabaseProductVersion()))
						? "MariaDB" : product;
			});
		}
		catch (MetaDataAccessException ex) {
			return null;
		}
	}

	@Override
	public String schemaName() {
		try (Connection connection = this.dataSource.getConnection()) {
			return connection.getSchema();
		}
		catch (SQLException | RuntimeException | AbstractMethodError ex) {
			return null;
		}
	}

	@Override
	public String sqlState(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof SQLException sql) ? sql.getSQLState() : null;
	}

	@Override
	public Integer errorCode(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof SQLException sql) ? sql.getErrorCode() : null;
	}

	@Override
	public void setQueryTimeout(Duration timeout) {
		Assert.notNull(timeout, "timeout cannot be null");
		Assert.isTrue(timeout.toSeconds() > 0, "timeout must be at least one second");
		this.jdbc.setStatementTimeout((int) timeout.toSeconds());
	}

	private static Object[] parameters(Object[] args) {
		Object[] parameters = new Object[args.length];
		for (int i = 0; i < args.length; i++) {
			Object arg = args[i];
			parameters[i] = (arg instanceof Secret secret) ? new SecretValue(secret.value())
					: (arg instanceof Null) ? null : arg;
		}
		return parameters;
	}

	/**
	 * Every statement runs with the query timeout, set only when the statement does not have it
	 * yet. H2 keeps the timeout per session and runs {@code SET QUERY_TIMEOUT} at every
	 * {@code setQueryTimeout}: setting it on every statement, as {@link JdbcTemplate} does, made
	 * each read of the hot path cost a second command (several times the read itself). Drivers
	 * that keep it per statement (PostgreSQL) still get it set on each.
	 */
	private static final class TimeoutOnceJdbcTemplate extends JdbcTemplate {

		private volatile int statementTimeout;

		TimeoutOnceJdbcTemplate(DataSource dataSource) {
			super(dataSource);
		}

		/** The timeout in seconds ({@link JdbcTemplate}'s own stays unset). */
		void setStatementTimeout(int seconds) {
			this.statementTimeout = seconds;
		}

		@Override
		public void applyStatementSettings(Statement stmt) throws SQLException {
			super.applyStatementSettings(stmt);
			int timeout = this.statementTimeout;
			if (timeout > 0 && stmt.getQueryTimeout() != timeout) {
				stmt.setQueryTimeout(timeout);
			}
		}

	}

	/**
	 * A token value bound without ever showing in a log: Spring JDBC logs parameter values at
	 * TRACE with their {@code toString()}.
	 */
	private record SecretValue(String value) implements SqlTypeValue {

		@Override
		public void setTypeValue(PreparedStatement ps, int paramIndex, int sqlType, String typeName)
				throws SQLException {
			ps.setString(paramIndex, this.value);
		}

		@Override
		public String toString() {
			return "[secret]";
		}

	}

	private record ResultSetRow(ResultSet rs, Map<String, Integer> columns) implements Row {

		private int index(String column) throws SQLException {
			Integer index = this.columns.get(column);
			if (index == null) {
				index = this.columns.get(column.toLowerCase(Locale.ROOT));
			}
			return (index != null) ? index : this.rs.findColumn(column);
		}

		@Override
		public String string(String column) {
			try {
				return this.rs.getString(index(column));
			}
			catch (SQLException ex) {
				throw new DataRetrievalFailureException("Cannot read column " + column, ex);
			}
		}

		@Override
		public long number(String column) {
			try {
				return this.rs.getLong(index(column));
			}
			catch (SQLException ex) {
				throw new DataRetrievalFailureException("Cannot read column " + column, ex);
			}
		}

		@Override
		public Instant instant(String column) {
			try {
				long millis = this.rs.getLong(index(column));
				return this.rs.wasNull() ? null : Instant.ofEpochMilli(millis);
			}
			catch (SQLException ex) {
				throw new DataRetrievalFailureException("Cannot read column " + column, ex);
			}
		}

	}

}
