package io.github.springwithings.sync;

import io.github.springwithings.internal.sql.R2dbcStoreDatabase;
import io.r2dbc.spi.ConnectionFactory;

/**
 * The statements of {@link JdbcWithingsSyncCursorStore} through an R2DBC {@link ConnectionFactory},
 * blocking: the sync calls it on its worker thread and on the notification executor, never on an
 * event loop.
 */
public final class R2dbcWithingsSyncCursorStore extends SqlWithingsSyncCursorStore {

	/**
	 * @param connectionFactory the connection factory of the store
	 */
	public R2dbcWithingsSyncCursorStore(ConnectionFactory connectionFactory) {
		super(new R2dbcStoreDatabase(connectionFactory));
	}

}
