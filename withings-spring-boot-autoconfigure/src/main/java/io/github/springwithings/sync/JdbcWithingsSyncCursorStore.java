package io.github.springwithings.sync;

import javax.sql.DataSource;

import io.github.springwithings.internal.sql.JdbcStoreDatabase;

/**
 * The sync's cursors in the table {@code withings_sync_cursor} (created by the store's schema)
 * through a {@link DataSource}, shared by every instance of the application: each statement on a
 * connection of its own, never in a caller's transaction; claims and moves compare-and-set the
 * cursor's version.
 */
public final class JdbcWithingsSyncCursorStore extends SqlWithingsSyncCursorStore {

	/**
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsSyncCursorStore(DataSource dataSource) {
		super(new JdbcStoreDatabase(dataSource));
	}

}
