package io.github.springwithings.sample.webflux;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.oauth2.client.WithingsLinkEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The sample's own table of weights ({@code sample_measurement}, see {@code schema.sql}) in its
 * R2DBC database, beside the starter's tables: filled from the starter's data sync
 * ({@link SyncedWeights}) and read by the dashboard ({@link DashboardWeights}), never blocking. A
 * group is stored once, by Withings' own id ({@code grpid}): the sync delivers at least once, so
 * the same group may come again (an upsert, counted only when it changed something). Kept in the
 * database rather than in memory because the sync's cursors are: after a restart the sync goes on
 * from where it was, and does not bring again what it already delivered. A user's weights are
 * deleted when their link ends: disconnected ({@link WithingsUserDisconnectedEvent}) or lost
 * ({@link WithingsUserLostEvent}).
 */
@Component
class MeasurementStore {

	private static final Log logger = LogFactory.getLog(MeasurementStore.class);

	/** SQL's MERGE: a row only when new or changed (H2, PostgreSQL 15+, SQL Server, Oracle). */
	private static final String UPSERT = """
			MERGE INTO sample_measurement stored
			USING (VALUES (CAST(:principal AS VARCHAR(200)), CAST(:group AS BIGINT),
					CAST(:measuredAt AS TIMESTAMP WITH TIME ZONE), CAST(:kilograms AS DECIMAL(8, 3))))
				AS synced (principal_name, group_id, measured_at, kilograms)
			ON stored.principal_name = synced.principal_name AND stored.group_id = synced.group_id
			WHEN MATCHED AND (stored.measured_at <> synced.measured_at OR stored.kilograms <> synced.kilograms) THEN
				UPDATE SET measured_at = synced.measured_at, kilograms = synced.kilograms
			WHEN NOT MATCHED THEN
				INSERT (principal_name, group_id, measured_at, kilograms)
				VALUES (synced.principal_name, synced.group_id, synced.measured_at, synced.kilograms)
			""";

	private final DatabaseClient database;

	MeasurementStore(ConnectionFactory connectionFactory) {
		this.database = DatabaseClient.create(connectionFactory);
	}

	/**
	 * Stores the weights of measure groups, by Withings' group id: a new group is inserted, a
	 * changed one updated, one stored already left alone.
	 * @param principalName the user
	 * @param groups the groups (those without a weight are skipped)
	 * @return how many weights were inserted or changed
	 */
	Mono<Long> store(String principalName, List<WithingsMeasureGroup> groups) {
		return Flux.fromIterable(groups)
			.filter((group) -> group.measure(WithingsMeasure.WEIGHT).isPresent())
			.concatMap((group) -> this.database.sql(UPSERT)
				.bind("principal", principalName)
				.bind("group", group.id())
				.bind("measuredAt", OffsetDateTime.ofInstant(group.date(), ZoneOffset.UTC))
				.bind("kilograms", group.measure(WithingsMeasure.WEIGHT).get().value())
				.fetch()
				.rowsUpdated())
			.reduce(0L, Long::sum);
	}

	/**
	 * A user's weights measured in a period.
	 * @param principalName the user
	 * @param from the period's start
	 * @param to its end
	 * @return the weights, oldest first
	 */
	Mono<List<WeightChart.Weight>> weights(String principalName, Instant from, Instant to) {
		return this.database
			.sql("SELECT measured_at, kilograms FROM sample_measurement WHERE principal_name = :principal "
					+ "AND measured_at BETWEEN :from AND :to ORDER BY measured_at")
			.bind("principal", principalName)
			.bind("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
			.bind("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
			.map((row, metadata) -> new WeightChart.Weight(row.get("measured_at", OffsetDateTime.class).toInstant(),
					row.get("kilograms", BigDecimal.class)))
			.all()
			.collectList();
	}

	/**
	 * Deletes the user's weights when their link ended, without blocking (the event may come on an
	 * event loop): the statement runs after this returns.
	 */
	@EventListener({ WithingsUserDisconnectedEvent.class, WithingsUserLostEvent.class })
	void onLinkEnded(WithingsLinkEvent event) {
		String principalName = event.user().principalName();
		String how = (event instanceof WithingsUserDisconnectedEvent) ? "disconnected" : "lost";
		this.database.sql("DELETE FROM sample_measurement WHERE principal_name = :principal")
			.bind("principal", principalName)
			.fetch()
			.rowsUpdated()
			.publishOn(Schedulers.boundedElastic())
			.subscribe((deleted) -> logger.info("Deleted the " + deleted + " stored weights of '" + principalName
					+ "' (link " + how + ")"),
					(ex) -> logger.warn("Deleting the stored weights of '" + principalName + "' failed ("
							+ ex.getClass().getSimpleName() + ")"));
	}

}
