package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;

/**
 * A {@link WithingsSweepLog} in the table {@code withings_sweep} (created by the store's schema),
 * on connections of its own, never in a caller's transaction.
 */
public final class JdbcWithingsSweepLog implements WithingsSweepLog {

	private final IsolatedJdbc jdbc;

	/**
	 * @param dataSource the data source of the store
	 */
	public JdbcWithingsSweepLog(DataSource dataSource) {
		this.jdbc = new IsolatedJdbc(dataSource);
	}

	@Override
	public boolean tryStart(String name, Instant now, Duration interval) {
		// whole milliseconds, never rounded up by the database: a start kept later than it was
		// would refuse the next one at exactly one interval
		Instant start = now.truncatedTo(ChronoUnit.MILLIS);
		Boolean started = this.jdbc.execute((jdbc) -> jdbc.update(
				"UPDATE withings_sweep SET started_at = ? WHERE name = ? AND started_at <= ?", time(start), name,
				time(start.minus(interval))) == 1);
		if (Boolean.TRUE.equals(started)) {
			return true;
		}
		try {
			return Boolean.TRUE.equals(this.jdbc.execute((jdbc) -> jdbc.update(
					"INSERT INTO withings_sweep (name, started_at) SELECT ?, ? WHERE NOT EXISTS "
							+ "(SELECT 1 FROM withings_sweep WHERE name = ?)",
					name, time(start), name) == 1));
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	@Override
	public Instant lastStart(String name) {
		List<OffsetDateTime> starts = this.jdbc.read((jdbc) -> jdbc.queryForList(
				"SELECT started_at FROM withings_sweep WHERE name = ?", OffsetDateTime.class, name));
		return (starts == null || starts.isEmpty()) ? null : starts.get(0).toInstant();
	}

	private static OffsetDateTime time(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
