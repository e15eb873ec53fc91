package io.github.springwithings.oauth2.client.keepalive;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.github.springwithings.internal.sql.StoreDatabase;

import org.springframework.dao.DuplicateKeyException;

/**
 * A {@link WithingsSweepLog} in the table {@code withings_sweep} (created by the store's schema),
 * on connections of its own, never in a caller's transaction: the same statements on JDBC and on
 * R2DBC.
 */
abstract sealed class SqlWithingsSweepLog implements WithingsSweepLog permits JdbcWithingsSweepLog, R2dbcWithingsSweepLog {

	private final StoreDatabase database;

	SqlWithingsSweepLog(StoreDatabase database) {
		this.database = database;
	}

	@Override
	public boolean tryStart(String name, Instant now, Duration interval) {
		// whole milliseconds, never rounded up by the database: a start kept later than it was
		// would refuse the next one at exactly one interval
		Instant start = now.truncatedTo(ChronoUnit.MILLIS);
		if (this.database.update("UPDATE withings_sweep SET started_at = ? WHERE name = ? AND started_at <= ?",
				StoreDatabase.time(start), name, StoreDatabase.time(start.minus(interval))) == 1) {
			return true;
		}
		if (!lastStarts(name).isEmpty()) {
			return false;
		}
		try {
			// the first start ever: a plain insert (an INSERT ... SELECT without FROM is not portable);
			// another instance inserting first makes it a duplicate key, not a second start
			return this.database.update("INSERT INTO withings_sweep (name, started_at) VALUES (?, ?)", name,
					StoreDatabase.time(start)) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	@Override
	public void stoppedEarly(String name, Instant start, Duration interval) {
		Instant recorded = start.truncatedTo(ChronoUnit.MILLIS);
		this.database.update("UPDATE withings_sweep SET started_at = ? WHERE name = ? AND started_at = ?",
				StoreDatabase.time(recorded.minus(interval)), name, StoreDatabase.time(recorded));
	}

	@Override
	public Instant lastStart(String name) {
		List<Instant> starts = lastStarts(name);
		return starts.isEmpty() ? null : starts.get(0);
	}

	private List<Instant> lastStarts(String name) {
		return this.database.query("SELECT started_at FROM withings_sweep WHERE name = ?",
				(row) -> row.instant("started_at"), name);
	}

}
