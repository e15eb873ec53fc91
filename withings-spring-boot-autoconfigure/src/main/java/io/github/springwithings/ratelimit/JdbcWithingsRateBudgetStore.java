package io.github.springwithings.ratelimit;

import java.time.Clock;
import javax.sql.DataSource;

import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.springwithings.internal.sql.JdbcStoreDatabase;
import io.github.springwithings.ratelimit.WithingsRateBudget;

/**
 * Bucket4j buckets in the table {@code withings_rate_budget} (created by the store's schema)
 * through a {@link DataSource}, for a {@link WithingsRateBudget#shared rate budget shared} by the
 * instances of an application: a compare-and-swap
 * {@link io.github.bucket4j.distributed.proxy.ProxyManager}, each statement on a connection of
 * its own, never in a caller's transaction.
 */
public final class JdbcWithingsRateBudgetStore extends SqlWithingsRateBudgetStore {

	/**
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsRateBudgetStore(DataSource dataSource) {
		this(dataSource, Clock.systemUTC());
	}

	/**
	 * @param dataSource the data source of the store
	 * @param clock the clock buckets refill by (every instance's clock must agree, as for the store)
	 */
	public JdbcWithingsRateBudgetStore(DataSource dataSource, Clock clock) {
		super(new JdbcStoreDatabase(dataSource),
				ClientSideConfig.getDefault().withClientClock(WithingsRateBudget.clientClock(clock)));
	}

}
