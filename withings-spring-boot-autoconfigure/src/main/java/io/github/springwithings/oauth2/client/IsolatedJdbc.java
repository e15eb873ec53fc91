package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * JDBC work that never joins a caller's transaction: each unit runs in a transaction of its own
 * (read committed, read-write) on a connection of its own, committed before it returns. The data
 * source is wrapped in an object of its own, so Spring's transaction synchronization never hands
 * out the caller's connection (whatever its transaction manager: JDBC, JPA, Batch).
 */
final class IsolatedJdbc {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	IsolatedJdbc(DataSource dataSource) {
		Assert.notNull(dataSource, "dataSource cannot be null");
		DataSource own = new DelegatingDataSource((dataSource instanceof TransactionAwareDataSourceProxy proxy)
				? Objects.requireNonNull(proxy.getTargetDataSource()) : dataSource);
		this.jdbc = new JdbcTemplate(own);
		this.jdbc.setQueryTimeout(5);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(own));
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		this.transactions.setReadOnly(false);
	}

	/** Run {@code work} in a transaction of its own, committed before this returns. */
	<T> T execute(Function<JdbcTemplate, T> work) {
		return this.transactions.execute((status) -> work.apply(this.jdbc));
	}

	/**
	 * Run read-only {@code work} on a connection of its own, without a transaction of its own:
	 * a single query needs none (the hot path of every {@code authorize()}), and the caller's
	 * connection is never used.
	 */
	<T> T read(Function<JdbcTemplate, T> work) {
		return work.apply(this.jdbc);
	}

	/** Bound every statement: a locked row or a hung database fails instead of waiting. */
	void setQueryTimeout(Duration timeout) {
		Assert.notNull(timeout, "timeout cannot be null");
		Assert.isTrue(timeout.toSeconds() > 0, "timeout must be at least one second");
		this.jdbc.setQueryTimeout((int) timeout.toSeconds());
	}

}
