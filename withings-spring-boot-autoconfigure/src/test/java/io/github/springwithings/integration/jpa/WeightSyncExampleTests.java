package io.github.springwithings.integration.jpa;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.springwithings.integration.BrowserLikeClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.event.WithingsUserLostEvent;
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
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's JPA + {@code @Scheduled} + {@code @Transactional} sync, run against the simulator
 * in a newcomer's application (Spring Data JPA, Boot's {@link JpaTransactionManager}): every
 * linked user synced, a run repeated adds nothing, a transient failure of one user costs no other
 * user's data, a dead link is dropped (and announced) without breaking the run, a disconnect
 * deletes the user's data.
 */
@SpringBootTest(classes = WeightSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=", "spring.jpa.hibernate.ddl-auto=create-drop",
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
	ClientRegistrationRepository registrations;

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
	void syncAllWhenUsersLinkedThenEachUsersWeightsKeptAndFailuresStayWithTheirUser() throws Exception {
		assertThat(this.transactionManager).isInstanceOf(JpaTransactionManager.class);
		String alice = signIn();
		String bob = signIn();
		assertThat(this.linkedUsers.stream().map(WithingsLinkedUser::userId)).containsExactly(alice, bob);

		// every linked user synced; a second run adds no weighing twice, only newer ones (the
		// simulator's newest weighing is always an hour old, so one may have appeared meanwhile)
		this.weightSync.syncAll();
		long alicesWeights = this.weights.countByWithingsUserId(alice);
		long bobsWeights = this.weights.countByWithingsUserId(bob);
		assertThat(alicesWeights).isEqualTo(60);
		assertThat(bobsWeights).isEqualTo(60);
		Instant alicesLast = this.weights.lastMeasuredAt(alice).orElseThrow();
		Instant bobsLast = this.weights.lastMeasuredAt(bob).orElseThrow();
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserIdAndMeasuredAtLessThanEqual(alice, alicesLast)).isEqualTo(alicesWeights);
		assertThat(this.weights.countByWithingsUserIdAndMeasuredAtLessThanEqual(bob, bobsLast)).isEqualTo(bobsWeights);

		// Withings fails alice's call (HTTP 500), then bob's call: each run still saves the other user
		this.weights.deleteAll();
		simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.httpStatus(500));
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserId(alice)).isZero();
		assertThat(this.weights.countByWithingsUserId(bob)).isEqualTo(bobsWeights);
		this.weightSync.syncAll();
		assertThat(this.weights.countByWithingsUserId(alice)).isEqualTo(alicesWeights);

		// alice removes the app in Withings: her link is dropped and announced, bob's run goes on
		new WithingsRevocationClient(RestClient.create()).revoke(this.registrations.findByRegistrationId("withings"),
				alice);
		this.weights.deleteAll();
		this.weightSync.syncAll();
		assertThat(this.lostUsers.userIds).containsExactly(alice);
		assertThat(this.linkedUsers.findByUserId(alice)).isEmpty();
		assertThat(this.weights.countByWithingsUserId(bob)).isEqualTo(bobsWeights);

		// bob disconnects: his link and his data go
		assertThat(this.authorizedClients.disconnect(bob)).isTrue();
		assertThat(this.weights.count()).isZero();
		assertThat(this.linkedUsers.stream()).isEmpty();
	}

	/** A new user consents (the simulator gives each consent a new Withings user id). */
	private String signIn() throws Exception {
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		browser.get("http://localhost:" + this.port + "/oauth2/authorization/withings");
		List<WithingsLinkedUser> users = this.linkedUsers.findPage(null, 100);
		return users.get(users.size() - 1).userId();
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
