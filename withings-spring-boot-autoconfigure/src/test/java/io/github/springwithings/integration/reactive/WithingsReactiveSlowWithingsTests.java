package io.github.springwithings.integration.reactive;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveSchedulers;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow Withings does not stall a WebFlux application: the blocking core runs on the starter's
 * own token scheduler, here capped at 4 threads, and no wait holds a thread. Withings' token
 * answers are held at the simulator (a latch, released by the test) while the pages are asked;
 * Reactor's shared {@code boundedElastic} scheduler is kept busy with other work throughout, so a
 * page that needed it would not be answered either. The same holds through Spring's
 * {@code ServerOAuth2AuthorizedClientExchangeFilterFunction} ({@code /measures}) and through the
 * starter's own {@code withingsWebClient} and {@code WithingsReactiveApi} ({@code /api/webclient},
 * {@code /api/weights}).
 */
@SpringBootTest(classes = ReactiveWithingsTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "withings.demo-mode=true",
				"withings.client-authentication=client-secret", "withings.reactive.token-threads=4",
				"withings.reactive.store-threads=4", "withings.rate-limit.requests-per-minute=60000" })
@Import(WithingsReactiveSlowWithingsTests.ArrivalsConfiguration.class)
class WithingsReactiveSlowWithingsTests {

	static final WithingsSimulator simulator = WithingsSimulator.start();

	static final int TOKEN_THREADS = 4;

	/** Counts the requests that reached the application's pages, once signed in. */
	static volatile CountDownLatch arrivals = new CountDownLatch(0);

	@LocalServerPort
	int port;

	@Autowired
	WithingsAuthorizedClientService store;

	@Autowired
	WithingsReactiveSchedulers schedulers;

	final CountDownLatch release = new CountDownLatch(1);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.security.oauth2.client.registration.withings.client-id",
				() -> WithingsSimulator.DEFAULT_CLIENT_ID);
		registry.add("spring.security.oauth2.client.registration.withings.client-secret",
				() -> WithingsSimulator.DEFAULT_CLIENT_SECRET);
		registry.add("withings.api-base-uri", simulator::baseUrl);
		registry.add("withings.account-base-uri", simulator::baseUrl);
	}

	@AfterAll
	static void stopSimulator() {
		simulator.stop();
	}

	@AfterEach
	void releaseWithings() {
		this.release.countDown();
		simulator.clearFaults();
	}

	/**
	 * 200 users whose access tokens expired ask a page at once while Withings holds every token
	 * answer: the 4 token threads are all in a call to Withings, the other 196 refreshes queue
	 * without a thread, and a user whose token is valid gets the page meanwhile.
	 */
	@Test
	void pageWhen200UsersRefreshAgainstAHeldWithingsThenAUserWithAValidTokenGetsThePageMeanwhile() throws Exception {
		simulator.consentAsNewUsers();
		List<SignedIn> expired = new ArrayList<>();
		for (int user = 0; user < 200; user++) {
			expired.add(signIn());
		}
		for (SignedIn user : expired) {
			due(user);
		}
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		SignedIn valid = signIn();
		int refreshes = simulator.counters().refreshTokenGrants();
		CountDownLatch held = new CountDownLatch(TOKEN_THREADS);
		for (int user = 0; user < 200; user++) {
			simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(held, this.release));
		}
		arrivals = new CountDownLatch(200);
		List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
		Disposable busy = occupyBoundedElastic();
		try {
			for (SignedIn user : expired) {
				pages.add(user.browser.getAsync(app("/measures")));
			}
			// detection only: both happen within a second or two
			assertThat(arrivals.await(60, TimeUnit.SECONDS)).as("all 200 users reached the application").isTrue();
			assertThat(held.await(60, TimeUnit.SECONDS)).as("4 refreshes are held at Withings").isTrue();

			long started = System.nanoTime();
			HttpResponse<String> page = valid.browser.get(app("/measures"));
			Duration took = Duration.ofNanos(System.nanoTime() - started);

			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).startsWith("{\"status\":0,").contains("measuregrps");
			assertThat(this.release.getCount()).as("Withings still holds the refreshes").isEqualTo(1);
			assertThat(simulator.counters().refreshTokenGrants()).as("only the token threads call Withings")
				.isEqualTo(refreshes + TOKEN_THREADS);
			assertThat(pages).noneMatch(CompletableFuture::isDone);
			assertThat(took).as("a Withings token answer takes seconds here").isLessThan(Duration.ofSeconds(1));
		}
		finally {
			this.release.countDown();
			busy.dispose();
		}
		for (int user = 0; user < 200; user++) {
			HttpResponse<String> response = pages.get(user).get(60, TimeUnit.SECONDS);

			assertThat(response.statusCode()).as("user %d", user).isEqualTo(200);
			assertThat(response.body()).startsWith("{\"status\":0,").contains("measuregrps");
		}
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 200);
	}

	/**
	 * Four requests of one expired user share one refresh, and the three waiting for it hold no
	 * thread: while Withings holds that refresh, another expired user's refresh gets a token
	 * thread and is answered.
	 */
	@Test
	void pagesWhen4RequestsOfOneExpiredUserThenOneTokenCallAndNoThreadHeldPerWaiter() throws Exception {
		simulator.consentAsNewUsers();
		SignedIn alice = signIn();
		SignedIn bob = signIn();
		due(alice);
		due(bob);
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		int refreshes = simulator.counters().refreshTokenGrants();
		CountDownLatch held = new CountDownLatch(1);
		simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(held, this.release));
		arrivals = new CountDownLatch(TOKEN_THREADS);
		List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
		try {
			for (int request = 0; request < TOKEN_THREADS; request++) {
				pages.add(alice.browser.getAsync(app("/measures")));
			}
			assertThat(arrivals.await(60, TimeUnit.SECONDS)).as("the 4 requests reached the application").isTrue();
			assertThat(held.await(60, TimeUnit.SECONDS)).as("the refresh is held at Withings").isTrue();

			HttpResponse<String> page = bob.browser.get(app("/measures"));

			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(this.release.getCount()).as("Withings still holds the first refresh").isEqualTo(1);
			assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 2);
			assertThat(pages).noneMatch(CompletableFuture::isDone);
		}
		finally {
			this.release.countDown();
		}
		for (CompletableFuture<HttpResponse<String>> answer : pages) {
			HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).startsWith("{\"status\":0,").contains("measuregrps");
		}
		assertThat(simulator.counters().refreshTokenGrants()).as("one token call for alice, one for bob")
			.isEqualTo(refreshes + 2);
	}

	/**
	 * The same through the starter's own {@code withingsWebClient}: 200 users whose access tokens
	 * expired call Withings through it while Withings holds every token answer; the 4 token
	 * threads are in calls to Withings, the other 196 refreshes queue without a thread, and a user
	 * whose token is valid gets data through {@code WithingsReactiveApi} meanwhile.
	 */
	@Test
	void apiWhen200UsersRefreshThroughTheStartersWebClientAgainstAHeldWithingsThenAUserWithAValidTokenGetsDataMeanwhile()
			throws Exception {
		simulator.consentAsNewUsers();
		List<SignedIn> expired = new ArrayList<>();
		for (int user = 0; user < 200; user++) {
			expired.add(signIn());
		}
		for (SignedIn user : expired) {
			due(user);
		}
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		SignedIn valid = signIn();
		int refreshes = simulator.counters().refreshTokenGrants();
		CountDownLatch held = new CountDownLatch(TOKEN_THREADS);
		for (int user = 0; user < 200; user++) {
			simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(held, this.release));
		}
		arrivals = new CountDownLatch(200);
		List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
		Disposable busy = occupyBoundedElastic();
		try {
			for (SignedIn user : expired) {
				pages.add(user.browser.getAsync(app("/api/webclient")));
			}
			// detection only: both happen within a second or two
			assertThat(arrivals.await(60, TimeUnit.SECONDS)).as("all 200 users reached the application").isTrue();
			assertThat(held.await(60, TimeUnit.SECONDS)).as("4 refreshes are held at Withings").isTrue();

			long started = System.nanoTime();
			HttpResponse<String> page = valid.browser.get(app("/api/weights"));
			Duration took = Duration.ofNanos(System.nanoTime() - started);

			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body().split(",")).isNotEmpty()
				.allSatisfy((kilograms) -> assertThat(kilograms).matches("\\d+\\.\\d{3}"));
			assertThat(this.release.getCount()).as("Withings still holds the refreshes").isEqualTo(1);
			assertThat(simulator.counters().refreshTokenGrants()).as("only the token threads call Withings")
				.isEqualTo(refreshes + TOKEN_THREADS);
			assertThat(pages).noneMatch(CompletableFuture::isDone);
			assertThat(took).as("a Withings token answer takes seconds here").isLessThan(Duration.ofSeconds(1));
		}
		finally {
			this.release.countDown();
			busy.dispose();
		}
		for (int user = 0; user < 200; user++) {
			HttpResponse<String> response = pages.get(user).get(60, TimeUnit.SECONDS);

			assertThat(response.statusCode()).as("user %d", user).isEqualTo(200);
			assertThat(response.body()).startsWith("{").contains("\"measuregrps\"").doesNotContain("\"status\"");
		}
		assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 200);
	}

	/**
	 * Four calls of one expired user through the starter's {@code withingsWebClient} share one
	 * refresh, and the three waiting for it hold no thread: while Withings holds that refresh,
	 * another expired user's refresh through {@code WithingsReactiveApi} gets a token thread and
	 * is answered. Reactor's {@code boundedElastic} is kept busy throughout.
	 */
	@Test
	void apiWhen4CallsOfOneExpiredUserThroughTheStartersWebClientThenOneTokenCallAndNoThreadHeldPerWaiter()
			throws Exception {
		simulator.consentAsNewUsers();
		SignedIn alice = signIn();
		SignedIn bob = signIn();
		due(alice);
		due(bob);
		simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		int refreshes = simulator.counters().refreshTokenGrants();
		CountDownLatch held = new CountDownLatch(1);
		simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(held, this.release));
		arrivals = new CountDownLatch(TOKEN_THREADS);
		List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
		Disposable busy = occupyBoundedElastic();
		try {
			for (int request = 0; request < TOKEN_THREADS; request++) {
				pages.add(alice.browser.getAsync(app("/api/webclient")));
			}
			assertThat(arrivals.await(60, TimeUnit.SECONDS)).as("the 4 calls reached the application").isTrue();
			assertThat(held.await(60, TimeUnit.SECONDS)).as("the refresh is held at Withings").isTrue();

			HttpResponse<String> page = bob.browser.get(app("/api/weights"));

			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(this.release.getCount()).as("Withings still holds the first refresh").isEqualTo(1);
			assertThat(simulator.counters().refreshTokenGrants()).isEqualTo(refreshes + 2);
			assertThat(pages).noneMatch(CompletableFuture::isDone);
		}
		finally {
			this.release.countDown();
			busy.dispose();
		}
		for (CompletableFuture<HttpResponse<String>> answer : pages) {
			HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"measuregrps\"");
		}
		assertThat(simulator.counters().refreshTokenGrants()).as("one token call for alice, one for bob")
			.isEqualTo(refreshes + 2);
	}

	@Test
	void schedulersWhenTheApplicationRunsThenTheyAreTheStartersOwnBoundedAndNamed() {
		String token = Mono.fromCallable(() -> Thread.currentThread().getName())
			.subscribeOn(this.schedulers.getTokens())
			.block(Duration.ofSeconds(10));
		String store = Mono.fromCallable(() -> Thread.currentThread().getName())
			.subscribeOn(this.schedulers.getStore())
			.block(Duration.ofSeconds(10));

		assertThat(token).startsWith("withings-token-");
		assertThat(store).startsWith("withings-store-");
	}

	/**
	 * Keep every thread of Reactor's shared {@code boundedElastic} busy (as other libraries'
	 * blocking work would) until disposed.
	 */
	private static Disposable occupyBoundedElastic() throws InterruptedException {
		CountDownLatch started = new CountDownLatch(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE);
		CountDownLatch done = new CountDownLatch(1);
		Disposable tasks = Flux.range(0, Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE)
			.flatMap((task) -> Mono.fromRunnable(() -> {
				started.countDown();
				try {
					done.await(2, TimeUnit.MINUTES);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}).subscribeOn(Schedulers.boundedElastic()), Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE)
			.subscribe();
		assertThat(started.await(30, TimeUnit.SECONDS)).as("every boundedElastic thread is busy").isTrue();
		return () -> {
			done.countDown();
			tasks.dispose();
		};
	}

	/**
	 * The stored access token is due (it expires within a second, inside the clock skew); the
	 * test then moves the simulator's clock past its life at Withings.
	 */
	private void due(SignedIn user) {
		WithingsAuthorizedClient current = this.store.loadWithingsAuthorizedClient("withings", user.userId);
		OAuth2AccessToken token = current.getAuthorizedClient().getAccessToken();
		OAuth2AccessTokenResponse due = OAuth2AccessTokenResponse.withToken(token.getTokenValue())
			.tokenType(token.getTokenType())
			.scopes(token.getScopes())
			.expiresIn(1)
			.refreshToken(current.getRefreshTokenValue())
			.build();
		assertThat(this.store.saveRotation(current, due)).isNotNull();
	}

	private SignedIn signIn() {
		ReactiveAppBrowser browser = new ReactiveAppBrowser();
		HttpResponse<String> me = browser.get(app("/me"));
		assertThat(me.statusCode()).as(browser.visited().toString()).isEqualTo(200);
		return new SignedIn(browser, me.body());
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	private record SignedIn(ReactiveAppBrowser browser, String userId) {
	}

	/** Counts the requests that reach the data pages (after Spring Security, before the controller). */
	@TestConfiguration(proxyBeanMethods = false)
	static class ArrivalsConfiguration {

		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE)
		WebFilter slowWithingsArrivalsWebFilter() {
			return (exchange, chain) -> {
				String path = exchange.getRequest().getPath().value();
				if ("/measures".equals(path) || "/api/webclient".equals(path)) {
					arrivals.countDown();
				}
				return chain.filter(exchange);
			};
		}

	}

}
