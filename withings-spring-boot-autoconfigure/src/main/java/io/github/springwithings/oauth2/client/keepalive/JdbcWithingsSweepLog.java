package io.github.springwithings.oauth2.client.keepalive;

import javax.sql.DataSource;

import io.github.springwithings.internal.sql.JdbcStoreDatabase;

/**
 * A {@link WithingsSweepLog} in the table {@code withings_sweep} (created by the store's schema),
 * through a {@link DataSource}, on connections of its own, never in a caller's transaction.
 */
public final class JdbcWithingsSweepLog extends SqlWithingsSweepLog {

	/**
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsSweepLog(DataSource dataSource) {
		super(new JdbcStoreDatabase(dataSource));
	}

}
