package io.github.springwithings.sample.webflux;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.simulator.SimulatedBrowser;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample keeps its links in an H2 file through the starter's R2DBC store: a user linked before
 * a restart is still linked after it, and the refresh token read back from the file still works.
 */
class WithingsWebFluxSampleRestartTests {

	@BeforeAll
	static void installBlockHound() {
		SampleBlockHound.install();
	}

	@Test
	void sampleWhenRestartedThenTheUserIsStillLinkedThroughTheR2dbcFile() {
		try (WithingsSimulator withings = WithingsSimulator.start()) {
			String[] args = { "--server.port=0",
					// closed with its last connection: the second start reads the file again
					"--spring.r2dbc.url=r2dbc:h2:file:///./target/test-db/restart-" + UUID.randomUUID(),
					"--spring.security.oauth2.client.registration.withings.client-id=" + WithingsSimulator.DEFAULT_CLIENT_ID,
					"--spring.security.oauth2.client.registration.withings.client-secret="
							+ WithingsSimulator.DEFAULT_CLIENT_SECRET,
					"--withings.api-base-uri=" + withings.baseUrl(), "--withings.account-base-uri=" + withings.baseUrl() };
			String carol = withings.accountUserId("carol");
			try (ConfigurableApplicationContext before = SpringApplication.run(WithingsWebFluxSampleApplication.class, args)) {
				HttpResponse<String> dashboard = new SimulatedBrowser()
					.signIn("http://localhost:" + port(before) + "/oauth2/authorization/withings", "carol");
				assertThat(dashboard.uri().getPath()).isEqualTo("/dashboard");
				assertThat(dashboard.body()).contains(carol).contains("database (R2DBC)");
			}

			// while the application is down, Carol's access token expires at Withings
			withings.clock().advance(Duration.ofHours(3).plusMinutes(5));

			try (ConfigurableApplicationContext after = SpringApplication.run(WithingsWebFluxSampleApplication.class, args)) {
				Instant now = Instant.now();
				WithingsMeasures measures = after.getBean(WithingsReactiveApi.class)
					.forPrincipal(carol)
					.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT)
					.block(Duration.ofSeconds(30));
				assertThat(measures.groups()).isNotEmpty();
			}
			// no new consent: the refresh token read back from the file was used
			assertThat(withings.counters().authorizationCodeGrants()).isEqualTo(1);
			assertThat(withings.counters().refreshTokenGrants()).isEqualTo(1);
		}
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
