package io.github.springwithings.ratelimit;

import java.time.Clock;

import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.springwithings.internal.sql.R2dbcStoreDatabase;
import io.github.springwithings.oauth2.client.R2dbcWithingsAuthorizedClientService;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.r2dbc.spi.ConnectionFactory;

/**
 * Bucket4j buckets in the table {@code withings_rate_budget} (created by the store's schema)
 * through an R2DBC {@link ConnectionFactory}, for a {@link WithingsRateBudget#shared rate budget
 * shared} by the instances of an application: the statements of
 * {@link JdbcWithingsRateBudgetStore}, blocking like {@link R2dbcWithingsAuthorizedClientService}
 * (the starter calls it where blocking is allowed, never on an event loop).
 */
public final class R2dbcWithingsRateBudgetStore extends SqlWithingsRateBudgetStore {

	/**
	 * @param connectionFactory the connection factory of the store
	 */
	public R2dbcWithingsRateBudgetStore(ConnectionFactory connectionFactory) {
		this(connectionFactory, Clock.systemUTC());
	}

	/**
	 * @param connectionFactory the connection factory of the store
	 * @param clock the clock buckets refill by (every instance's clock must agree, as for the store)
	 */
	public R2dbcWithingsRateBudgetStore(ConnectionFactory connectionFactory, Clock clock) {
		super(new R2dbcStoreDatabase(connectionFactory),
				ClientSideConfig.getDefault().withClientClock(WithingsRateBudget.clientClock(clock)));
	}

}
