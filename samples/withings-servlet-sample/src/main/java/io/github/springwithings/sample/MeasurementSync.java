package io.github.springwithings.sample;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The background sync: every {@code sample.sync.interval}, pulls the last 30 days of weights of
 * every linked user through the starter's outside-a-request API and stores them.
 */
@Component
class MeasurementSync {

	private static final Log logger = LogFactory.getLog(MeasurementSync.class);

	private final WithingsAuthorizedClientService authorizedClientService;

	private final WithingsAuthorizedClients authorizedClients;

	private final WithingsApi withingsApi;

	private final JdbcTemplate jdbc;

	private final AtomicReference<Instant> lastSync = new AtomicReference<>();

	MeasurementSync(WithingsAuthorizedClientService authorizedClientService, WithingsAuthorizedClients authorizedClients,
			WithingsApi withingsApi, JdbcTemplate jdbc) {
		this.authorizedClientService = authorizedClientService;
		this.authorizedClients = authorizedClients;
		this.withingsApi = withingsApi;
		this.jdbc = jdbc;
	}

	@Scheduled(initialDelayString = "${sample.sync.initial-delay:PT20S}", fixedDelayString = "${sample.sync.interval:PT5M}")
	void sync() {
		String registrationId = this.authorizedClients.getDefaultRegistrationId();
		Instant now = Instant.now();
		int users = 0;
		String after = null;
		List<WithingsAuthorizedClient> page;
		do {
			page = this.authorizedClientService.findPage(registrationId, after, 50);
			for (WithingsAuthorizedClient client : page) {
				try {
					store(client.getPrincipalName(), this.withingsApi.forPrincipal(client.getPrincipalName())
						.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT)
						.groups());
					users++;
				}
				catch (RuntimeException ex) {
					logger.warn("Sync of '" + client.getPrincipalName() + "' failed: " + ex.getMessage());
				}
			}
			after = page.isEmpty() ? after : page.get(page.size() - 1).getPrincipalName();
		}
		while (page.size() == 50);
		this.lastSync.set(now);
		logger.info("Synced the weights of " + users + " users");
	}

	private void store(String principalName, List<WithingsMeasureGroup> groups) {
		for (WithingsMeasureGroup group : groups) {
			group.measure(WithingsMeasure.WEIGHT).ifPresent((weight) -> this.jdbc.update(
					"MERGE INTO sample_measurement (principal_name, group_id, measured_at, kilograms) KEY (principal_name, group_id) VALUES (?, ?, ?, ?)",
					principalName, group.id(), Timestamp.from(group.date()), weight.value()));
		}
	}

	Instant lastSync() {
		return this.lastSync.get();
	}

}
