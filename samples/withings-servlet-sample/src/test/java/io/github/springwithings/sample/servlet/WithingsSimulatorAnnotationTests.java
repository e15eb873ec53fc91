package io.github.springwithings.sample.servlet;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.springwithings.simulator.SimulatedBrowser;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.simulator.test.AutoConfigureWithingsSimulator;
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
				"sample.sync.initial-delay=PT1H" })
@AutoConfigureWithingsSimulator
class WithingsSimulatorAnnotationTests {

	@LocalServerPort
	int port;

	@Autowired
	WithingsSimulator withings;

	@Test
	void dashboardWhenAliceSignsInThenTokensRefreshAndARevokedLinkSendsHerBackToConsent() {
		String app = "http://localhost:" + this.port;
		SimulatedBrowser browser = new SimulatedBrowser();
		String alice = this.withings.accountUserId("alice");

		HttpResponse<String> dashboard = browser.signIn(app + "/oauth2/authorization/withings", "alice");

		assertThat(dashboard.statusCode()).isEqualTo(200);
		assertThat(dashboard.uri().getPath()).isEqualTo("/dashboard");
		assertThat(dashboard.body()).contains("<dd id=\"user-id\">" + alice + "</dd>");

		// the access token (3 hours) expires: Withings refuses it, the starter refreshes
		this.withings.clock().advance(Duration.ofHours(3).plusMinutes(5));
		HttpResponse<String> afterExpiry = browser.get(app + "/dashboard");

		assertThat(afterExpiry.statusCode()).isEqualTo(200);
		assertThat(this.withings.counters().unauthorizedDataRequests()).isEqualTo(1);
		assertThat(this.withings.counters().refreshTokenGrants()).isEqualTo(1);

		// Alice removes the application in her Withings account: back to the consent page
		assertThat(this.withings.revokeUser(alice)).isTrue();
		HttpResponse<String> afterRevocation = browser.get(app + "/dashboard");

		assertThat(afterRevocation.statusCode()).isEqualTo(302);
		assertThat(afterRevocation.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).startsWith(this.withings.baseUrl() + "/oauth2_user/authorize2?"));

		// signing in again as alice: the same Withings user
		HttpResponse<String> again = browser.signIn(app + "/oauth2/authorization/withings", "alice");

		assertThat(again.uri().getPath()).isEqualTo("/dashboard");
		assertThat(again.body()).contains("<dd id=\"user-id\">" + alice + "</dd>");
		assertThat(this.withings.counters().authorizationCodeGrants()).isEqualTo(2);
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
