package io.github.springwithings.notification;

import io.github.springwithings.internal.sql.R2dbcStoreDatabase;
import io.r2dbc.spi.ConnectionFactory;

/**
 * The {@link WithingsNotificationInbox} through an R2DBC {@link ConnectionFactory} (the R2DBC
 * store's), on connections of its own, never in a caller's transaction. Its statements are
 * awaited: the receiver runs them on its executor, never on an event loop.
 */
public final class R2dbcWithingsNotificationInbox extends WithingsNotificationInbox {

	/**
	 * @param connectionFactory the connection factory of the store
	 */
	public R2dbcWithingsNotificationInbox(ConnectionFactory connectionFactory) {
		super(new R2dbcStoreDatabase(connectionFactory));
	}

}
