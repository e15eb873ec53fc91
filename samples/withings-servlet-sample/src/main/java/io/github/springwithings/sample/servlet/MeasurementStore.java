package io.github.springwithings.sample.servlet;

import java.sql.Timestamp;
import java.util.List;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The sample's own table of weights ({@code sample_measurement}, see {@code schema.sql}), filled
 * by the background sync and by the notification listener. A group is stored once, whoever
 * brings it first.
 */
@Component
class MeasurementStore {

	private final JdbcTemplate jdbc;

	MeasurementStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void store(String principalName, List<WithingsMeasureGroup> groups) {
		for (WithingsMeasureGroup group : groups) {
			group.measure(WithingsMeasure.WEIGHT).ifPresent((weight) -> this.jdbc.update(
					"MERGE INTO sample_measurement (principal_name, group_id, measured_at, kilograms) KEY (principal_name, group_id) VALUES (?, ?, ?, ?)",
					principalName, group.id(), Timestamp.from(group.date()), weight.value()));
		}
	}

}
