package io.github.springwithings.integration;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.WithingsLinkEvent;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent;
import io.github.springwithings.oauth2.client.WithingsUserRefreshedEvent;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new application's first hour, end to end on Tomcat: an H2 <em>file</em> database with the
 * defaults signs in on the first try; linked users are listed; linked, lost and disconnected
 * users are announced as events; and the DEBUG log tells the story (sign-in, 401 answered by a
 * refresh and a retry, a dead link, a disconnect) without a single secret.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "logging.level.io.github.springwithings=DEBUG")
@Import(WithingsFirstHourIntegrationTests.EventsConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
class WithingsFirstHourIntegrationTests {

	static final WithingsSimulator simulator = AbstractWithingsLoginIntegrationTests.startSimulator();

	@TempDir
	static Path databaseDirectory;

	@LocalServerPort
	int port;

	@Autowired
	WithingsLinkedUsers linkedUsers;

	@Autowired
	WithingsAuthorizedClients authorizedClients;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	List<WithingsLinkEvent> events;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
		// what the newcomer had: a file database, and nothing said about the store's schema
		registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + databaseDirectory.resolve("weights"));
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@Test
	void firstHourWhenFileDatabaseWithDefaultsThenSignInLinksAndEventsAndLogsTellTheStory(CapturedOutput output)
			throws Exception {
		BrowserLikeClient browser = new BrowserLikeClient("localhost", Map.of());
		String userId = AbstractWithingsLoginIntegrationTests.USER_ID;

		// sign-in on the first try, into the file database
		browser.get(app("/me"));
		HttpResponse<String> signedIn = browser.get(app("/oauth2/authorization/withings"));
		assertThat(signedIn.statusCode()).isEqualTo(200);
		assertThat(signedIn.body()).startsWith(userId + " ");
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM withings_authorized_client", Integer.class)).isOne();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsUserLinkedEvent.class,
				(linked) -> assertThat(linked.user().userId()).isEqualTo(userId));

		// the linked users, as a background job reads them
		WithingsLinkedUser linked = this.linkedUsers.findByUserId(userId).orElseThrow();
		assertThat(linked.principalName()).isEqualTo(userId);
		assertThat(linked.scopes()).contains("user.metrics", "user.activity");
		assertThat(linked.refreshTokenAge(simulator.clock().instant())).isBetween(Duration.ZERO, Duration.ofMinutes(1));
		try (Stream<WithingsLinkedUser> all = this.linkedUsers.stream()) {
			assertThat(all).containsExactly(linked);
		}

		// Withings refuses an access token that looked valid: refresh, retry, data
		simulator.expireAccessToken(stored(userId).getAccessToken().getTokenValue());
		assertThat(browser.get(app("/api/weights")).statusCode()).isEqualTo(200);
		assertThat(this.events).hasSize(2).last().isInstanceOfSatisfying(WithingsUserRefreshedEvent.class,
				(refreshed) -> assertThat(refreshed.user().userId()).isEqualTo(userId));

		// the user removes the app in Withings: the link is lost, the user goes through consent again
		new WithingsRevocationClient(RestClient.create()).revoke(stored(userId).getClientRegistration(), userId);
		assertThat(browser.get(app("/api/weights")).statusCode()).isEqualTo(200);
		assertThat(this.events).hasSize(4);
		assertThat(this.events.get(2)).isInstanceOfSatisfying(WithingsUserLostEvent.class, (lost) -> {
			assertThat(lost.reason()).isEqualTo(WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD);
			assertThat(lost.user().userId()).isEqualTo(userId);
		});
		assertThat(this.events.get(3)).isInstanceOf(WithingsUserLinkedEvent.class);

		// the app disconnects the user
		assertThat(this.authorizedClients.disconnect(userId)).isTrue();
		assertThat(this.events).hasSize(5).last().isInstanceOf(WithingsUserDisconnectedEvent.class);
		assertThat(this.linkedUsers.findByUserId(userId)).isEmpty();

		assertThat(output.getAll()).contains("Applying the Withings store's schema script")
			.contains("The Withings store's tables withings_authorized_client, withings_sweep and withings_rate_budget are present")
			.contains("Withings authorization_code for registration 'withings' succeeded")
			.contains("Withings API action getmeas for '" + userId
					+ "': status 401, the access token was refused; refreshing it and retrying once")
			.contains("Refreshing the Withings tokens of '" + userId + "'")
			.contains("Refreshed the Withings tokens of '" + userId + "': stored")
			.contains("status 0 after a refresh and a retry in")
			.contains("Withings refused the refresh token of '" + userId + "'")
			.contains("Withings link of '" + userId + "' removed: its refresh token is dead")
			.contains("Disconnecting '" + userId + "': Withings revoked the access of user " + userId)
			.contains("Disconnected '" + userId + "': link removed");
		Set<String> secrets = WithingsLogSecrecyIntegrationTests.secretsSeenBySimulator(simulator);
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(8);
		for (String secret : secrets) {
			assertThat(output.getAll()).as("logs").doesNotContain(secret);
		}
	}

	private OAuth2AuthorizedClient stored(String principalName) {
		OAuth2AuthorizedClient client = this.authorizedClientService.loadAuthorizedClient("withings", principalName);
		assertThat(client).isNotNull();
		return client;
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class EventsConfiguration {

		/** The refresh provider's clock follows the simulator's. */
		@Bean
		Clock clock() {
			return simulator.clock();
		}

		@Bean
		List<WithingsLinkEvent> events() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		EventRecorder eventRecorder(List<WithingsLinkEvent> events) {
			return new EventRecorder(events);
		}

	}

	/** What an application keeping its own table of linked users would listen to. */
	static class EventRecorder {

		private final List<WithingsLinkEvent> events;

		EventRecorder(List<WithingsLinkEvent> events) {
			this.events = events;
		}

		@EventListener
		void on(WithingsLinkEvent event) {
			this.events.add(event);
		}

	}

}
