package io.github.springwithings.ratelimit;

import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.springwithings.internal.sql.StoreDatabase;

import org.springframework.dao.DuplicateKeyException;

/**
 * Bucket4j buckets in the table {@code withings_rate_budget} (created by the store's schema), for
 * a rate budget shared by every instance of an application: Bucket4j's compare-and-swap
 * {@link io.github.bucket4j.distributed.proxy.ProxyManager}, each swap one statement on a
 * connection of its own (never in a caller's transaction), guarded by a version column. The same
 * statements on JDBC and R2DBC, H2 and PostgreSQL. Blocking, like the store: the starter calls it
 * where blocking is allowed.
 */
abstract sealed class SqlWithingsRateBudgetStore extends AbstractCompareAndSwapBasedProxyManager<String>
		permits JdbcWithingsRateBudgetStore, R2dbcWithingsRateBudgetStore {

	static final String TABLE = "withings_rate_budget";

	static final String COLUMNS = "id, state, version";

	private final StoreDatabase database;

	SqlWithingsRateBudgetStore(StoreDatabase database, ClientSideConfig clientSideConfig) {
		super(clientSideConfig);
		this.database = database;
	}

	@Override
	protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
		return new CompareAndSwapOperation() {

			private long version;

			@Override
			public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
				List<Stored> rows = SqlWithingsRateBudgetStore.this.database.query(
						"SELECT state, version FROM " + TABLE + " WHERE id = ?",
						(row) -> new Stored(row.string("state"), row.number("version")), key);
				if (rows.isEmpty()) {
					return Optional.empty();
				}
				this.version = rows.get(0).version();
				return Optional.of(Base64.getDecoder().decode(rows.get(0).state()));
			}

			@Override
			public boolean compareAndSwap(byte[] originalData, byte[] newData, RemoteBucketState newState,
					Optional<Long> timeoutNanos) {
				String state = Base64.getEncoder().encodeToString(newData);
				if (originalData == null) {
					try {
						return SqlWithingsRateBudgetStore.this.database.update(
								"INSERT INTO " + TABLE + " (id, state, version) VALUES (?, ?, ?)", key, state, 0L) == 1;
					}
					catch (DuplicateKeyException ex) {
						return false; // another instance created it first: read again
					}
				}
				return SqlWithingsRateBudgetStore.this.database.update(
						"UPDATE " + TABLE + " SET state = ?, version = ? WHERE id = ? AND version = ?", state,
						this.version + 1, key, this.version) == 1;
			}

		};
	}

	@Override
	protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
		throw new UnsupportedOperationException("The Withings rate budget store is blocking");
	}

	@Override
	public boolean isAsyncModeSupported() {
		return false;
	}

	@Override
	public void removeProxy(String key) {
		this.database.update("DELETE FROM " + TABLE + " WHERE id = ?", key);
	}

	@Override
	protected CompletableFuture<Void> removeAsync(String key) {
		throw new UnsupportedOperationException("The Withings rate budget store is blocking");
	}

	private record Stored(String state, long version) {
	}

}
