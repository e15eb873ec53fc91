package io.github.springwithings.integration.reactive;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on WebFlux, served by Reactor Netty on a random port and driven by a real HTTP client
 * with a cookie jar, against the simulator over HTTP: sign-in through the simulator's consent page
 * (demo mode), data through Spring's {@code ServerOAuth2AuthorizedClientExchangeFilterFunction}
 * and through the starter's {@code withingsWebClient} and {@code WithingsReactiveApi}, three
 * refresh cycles, 200 concurrent callers of an expired user, and a user who revoked the
 * application, sent to consent by the first request and back to the page.
 *
 * <p>The first version of this test hung about one run in seven: Reactor Netty 1.3.6 (Boot
 * 4.0.7's) can stop reading a keep-alive connection (reactor/reactor-netty#4361). The build uses
 * Reactor Netty 1.3.8, which fixes it ({@link ReactorNettyReadStallTests});
 * {@link #keepAliveConnectionWhenDataCallsAlternateWithPagesThenEveryRequestIsAnswered()} walks the
 * route that stalled. The browser's timeouts only detect a request that is never answered.
 */
@SpringBootTest(classes = ReactiveWithingsTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "withings.demo-mode=true" })
@Import(WithingsReactiveEndToEndTests.ArrivalsConfiguration.class)
class WithingsReactiveEndToEndTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	static final String ACCOUNT = "alice";

	/** Counts the requests that reached the application's pages, once signed in. */
	static volatile CountDownLatch arrivals = new CountDownLatch(0);

	@LocalServerPort
	int port;

	@Autowired
	ReactiveOAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	WithingsAuthorizedClientService store;

	ReactiveAppBrowser browser;

	String userId;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
		// time is compressed here: hours pass between calls made milliseconds apart
		registry.add("withings.rate-limit.requests-per-minute", () -> "60000");
		// hours pass for Withings between calls: a nonce fetched ahead would be refused; the nonce
		// counts here are those of nonces fetched when needed
		registry.add("withings.nonce.prefetch", () -> "false");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@BeforeEach
	void newBrowser() {
		simulator.consentAs(ACCOUNT);
		this.userId = simulator.accountUserId(ACCOUNT);
		this.browser = new ReactiveAppBrowser();
	}

	@AfterEach
	void noFaultLeft() {
		simulator.clearFaults();
	}

	@Test
	void signInWhenConsentGivenThenPrincipalIsTheWithingsUserIdAndConsentAsksCommaJoinedScopesInDemoMode() {
		int codeGrants = simulator.counters().authorizationCodeGrants();

		HttpResponse<String> me = signIn();

		assertThat(me.statusCode()).as(this.browser.visited().toString()).isEqualTo(200);
		assertThat(me.body()).isEqualTo(this.userId);
		assertThat(this.browser.visited()).anySatisfy((uri) -> {
			assertThat(uri.getPort()).isEqualTo(simulator.port());
			assertThat(uri.getPath()).isEqualTo("/oauth2_user/authorize2");
			assertThat(uri.getQuery()).contains("scope=user.metrics,user.activity")
				.contains("mode=demo")
				.doesNotContain("code_challenge");
		});
		assertThat(this.browser.visited().get(this.browser.visited().size() - 1).getPath()).isEqualTo("/me");
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(codeGrants + 1);
		assertThat(stored().getPrincipalName()).isEqualTo(this.userId);
	}

	@ParameterizedTest
	@EnumSource(Page.class)
	void dataCallWhenSignedInThenThePageShowsWithingsDataWithoutRefresh(Page page) {
		signIn();
		int refreshes = simulator.counters().refreshTokenGrants();
		int dataRequests = simulator.counters().dataRequests();

		HttpResponse<String> response = this.browser.get(app(page.path));

		assertThat(response.statusCode()).isEqualTo(200);
		page.shows.accept(response.body());
		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests + 1);
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes);
	}

	/**
	 * Each cycle, another way of calling Withings meets the expired access token first; then every
	 * way is called again with the new one.
	 */
	@Test
	void dataCallsWhenAccessTokenExpiresThenOneRefreshPerCycleForThreeCycles() {
		signIn();
		int deadChainUses = simulator.counters().deadChainUses();
		int unauthorized = simulator.counters().unauthorizedDataRequests();
		Page.SPRING_FILTER.shows.accept(this.browser.get(app(Page.SPRING_FILTER.path)).body());

		for (int cycle = 1; cycle <= 3; cycle++) {
			Page first = Page.values()[cycle - 1];
			OAuth2AuthorizedClient before = stored();
			int refreshes = simulator.counters().refreshTokenGrants();
			int nonces = simulator.counters().nonceRequests();
			threeHoursPass();

			HttpResponse<String> response = this.browser.get(app(first.path));

			assertThat(response.statusCode()).as("cycle %d, %s", cycle, first).isEqualTo(200);
			first.shows.accept(response.body());
			assertThat(simulator.counters().refreshTokenGrants()).as("cycle %d", cycle).isEqualTo(refreshes + 1);
			assertThat(simulator.counters().nonceRequests()).as("cycle %d", cycle).isEqualTo(nonces + 1);
			OAuth2AuthorizedClient after = stored();
			assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
			assertThat(simulator.refreshTokenState(after.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.ACTIVE);
			assertThat(simulator.refreshTokenState(before.getRefreshToken().getTokenValue()))
				.isEqualTo(RefreshTokenState.DEAD);

			for (Page page : Page.values()) {
				HttpResponse<String> again = this.browser.get(app(page.path));

				assertThat(again.statusCode()).as("cycle %d, %s", cycle, page).isEqualTo(200);
				page.shows.accept(again.body());
			}
			assertThat(simulator.counters().refreshTokenGrants()).as("cycle %d", cycle).isEqualTo(refreshes + 1);
		}
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
	}

	/**
	 * {@code @RegisteredOAuth2AuthorizedClient} in a WebFlux controller: an expired access token is
	 * refreshed once, through the single flight, and stored before the controller gets it.
	 */
	@Test
	void registeredAuthorizedClientWhenAccessTokenExpiredThenRefreshedOnceAndStoredBeforeUse() {
		signIn();
		OAuth2AuthorizedClient before = stored();
		int refreshes = simulator.counters().refreshTokenGrants();
		threeHoursPass();

		HttpResponse<String> response = this.browser.get(app("/registered"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
		OAuth2AuthorizedClient after = stored();
		assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
		// the controller got the stored token (the database keeps microseconds)
		assertThat(java.time.Instant.parse(response.body())).isCloseTo(after.getAccessToken().getExpiresAt(),
				org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
		assertThat(java.time.Instant.parse(this.browser.get(app("/registered")).body())).as("the same token, not refreshed")
			.isCloseTo(java.time.Instant.parse(response.body()),
					org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
	}

	/**
	 * 200 requests of one signed-in user whose access token has expired, each on a connection of
	 * its own, through all three ways of calling Withings. The refresh answer is held at the
	 * simulator until all 200 have reached the application (a latch, no sleep), so they are all in
	 * flight while it is under way.
	 */
	@Test
	void dataCallsWhen200ConcurrentCallersOfAnExpiredUserThenOneNonceOneRefreshAndEveryCallerGetsData()
			throws Exception {
		signIn();
		OAuth2AuthorizedClient before = stored();
		threeHoursPass();
		int nonces = simulator.counters().nonceRequests();
		int refreshes = simulator.counters().refreshTokenGrants();
		int dataRequests = simulator.counters().dataRequests();
		int unauthorized = simulator.counters().unauthorizedDataRequests();
		int deadChainUses = simulator.counters().deadChainUses();
		CountDownLatch refreshed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(refreshed, release));
		arrivals = new CountDownLatch(200);

		List<Page> pages = new ArrayList<>();
		List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
		for (int caller = 0; caller < 200; caller++) {
			Page page = Page.values()[caller % Page.values().length];
			pages.add(page);
			answers.add(this.browser.getAsync(app(page.path)));
		}
		// detection only: both happen within a second or two
		assertThat(arrivals.await(30, TimeUnit.SECONDS)).as("all 200 callers reached the application").isTrue();
		assertThat(refreshed.await(30, TimeUnit.SECONDS)).as("the refresh reached Withings").isTrue();
		release.countDown();

		for (int caller = 0; caller < 200; caller++) {
			HttpResponse<String> response = answers.get(caller).get(30, TimeUnit.SECONDS);

			assertThat(response.statusCode()).as("caller %d, %s", caller, pages.get(caller)).isEqualTo(200);
			pages.get(caller).shows.accept(response.body());
		}
		assertThat(simulator.counters().nonceRequests()).isEqualTo(nonces + 1);
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 1);
		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests + 200);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses);
		OAuth2AuthorizedClient after = stored();
		assertThat(simulator.refreshTokenState(after.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
		assertThat(simulator.refreshTokenState(before.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.DEAD);
	}

	/**
	 * The user removed the application at Withings and the access token has expired: the first
	 * request to a page that calls Withings, whatever it calls Withings with, is redirected to
	 * Withings' consent page; the browser consents and comes back to that page, which shows data.
	 */
	@ParameterizedTest
	@EnumSource(Page.class)
	void pageWhenRevokedAtWithingsAndAccessTokenExpiredThenFirstRequestGoesToConsentAndBackToThePage(Page page) {
		signIn();
		OAuth2AuthorizedClient before = stored();
		assertThat(simulator.revokeUser(this.userId)).isTrue();
		threeHoursPass();
		int deadChainUses = simulator.counters().deadChainUses();
		int codeGrants = simulator.counters().authorizationCodeGrants();
		int unauthorized = simulator.counters().unauthorizedDataRequests();

		HttpResponse<String> response = firstRequestGoesToConsentAndBack(page);

		page.shows.accept(response.body());
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses + 1);
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(codeGrants + 1);
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized);
		OAuth2AuthorizedClient after = stored();
		assertThat(after.getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
		assertThat(simulator.refreshTokenState(after.getRefreshToken().getTokenValue()))
			.isEqualTo(RefreshTokenState.ACTIVE);
	}

	/**
	 * The user removed the application at Withings while the access token still looks valid: only
	 * Withings' answer (HTTP 200, status 401) tells. The starter's clients refresh once, find the
	 * link dead and send the user to consent on that first request. (Spring's filter reacts to
	 * HTTP 401 only; its page shows Withings' envelope.)
	 */
	@ParameterizedTest
	@EnumSource(value = Page.class, names = { "STARTER_WEB_CLIENT", "STARTER_REACTIVE_API" })
	void starterPageWhenRevokedAtWithingsAndAccessTokenUnexpiredThenFirstRequestGoesToConsentAndBack(Page page) {
		signIn();
		OAuth2AuthorizedClient before = stored();
		assertThat(simulator.revokeUser(this.userId)).isTrue();
		int deadChainUses = simulator.counters().deadChainUses();
		int codeGrants = simulator.counters().authorizationCodeGrants();
		int unauthorized = simulator.counters().unauthorizedDataRequests();

		HttpResponse<String> response = firstRequestGoesToConsentAndBack(page);

		page.shows.accept(response.body());
		assertThat(simulator.counters().unauthorizedDataRequests()).isEqualTo(unauthorized + 1);
		assertThat(simulator.counters().deadChainUses()).isEqualTo(deadChainUses + 1);
		assertThat(simulator.counters().authorizationCodeGrants()).isEqualTo(codeGrants + 1);
		assertThat(stored().getRefreshToken().getTokenValue()).isNotEqualTo(before.getRefreshToken().getTokenValue());
	}

	/**
	 * A signed-in user's page reads another principal's data ({@code forPrincipal("bob")}) and Bob
	 * never linked: Bob's failure, not a redirect of the signed-in user to Withings' consent, and
	 * no call to Withings.
	 */
	@Test
	void pageWhenItReadsAnotherPrincipalWithNoLinkThenAnErrorAndNoConsentForTheSignedInUser() {
		signIn();
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
	}

	/**
	 * One keep-alive connection: data calls (answered after the WebClient call, off the event
	 * loop) alternate with a page answered at once on the event loop, the pattern that stalled
	 * Reactor Netty 1.3.6; every request must be answered.
	 */
	@Test
	void keepAliveConnectionWhenDataCallsAlternateWithPagesThenEveryRequestIsAnswered() {
		signIn();
		int dataRequests = simulator.counters().dataRequests();

		for (int round = 0; round < 100; round++) {
			assertThat(this.browser.get(app("/measures")).body()).as("round %d", round).startsWith("{\"status\":0,");
			assertThat(this.browser.get(app("/me")).body()).as("round %d", round).isEqualTo(this.userId);
		}

		assertThat(simulator.counters().dataRequests()).isEqualTo(dataRequests + 100);
	}

	/**
	 * GET the page as a browser would and check the way it went: the first answer is a redirect
	 * to Withings' consent page (comma-joined scopes, demo mode), and the redirects end on the page
	 * first asked for.
	 */
	private HttpResponse<String> firstRequestGoesToConsentAndBack(Page page) {
		int from = this.browser.visited().size();

		HttpResponse<String> first = this.browser.getOnce(URI.create(app(page.path)));

		assertThat(first.statusCode()).as("%s: %s", page, first.body()).isEqualTo(302);
		URI consent = URI.create(app(page.path)).resolve(first.headers().firstValue("Location").orElseThrow());
		assertThat(consent.getPort()).isEqualTo(simulator.port());
		assertThat(consent.getPath()).isEqualTo("/oauth2_user/authorize2");
		assertThat(consent.getQuery()).contains("scope=user.metrics,user.activity")
			.contains("mode=demo")
			.contains("state=")
			.doesNotContain("code_challenge");

		HttpResponse<String> response = this.browser.get(consent.toString());

		List<URI> hops = List.copyOf(this.browser.visited().subList(from, this.browser.visited().size()));
		assertThat(hops).hasSizeGreaterThan(3);
		assertThat(hops.get(hops.size() - 1).getPort()).isEqualTo(this.port);
		assertThat(hops.get(hops.size() - 1).getPath()).isEqualTo(page.path);
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	/**
	 * Three hours and five minutes pass: the simulator's clock moves (Withings now rejects the
	 * access token), and the stored access token is due (it expires within a second, inside the
	 * 60-second clock skew of Spring's and the starter's refresh). The store takes it as a
	 * rotation that kept both tokens: Spring's {@code saveAuthorizedClient} would ignore a client
	 * whose access token is the stored one. (The application's clock is not moved: Spring dates a
	 * new token from {@code Instant.now()} plus {@code expires_in}, so on a moved clock every new
	 * token would look expired at once, and Spring's reactive filter, which asks the manager
	 * twice per call, would refresh twice.)
	 */
	private void threeHoursPass() {
		threeHoursPass(simulator, this.store, this.userId);
		assertThat(stored().getAccessToken().getExpiresAt()).isBefore(Instant.now().plusSeconds(2));
	}

	static void threeHoursPass(WithingsSimulator simulator, WithingsAuthorizedClientService store,
			String principalName) {
		WithingsAuthorizedClient current = store.loadWithingsAuthorizedClient("withings", principalName);
		assertThat(current).isNotNull();
		OAuth2AccessToken token = current.getAuthorizedClient().getAccessToken();
		OAuth2AccessTokenResponse due = OAuth2AccessTokenResponse.withToken(token.getTokenValue())
			.tokenType(token.getTokenType())
			.scopes(token.getScopes())
			.expiresIn(1)
			.refreshToken(current.getRefreshTokenValue())
			.build();
		assertThat(store.saveRotation(current, due)).isNotNull();
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
	}

	/** A protected page sends the browser through consent and back to that page. */
	private HttpResponse<String> signIn() {
		return this.browser.get(app("/me"));
	}

	private OAuth2AuthorizedClient stored() {
		OAuth2AuthorizedClient client = this.authorizedClientService
			.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", this.userId)
			.block(Duration.ofSeconds(5));
		assertThat(client).isNotNull();
		return client;
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** The pages of {@link ReactiveWithingsTestApplication}, one per way of calling Withings. */
	enum Page {

		/** Spring's {@code ServerOAuth2AuthorizedClientExchangeFilterFunction} on a {@code WebClient}. */
		SPRING_FILTER("/measures", (body) -> assertThat(body).startsWith("{\"status\":0,").contains("measuregrps")),

		/** The starter's {@code withingsWebClient}. */
		STARTER_WEB_CLIENT("/api/webclient",
				(body) -> assertThat(body).startsWith("{").contains("\"measuregrps\"").doesNotContain("\"status\"")),

		/** The starter's {@code WithingsReactiveApi}. */
		STARTER_REACTIVE_API("/api/weights", (body) -> assertThat(body.split(",")).hasSize(60)
			.allSatisfy((kilograms) -> assertThat(kilograms).matches("\\d+\\.\\d{3}")));

		static final Set<String> PATHS = Set.of("/measures", "/api/webclient", "/api/weights");

		final String path;

		final Consumer<String> shows;

		Page(String path, Consumer<String> shows) {
			this.path = path;
			this.shows = shows;
		}

	}

	/**
	 * Counts the requests that reach the pages (after Spring Security, before the controller):
	 * how the concurrency test knows that all its callers are in flight.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ArrivalsConfiguration {

		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE)
		WebFilter arrivalsWebFilter() {
			return (exchange, chain) -> {
				if (Page.PATHS.contains(exchange.getRequest().getPath().value())) {
					arrivals.countDown();
				}
				return chain.filter(exchange);
			};
		}

	}

}
