package io.github.springwithings.integration;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End to end: a user whose Withings link is dead (revoked at Withings while the access token
 * expired, or no link stored) is sent to Withings' consent by the <em>first</em> request to a
 * page that calls Withings, whatever that page calls Withings with, and comes back to that page,
 * which then shows data. No error page, no second request needed. A background caller gets
 * Withings' own answer instead.
 */
@SpringBootTest(classes = WithingsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(WithingsDeadLinkConsentIntegrationTests.SimulatorClockConfiguration.class)
class WithingsDeadLinkConsentIntegrationTests {

	static final String USER_ID = AbstractWithingsLoginIntegrationTests.USER_ID;

	static final String OTHER_USER_ID = "36000002";

	static final WithingsSimulator simulator = AbstractWithingsLoginIntegrationTests.startSimulator();

	@LocalServerPort
	int port;

	@Autowired
	OAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	WithingsAuthorizedClients withingsAuthorizedClients;

	@Autowired
	ClientRegistrationRepository clientRegistrationRepository;

	BrowserLikeClient browser;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		AbstractWithingsLoginIntegrationTests.simulatorProperties(registry, simulator, "signature");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@BeforeEach
	void newBrowser() {
		this.browser = new BrowserLikeClient("localhost", Map.of());
	}

	@ParameterizedTest
	@EnumSource(Page.class)
	void pageWhenRevokedAtWithingsAndAccessTokenExpiredThenFirstRequestGoesToConsentAndBackToThePage(Page page)
			throws Exception {
		OAuth2AuthorizedClient other = signInOtherUser();
		signIn(this.browser, USER_ID);
		OAuth2AuthorizedClient before = storedClient(USER_ID);
		new WithingsRevocationClient(RestClient.create()).revoke(registration(), USER_ID);
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		int deadChainUses = simulator.counters().deadChainUses();
		int codeGrants = simulator.counters().authorizationCodeGrants();
		int unauthorizedDataRequests = simulator.counters().unauthorizedDataRequests();

		HttpResponse<String> response = firstRequestGoesToConsentAndBack(page);

		page.shows.accept(response.body());
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses + 1);
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(codeGrants + 1);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorizedDataRequests);
		OAuth2AuthorizedClient after = storedClient(USER_ID);
		assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
		assertThat(simulator.refreshTokenState(after.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		OAuth2AuthorizedClient otherAfter = storedClient(OTHER_USER_ID);
		assertThat(otherAfter.getRefreshToken().getTokenValue()).isEqualTo(other.getRefreshToken().getTokenValue());
		assertThat(otherAfter.getAccessToken().getTokenValue()).isEqualTo(other.getAccessToken().getTokenValue());
		assertThat(simulator.refreshTokenState(other.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	@ParameterizedTest
	@EnumSource(Page.class)
	void pageWhenNoLinkStoredThenFirstRequestGoesToConsentAndBackToThePage(Page page) throws Exception {
		signIn(this.browser, USER_ID);
		this.authorizedClientService.removeAuthorizedClient("withings", USER_ID);
		int deadChainUses = simulator.counters().deadChainUses();
		int codeGrants = simulator.counters().authorizationCodeGrants();

		HttpResponse<String> response = firstRequestGoesToConsentAndBack(page);

		page.shows.accept(response.body());
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses);
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(codeGrants + 1);
		assertThat(simulator.refreshTokenState(storedClient(USER_ID).getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	/**
	 * A signed-in user's page reads another principal's data ({@code forPrincipal("bob")}) and Bob
	 * never linked: Bob's failure, not a redirect of the signed-in user to Withings' consent
	 * (which would link their own account), and no call to Withings.
	 */
	@Test
	void pageWhenItReadsAnotherPrincipalWithNoLinkThenAnErrorAndNoConsentForTheSignedInUser() throws Exception {
		signIn(this.browser, USER_ID);
		int from = this.browser.visited().size();
		int codeGrants = simulator.counters().authorizationCodeGrants();
		int dataRequests = simulator.counters().dataRequests();
		int unauthorized = simulator.counters().unauthorizedDataRequests();

		HttpResponse<String> response = this.browser.get(app("/api/weights/of?principal=bob"));

		assertThat(this.browser.visited().subList(from, this.browser.visited().size()))
			.noneSatisfy((uri) -> assertThat(uri.getPort()).isEqualTo(simulator.port()));
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(codeGrants);
		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
		assertThat(this.browser.get(app("/api/weights/of?principal=" + USER_ID)).body()).as("their own data")
			.isEqualTo("60");
	}

	@Test
	void authorizeWhenRevokedAtWithingsOutsideAWebRequestThenInvalidGrantWithWithingsStatusAndText() throws Exception {
		signIn(this.browser, USER_ID);
		OAuth2AuthorizedClient before = storedClient(USER_ID);
		new WithingsRevocationClient(RestClient.create()).revoke(registration(), USER_ID);
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		int deadChainUses = simulator.counters().deadChainUses();

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> this.withingsAuthorizedClients.authorize(USER_ID))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> {
				assertThat(ex.getClientRegistrationId()).isEqualTo("withings");
				assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
				assertThat(ex.getError().getDescription()).contains("Withings status 503")
					.contains("invalid refresh_token");
				assertThat(ex.getMessage()).doesNotContain(before.getRefreshToken().getTokenValue())
					.doesNotContain(before.getAccessToken().getTokenValue());
			});
		assertThat(this.authorizedClientService.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", USER_ID))
			.isNull();
		assertThat(this.withingsAuthorizedClients.authorize(USER_ID)).isNull();
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses + 1);
	}

	/**
	 * GET the page as a browser would and check the way it went: the first answer is a redirect to
	 * Withings' consent page (comma-joined scopes), and the redirects end on the page first asked for.
	 */
	private HttpResponse<String> firstRequestGoesToConsentAndBack(Page page) throws Exception {
		int from = this.browser.visited().size();

		HttpResponse<String> response = this.browser.get(app(page.path));

		List<URI> hops = List.copyOf(this.browser.visited().subList(from, this.browser.visited().size()));
		assertThat(hops).hasSizeGreaterThan(2);
		assertThat(hops.get(0).getPath()).isEqualTo(page.path);
		assertThat(hops.get(1)).satisfies((uri) -> {
			assertThat(uri.getPort()).isEqualTo(simulator.port());
			assertThat(uri.getPath()).isEqualTo("/oauth2_user/authorize2");
			assertThat(uri.getQuery()).contains("scope=user.metrics,user.activity").contains("state=");
		});
		assertThat(hops.get(hops.size() - 1).getPort()).isEqualTo(this.port);
		assertThat(hops.get(hops.size() - 1).getPath()).isEqualTo(page.path);
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	/** A second Withings user, signed in with a browser of their own: their link must survive. */
	private OAuth2AuthorizedClient signInOtherUser() throws Exception {
		signIn(new BrowserLikeClient("localhost", Map.of()), OTHER_USER_ID);
		return storedClient(OTHER_USER_ID);
	}

	private void signIn(BrowserLikeClient browser, String userId) throws Exception {
		simulator.setConsentingUserId(userId);
		try {
			assertThat(browser.get(app("/me")).body()).contains("/oauth2/authorization/withings");
			HttpResponse<String> signedIn = browser.get(app("/oauth2/authorization/withings"));
			assertThat(signedIn.statusCode()).isEqualTo(200);
			assertThat(signedIn.body()).startsWith(userId + " ");
		}
		finally {
			simulator.setConsentingUserId(USER_ID);
		}
	}

	private OAuth2AuthorizedClient storedClient(String principalName) {
		OAuth2AuthorizedClient client = this.authorizedClientService.loadAuthorizedClient("withings", principalName);
		assertThat(client).isNotNull();
		return client;
	}

	private ClientRegistration registration() {
		return this.clientRegistrationRepository.findByRegistrationId("withings");
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** The pages of {@link WithingsTestApplication}, one per way of calling Withings. */
	enum Page {

		/** The starter's {@code withingsRestClient}, through {@code WithingsApi}. */
		STARTER_WITHINGS_API("/api/weights", (body) -> assertThat(body.split(",")).hasSize(60)
			.allSatisfy((kilograms) -> assertThat(kilograms).matches("\\d+\\.\\d{3}"))),

		/** The starter's {@code withingsWebClient}. */
		STARTER_WEB_CLIENT("/api/webclient",
				(body) -> assertThat(body).startsWith("{").contains("\"measuregrps\"").doesNotContain("\"status\"")),

		/** Spring's {@code OAuth2ClientHttpRequestInterceptor} on a {@code RestClient}. */
		SPRING_REST_CLIENT_INTERCEPTOR("/measures/restclient",
				(body) -> assertThat(body).startsWith("{\"status\":0,").contains("measuregrps")),

		/** Spring's {@code ServletOAuth2AuthorizedClientExchangeFilterFunction} on a {@code WebClient}. */
		SPRING_WEB_CLIENT_FILTER("/measures/webclient",
				(body) -> assertThat(body).startsWith("{\"status\":0,").contains("measuregrps")),

		/** A controller method with {@code @RegisteredOAuth2AuthorizedClient("withings")}. */
		REGISTERED_OAUTH2_AUTHORIZED_CLIENT("/linked",
				(body) -> assertThat(body).startsWith(USER_ID + " ").contains("user.metrics"));

		final String path;

		final Consumer<String> shows;

		Page(String path, Consumer<String> shows) {
			this.path = path;
			this.shows = shows;
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SimulatorClockConfiguration {

		/** Spring's refresh provider (see {@link WithingsTestApplication}) follows the simulator's clock. */
		@Bean
		Clock clock() {
			return simulator.clock();
		}

		/**
		 * The starter's own manager (behind its clients and {@link WithingsAuthorizedClients})
		 * follows it too, so that its access tokens expire when the simulator's clock moves, as
		 * they do with real time.
		 */
		@Bean
		static BeanPostProcessor withingsAuthorizedClientsOnSimulatorClock() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof WithingsAuthorizedClients clients) {
						clients.setClock(simulator.clock());
					}
					return bean;
				}

			};
		}

	}

}
