package io.github.springwithings.sample.servlet;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.springwithings.simulator.SimulatedBrowser;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.simulator.test.AutoConfigureWithingsSimulator;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSync;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test a user of the starter writes for their own application: {@code @SpringBootTest} with
 * {@link AutoConfigureWithingsSimulator}, users signed in by a {@link SimulatedBrowser}, Withings
 * steered through the injected {@link WithingsSimulator}. (The sample's own embedded simulator
 * backs off: the annotation has set the client id.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:annotation-${random.uuid};DB_CLOSE_DELAY=-1",
				// the sync's worker fetches when woken (a link, a notification); the backstop is run by the test
				"withings.sync.poll-interval=1h" })
@AutoConfigureWithingsSimulator
class WithingsSimulatorAnnotationTests {

	@LocalServerPort
	int port;

	@Autowired
	WithingsSimulator withings;

	@Autowired
	WithingsDataSync sync;

	@Test
	void dashboardWhenAliceSignsInThenHerWeightsAreSyncedTokensRefreshAndARevokedLinkSendsHerBackToConsent() {
		String app = "http://localhost:" + this.port;
		SimulatedBrowser browser = new SimulatedBrowser();
		String alice = this.withings.accountUserId("alice");

		HttpResponse<String> dashboard = browser.signIn(app + "/oauth2/authorization/withings", "alice");

		assertThat(dashboard.statusCode()).isEqualTo(200);
		assertThat(dashboard.uri().getPath()).isEqualTo("/dashboard");
		assertThat(dashboard.body()).contains("<dd id=\"user-id\">" + alice + "</dd>");
		// the sync's first fetch of her 30 days, on its worker
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> synced(alice));
		assertThat(browser.get(app + "/dashboard").body()).contains("<dd id=\"sync-state\" data-state=\"SYNCED\">")
			.doesNotContain("id=\"syncing\"")
			.containsPattern("(?s)<table id=\"weights\">.*</table>");

		// three hours pass (the sync runs on the simulator's clock): the access token expired, the
		// backstop is due; its fetch is refused by Withings, the starter refreshes
		this.withings.clock().advance(Duration.ofHours(3).plusMinutes(5));
		this.sync.runAllDue();

		assertThat(this.withings.counters().unauthorizedDataRequests()).isEqualTo(1);
		assertThat(this.withings.counters().refreshTokenGrants()).isEqualTo(1);
		assertThat(browser.get(app + "/dashboard").body()).contains("data-kind=\"REFRESHED\"");

		// Alice removes the application in her Withings account: the next backstop finds the link
		// dead, the sync stops for her, and the dashboard sends her back to the consent page
		assertThat(this.withings.revokeUser(alice)).isTrue();
		this.withings.clock().advance(Duration.ofHours(1).plusMinutes(5));
		this.sync.runAllDue();
		assertThat(this.sync.getStore().findByUser("withings", alice)).isEmpty();
		HttpResponse<String> afterRevocation = browser.get(app + "/dashboard");

		assertThat(afterRevocation.statusCode()).isEqualTo(302);
		assertThat(afterRevocation.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).startsWith(this.withings.baseUrl() + "/oauth2_user/authorize2?"));

		// signing in again as alice: the same Withings user, synced again
		HttpResponse<String> again = browser.signIn(app + "/oauth2/authorization/withings", "alice");

		assertThat(again.uri().getPath()).isEqualTo("/dashboard");
		assertThat(again.body()).contains("<dd id=\"user-id\">" + alice + "</dd>");
		assertThat(this.withings.counters().authorizationCodeGrants()).isEqualTo(2);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> synced(alice));
	}

	/** Whether the sync's fetch of the user's measures succeeded at least once. */
	private boolean synced(String userId) {
		return this.sync.getStore()
			.findByUser("withings", userId)
			.stream()
			.anyMatch((cursor) -> cursor.kind() == WithingsDataKind.MEASURES && cursor.lastSyncedAt() != null);
	}

	@Test
	void signInWhenTheUserDeniesConsentThenTheHomePageSaysSo() {
		this.withings.setDenyConsent(true);

		HttpResponse<String> home = new SimulatedBrowser()
			.signIn("http://localhost:" + this.port + "/oauth2/authorization/withings", "bob");

		assertThat(home.uri().getPath()).isEqualTo("/");
		assertThat(home.uri().getQuery()).isEqualTo("denied");
		assertThat(home.body()).contains("id=\"denied\"");
		assertThat(this.withings.counters().authorizationCodeGrants()).isZero();
	}

	@Test
	void contextWhenAnnotatedThenTheSampleDoesNotStartItsOwnSimulator(@Autowired ApplicationContext context,
			@Autowired Environment environment) {
		assertThat(context.getBeansOfType(WithingsSimulator.class)).containsOnlyKeys("withingsSimulator")
			.containsValue(this.withings);
		assertThat(environment.getProperty("withings.api-base-uri")).isEqualTo(this.withings.baseUrl());
		assertThat(environment.getProperty("withings.account-base-uri")).isEqualTo(this.withings.baseUrl());
	}

}
