package io.github.springwithings.sample.servlet;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.oauth2.client.WithingsLinkEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sample's own table of weights ({@code sample_measurement}, see {@code schema.sql}), filled
 * from the starter's data sync ({@link SyncedWeights}) and read by the dashboard
 * ({@link DashboardWeights}). A group is stored once, by Withings' own id ({@code grpid}): the
 * sync delivers at least once, so the same group may come again (an upsert, counted only when
 * it changed something). A user's weights are deleted when their link ends: disconnected
 * ({@link WithingsUserDisconnectedEvent}) or lost ({@link WithingsUserLostEvent}), in a
 * transaction of their own (the starter may publish inside its caller's).
 */
@Component
class MeasurementStore {

	private static final Log logger = LogFactory.getLog(MeasurementStore.class);

	/** SQL's MERGE: a row only when new or changed (H2, PostgreSQL 15+, SQL Server, Oracle). */
	private static final String UPSERT = """
			MERGE INTO sample_measurement stored
			USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS BIGINT), CAST(? AS TIMESTAMP), CAST(? AS DECIMAL(8, 3))))
				AS synced (principal_name, group_id, measured_at, kilograms)
			ON stored.principal_name = synced.principal_name AND stored.group_id = synced.group_id
			WHEN MATCHED AND (stored.measured_at <> synced.measured_at OR stored.kilograms <> synced.kilograms) THEN
				UPDATE SET measured_at = synced.measured_at, kilograms = synced.kilograms
			WHEN NOT MATCHED THEN
				INSERT (principal_name, group_id, measured_at, kilograms)
				VALUES (synced.principal_name, synced.group_id, synced.measured_at, synced.kilograms)
			""";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	MeasurementStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Stores the weights of measure groups, by Withings' group id: a new group is inserted, a
	 * changed one updated, one stored already left alone.
	 * @param principalName the user
	 * @param groups the groups (those without a weight are skipped)
	 * @return how many weights were inserted or changed
	 */
	int store(String principalName, List<WithingsMeasureGroup> groups) {
		int changed = 0;
		for (WithingsMeasureGroup group : groups) {
			if (group.measure(WithingsMeasure.WEIGHT).isPresent()) {
				changed += this.jdbc.update(UPSERT, principalName, group.id(), Timestamp.from(group.date()),
						group.measure(WithingsMeasure.WEIGHT).get().value());
			}
		}
		return changed;
	}

	/**
	 * A user's weights measured in a period.
	 * @param principalName the user
	 * @param from the period's start
	 * @param to its end
	 * @return the weights, oldest first
	 */
	List<WeightChart.Weight> weights(String principalName, Instant from, Instant to) {
		return this.jdbc.query(
				"SELECT measured_at, kilograms FROM sample_measurement WHERE principal_name = ? AND measured_at BETWEEN ? AND ? ORDER BY measured_at",
				(row, number) -> new WeightChart.Weight(row.getTimestamp("measured_at").toInstant(),
						row.getBigDecimal("kilograms")),
				principalName, Timestamp.from(from), Timestamp.from(to));
	}

	@EventListener({ WithingsUserDisconnectedEvent.class, WithingsUserLostEvent.class })
	void onLinkEnded(WithingsLinkEvent event) {
		String principalName = event.user().principalName();
		Integer deleted = this.ownTransaction
			.execute((status) -> this.jdbc.update("DELETE FROM sample_measurement WHERE principal_name = ?", principalName));
		logger.info("Deleted the " + deleted + " stored weights of '" + principalName + "' (link "
				+ ((event instanceof WithingsUserDisconnectedEvent) ? "disconnected" : "lost") + ")");
	}

}
