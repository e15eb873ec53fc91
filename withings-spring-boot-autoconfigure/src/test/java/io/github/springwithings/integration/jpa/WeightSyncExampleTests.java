package io.github.springwithings.integration.jpa;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.github.springwithings.simulator.SimulatedBrowser;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's JPA + {@code @Scheduled} + {@code @Transactional} sync, run against the simulator
 * in a newcomer's application (Spring Data JPA, Boot's {@link JpaTransactionManager}): every
 * linked user synced, a repeated run stores no weighing twice, an HTTP 500 or a reset connection
 * for one user costs no other user's data, a dead link is dropped (and announced) without breaking
 * the run, a disconnect deletes the user's data.
 */
@SpringBootTest(classes = WeightSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// JPA back on; R2DBC (on the test class path for the R2DBC store) stays off, as in a JPA app
		properties = { "spring.autoconfigure.exclude=org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
				"spring.jpa.hibernate.ddl-auto=create-drop",
				"spring.datasource.url=jdbc:h2:mem:weight-sync;DB_CLOSE_DELAY=-1" })
@Import(WeightSyncExampleTests.LostUsers.class)
class WeightSyncExampleTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	@LocalServerPort
	int port;

	@Autowired
	WeightSync weightSync;

	@Autowired
	WeightRepository weights;

	@Autowired
	WithingsLinkedUsers linkedUsers;

	@Autowired
	WithingsAuthorizedClients authorizedClients;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	LostUsers lostUsers;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id", () -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		registry.add("withings.rate-limit.requests-per-minute", () -> "60000");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void syncAllWhenUsersLinkedThenEachUsersWeightsKeptAndFailuresStayWithTheirUser() {
		assertThat(this.transactionManager).isInstanceOf(JpaTransactionManager.class);
		signIn("alice");
		signIn("bob");
		List<String> users = this.linkedUsers.stream().map(WithingsLinkedUser::userId).toList();
		assertThat(users).containsExactlyInAnyOrder(simulator.accountUserId("alice"), simulator.accountUserId("bob"));
		String first = users.get(0);
		String second = users.get(1);

		// every linked user synced (30 days a run); a second run stores no weighing twice, only
		// newer ones (the simulator's newest weighing is an hour old, one may have appeared)
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserId(first)).isEqualTo(30);
		assertThat(this.weights.countByWithingsUserId(second)).isEqualTo(30);
		Instant firstsLast = this.weights.lastMeasuredAt(first).orElseThrow();
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserIdAndMeasuredAtLessThanEqual(first, firstsLast)).isEqualTo(30);

		// Withings answers the first user's call with HTTP 500, then resets the connection: each
		// run still saves the second user, and the first user's data arrives once Withings is back
		this.weights.deleteAll();
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.httpStatus(500));
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserId(first)).isZero();
		assertThat(this.weights.countByWithingsUserId(second)).isEqualTo(30);
		this.weights.deleteAll();
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.connectionReset());
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserId(first)).isZero();
		assertThat(this.weights.countByWithingsUserId(second)).isEqualTo(30);
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserId(first)).isEqualTo(30);

		// the first user removes the app in Withings: the link is dropped and announced, the run goes on
		assertThat(simulator.revokeUser(first)).isTrue();
		this.weights.deleteAll();
		this.weightSync.syncAll();
		assertThat(this.lostUsers.userIds).containsExactly(first);
		assertThat(this.linkedUsers.findByUserId(first)).isEmpty();
		assertThat(this.weights.countByWithingsUserId(second)).isEqualTo(30);

		// the second user disconnects: the link and the data go
		assertThat(this.authorizedClients.disconnect(second)).isTrue();
		assertThat(this.weights.count()).isZero();
		assertThat(this.linkedUsers.stream()).isEmpty();
	}

	/** A user consents at the simulator as {@code account} (a stable Withings user id). */
	private void signIn(String account) {
		new SimulatedBrowser().signIn("http://localhost:" + this.port + "/oauth2/authorization/withings", account);
		assertThat(this.linkedUsers.findByUserId(simulator.accountUserId(account))).isPresent();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class LostUsers {

		final List<String> userIds = new CopyOnWriteArrayList<>();

		@EventListener
		void on(WithingsUserLostEvent event) {
			this.userIds.add(event.user().userId());
		}

	}

}
