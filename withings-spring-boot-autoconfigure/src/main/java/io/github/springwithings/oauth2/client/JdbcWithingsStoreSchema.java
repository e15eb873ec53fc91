package io.github.springwithings.oauth2.client;

import javax.sql.DataSource;

import io.github.springwithings.internal.sql.JdbcStoreDatabase;

/**
 * Checks, at start-up, that the database behind a {@link DataSource} holds what the JDBC store and
 * sweep log need (the tables {@code withings_authorized_client} and {@code withings_sweep}, with
 * every column of this version): a missing table fails the application when it starts, with a
 * message naming the table and the fixes, instead of failing a user's sign-in after Withings
 * issued tokens.
 *
 * <p>Each check is a query that reads no row, on a connection of its own. A database that cannot
 * be reached proves nothing: it is logged and the application starts.
 */
public final class JdbcWithingsStoreSchema extends SqlWithingsStoreSchema {

	/**
	 * Check the tables the store reads and writes through this data source.
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsStoreSchema(DataSource dataSource) {
		super(new JdbcStoreDatabase(dataSource));
	}

}
