package io.github.springwithings.integration;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Withings' unlink notification (appli 46) on a servlet application with pages: once it removed
 * the link, the user's next page goes straight to Withings' consent, with no data call made with
 * the dead access token, whatever the page calls Withings with. One subclass per store.
 */
abstract class AbstractWithingsUnlinkIntegrationTests {

	static final String PATH = "/withings/notifications/Uq4xv9Tt1mPp";

	@LocalServerPort
	int port;

	@Autowired
	WithingsAuthorizedClientService store;

	BrowserLikeClient browser;

	String userId;

	abstract WithingsSimulator simulator();

	/** The store this subclass runs on. */
	abstract Class<? extends WithingsAuthorizedClientService> storeType();

	static void properties(DynamicPropertyRegistry registry, WithingsSimulator simulator) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		registry.add("withings.nonce.prefetch", () -> "false");
		registry.add("withings.notifications.callback-url", () -> "http://127.0.0.1:0" + PATH);
		registry.add("withings.notifications.allowed-sources", () -> "127.0.0.1/32,::1/128");
		registry.add("withings.notifications.subscribe-spacing", () -> "0s");
		// not a test of the budget: ten times Withings' pace, so that each test's sign-in and
		// subscriptions do not wait for the permits the previous tests used
		registry.add("withings.rate-limit.requests-per-minute", () -> "1200");
		registry.add("withings.rate-limit.burst", () -> "60");
	}

	@BeforeEach
	void signIn() throws Exception {
		// a new Withings user at each consent: a test's sign-in is not disturbed by the background
		// subscription of the previous test's consent
		assertThat(this.store).isInstanceOf(storeType());
		simulator().consentAsNewUsers();
		this.browser = new BrowserLikeClient("localhost", Map.of());
		HttpResponse<String> me = this.browser.get(app("/me"));
		assertThat(me.statusCode()).isEqualTo(200);
		this.userId = me.body().substring(0, me.body().indexOf(' '));
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(simulator().subscriptions(this.userId))
				.extracting(SimulatorSubscription::appli)
				.contains(46));
	}

	@ParameterizedTest
	@EnumSource(WithingsDeadLinkConsentIntegrationTests.Page.class)
	void pageWhenUnlinkNotificationRemovedTheLinkThenFirstRequestGoesToConsentWithNoCallWithTheDeadToken(
			WithingsDeadLinkConsentIntegrationTests.Page page) throws Exception {
		WithingsAuthorizedClient linked = this.store.loadByUserId("withings", this.userId);
		assertThat(linked).isNotNull();
		String deadAccessToken = linked.getAuthorizedClient().getAccessToken().getTokenValue();
		int unauthorized = simulator().counters().unauthorizedDataRequests();
		int codeGrants = simulator().counters().authorizationCodeGrants();
		simulator().wireMock().resetRequests(); // the journal: what was sent from now on

		assertThat(simulator().unlink(this.userId)).isOne();
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> this.store.loadByUserId("withings", this.userId) == null);

		int from = this.browser.visited().size();
		HttpResponse<String> response = this.browser.get(app(page.path));

		List<URI> hops = List.copyOf(this.browser.visited().subList(from, this.browser.visited().size()));
		assertThat(simulator().wireMock()
			.findAll(WireMock.anyRequestedFor(WireMock.anyUrl())
				.withHeader("Authorization", WireMock.containing(deadAccessToken))))
			.as("data calls made with the dead access token")
			.isEmpty();
		assertThat(simulator().counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
		assertThat(hops).hasSizeGreaterThan(2);
		assertThat(hops.get(0).getPath()).isEqualTo(page.path);
		assertThat(hops.get(1).getPort()).isEqualTo(simulator().port());
		assertThat(hops.get(1).getPath()).isEqualTo("/oauth2_user/authorize2");
		assertThat(hops.get(hops.size() - 1).getPath()).isEqualTo(page.path);
		assertThat(response.statusCode()).isEqualTo(200);
		if (page == WithingsDeadLinkConsentIntegrationTests.Page.REGISTERED_OAUTH2_AUTHORIZED_CLIENT) {
			assertThat(response.body()).endsWith(" user.activity,user.metrics"); // another user: a new one at each consent
		}
		else {
			page.shows.accept(response.body());
		}
		assertThat(simulator().counters().authorizationCodeGrants()).isEqualTo(codeGrants + 1);
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ClockConfiguration {

		/** For the refresh provider of {@link WithingsTestApplication}. */
		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

}
