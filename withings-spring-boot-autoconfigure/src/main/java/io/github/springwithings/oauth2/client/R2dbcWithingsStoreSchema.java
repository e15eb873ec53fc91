package io.github.springwithings.oauth2.client;

import io.github.springwithings.internal.sql.R2dbcStoreDatabase;
import io.r2dbc.spi.ConnectionFactory;

/**
 * Checks, at start-up, that the database behind an R2DBC {@link ConnectionFactory} holds what the
 * R2DBC store and sweep log need (the same tables and columns as the JDBC store's): a missing table
 * fails the application when it starts, with a message naming the table and the fixes.
 *
 * <p>Each check is a query that reads no row, on a connection of its own. A database that cannot
 * be reached proves nothing: it is logged and the application starts.
 */
public final class R2dbcWithingsStoreSchema extends SqlWithingsStoreSchema {

	/**
	 * Check the tables the store reads and writes through this connection factory.
	 * @param connectionFactory the connection factory of the store
	 */
	public R2dbcWithingsStoreSchema(ConnectionFactory connectionFactory) {
		super(new R2dbcStoreDatabase(connectionFactory));
	}

}
