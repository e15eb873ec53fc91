package io.github.springwithings.sample.servlet;

import java.sql.Timestamp;
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
 * by the background sync and by the notification listener. A group is stored once, whoever
 * brings it first. A user's weights are deleted when their link ends: disconnected
 * ({@link WithingsUserDisconnectedEvent}) or lost ({@link WithingsUserLostEvent}), in a
 * transaction of their own (the starter may publish inside its caller's).
 */
@Component
class MeasurementStore {

	private static final Log logger = LogFactory.getLog(MeasurementStore.class);

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	MeasurementStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	void store(String principalName, List<WithingsMeasureGroup> groups) {
		for (WithingsMeasureGroup group : groups) {
			group.measure(WithingsMeasure.WEIGHT).ifPresent((weight) -> this.jdbc.update(
					"MERGE INTO sample_measurement (principal_name, group_id, measured_at, kilograms) KEY (principal_name, group_id) VALUES (?, ?, ?, ?)",
					principalName, group.id(), Timestamp.from(group.date()), weight.value()));
		}
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
