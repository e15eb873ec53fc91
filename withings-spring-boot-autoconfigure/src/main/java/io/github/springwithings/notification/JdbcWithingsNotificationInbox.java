package io.github.springwithings.notification;

import javax.sql.DataSource;

import io.github.springwithings.internal.sql.JdbcStoreDatabase;

/**
 * The {@link WithingsNotificationInbox} through a {@link DataSource} (the JDBC store's), on
 * connections of its own, never in a caller's transaction.
 */
public final class JdbcWithingsNotificationInbox extends WithingsNotificationInbox {

	/**
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsNotificationInbox(DataSource dataSource) {
		super(new JdbcStoreDatabase(dataSource));
	}

}
