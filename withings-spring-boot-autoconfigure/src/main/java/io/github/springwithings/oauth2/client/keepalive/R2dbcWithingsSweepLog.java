package io.github.springwithings.oauth2.client.keepalive;

import io.github.springwithings.internal.sql.R2dbcStoreDatabase;
import io.github.springwithings.oauth2.client.R2dbcWithingsAuthorizedClientService;
import io.r2dbc.spi.ConnectionFactory;

/**
 * A {@link WithingsSweepLog} in the table {@code withings_sweep} (created by the store's schema),
 * through an R2DBC {@link ConnectionFactory}, on connections of its own, never in a caller's
 * transaction. Blocking, like {@link R2dbcWithingsAuthorizedClientService}: the keep-alive sweep
 * calls it on a scheduler thread of its own.
 */
public final class R2dbcWithingsSweepLog extends SqlWithingsSweepLog {

	/**
	 * @param connectionFactory the connection factory of the store
	 */
	public R2dbcWithingsSweepLog(ConnectionFactory connectionFactory) {
		super(new R2dbcStoreDatabase(connectionFactory));
	}

}
