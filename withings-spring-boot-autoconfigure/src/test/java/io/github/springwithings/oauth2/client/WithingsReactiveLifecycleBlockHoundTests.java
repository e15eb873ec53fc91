package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.TestBlockHound;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.server.AuthenticatedPrincipalServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The lifecycle guarantees on WebFlux, through Spring's own reactive managers (the web one that
 * {@code oauth2Login()}, {@code @RegisteredOAuth2AuthorizedClient} and
 * {@code ServerOAuth2AuthorizedClientExchangeFilterFunction} use, and the background one), over
 * the starter's core: single flight, persist before use, compare before remove, consent on a dead
 * link. Every caller subscribes on Reactor's parallel scheduler, whose threads must never block,
 * with BlockHound installed: a blocking call there fails the test. (This class runs in a JVM of
 * its own, see the build.)
 */
@Tag("database")
class WithingsReactiveLifecycleBlockHoundTests {

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	@BeforeAll
	static void installBlockHound() {
		TestBlockHound.install();
	}

	@AfterEach
	void stop() {
		if (this.simulator != null) {
			this.simulator.stop();
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.dispose();
		}
	}

	private WithingsTestFixture fixture(String store) {
		this.simulator = WithingsSimulator.start();
		if (store.equals("r2dbc")) {
			// r2dbc-mariadb 1.3 takes a ReentrantLock of its own on the event loop (SimpleClient) and
			// reads its version from its jar there once: BlockHound would flag the driver, not the
			// starter. The R2DBC store runs on MariaDB in the other store suites.
			assumeFalse(TestDatabases.mariadb(),
					"r2dbc-mariadb blocks on its own lock on the event loop");
			this.connectionFactory = TestDatabases.connectionFactory("reactive-" + UUID.randomUUID(), 10);
			return WithingsTestFixture.onR2dbc(this.simulator, WithingsClientAuthentication.SIGNATURE,
					this.connectionFactory);
		}
		if (store.equals("jdbc")) {
			this.dataSource = TestDatabases.dataSource("reactive-" + UUID.randomUUID(), 10);
		}
		return new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, this.dataSource);
	}

	private static ReactiveOAuth2AuthorizedClientProvider provider(WithingsTestFixture fixture) {
		WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> refresh = new WithingsReactiveTokenResponseClientAdapter<>(
				fixture.refreshClient, new WebClientReactiveRefreshTokenTokenResponseClient(), fixture.withingsRegistrations);
		return ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
			.refreshToken((r) -> r.accessTokenResponseClient(refresh).clock(fixture.clock))
			.build();
	}

	private static WithingsReactiveAuthorizationFailureHandler failureHandler(WithingsTestFixture fixture) {
		WithingsAuthorizationFailureHandler handler = new WithingsAuthorizationFailureHandler(fixture.service);
		handler.setWithingsRegistrationIds(List.of("withings"));
		return new WithingsReactiveAuthorizationFailureHandler(handler);
	}

	/** What {@code oauth2Login()} and Spring's WebClient filter use in a WebFlux application. */
	private static DefaultReactiveOAuth2AuthorizedClientManager webManager(WithingsTestFixture fixture) {
		DefaultReactiveOAuth2AuthorizedClientManager manager = new DefaultReactiveOAuth2AuthorizedClientManager(
				new InMemoryReactiveClientRegistrationRepository(fixture.registration),
				new AuthenticatedPrincipalServerOAuth2AuthorizedClientRepository(
						new WithingsReactiveAuthorizedClientService(fixture.service)));
		manager.setAuthorizedClientProvider(provider(fixture));
		manager.setAuthorizationFailureHandler(failureHandler(fixture));
		return manager;
	}

	/** What background work uses. */
	private static AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager backgroundManager(
			WithingsTestFixture fixture) {
		AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
				new InMemoryReactiveClientRegistrationRepository(fixture.registration),
				new WithingsReactiveAuthorizedClientService(fixture.service));
		manager.setAuthorizedClientProvider(provider(fixture));
		manager.setAuthorizationFailureHandler(failureHandler(fixture));
		return manager;
	}

	private static Mono<OAuth2AuthorizedClient> authorize(ReactiveOAuth2AuthorizedClientManager manager,
			String principalName) {
		Authentication principal = new TestingAuthenticationToken(principalName, null, "ROLE_USER");
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/measures"));
		return Mono.defer(() -> manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("withings")
			.principal(principal)
			.attribute(ServerWebExchange.class.getName(), exchange)
			.build())).subscribeOn(Schedulers.parallel());
	}

	@Test
	void blockingCallWhenOnAParallelThreadThenBlockHoundFailsIt() {
		Mono<String> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return "slept";
		}).subscribeOn(Schedulers.parallel());

		assertThatExceptionOfType(RuntimeException.class).isThrownBy(blocking::block)
			.satisfies((ex) -> assertThat(ex).hasCauseInstanceOf(BlockingOperationError.class)
				.satisfies((e) -> assertThat(e.getCause()).isInstanceOf(BlockingOperationError.class)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void authorizeWhen200CallersOfAnExpiredUserThroughTheWebManagerThenOneNonceOneTokenCallAndOneNewToken(String store) {
		WithingsTestFixture fixture = fixture(store);
		fixture.linkExpired("363", "363");
		int nonces = this.simulator.counters().nonceRequests();
		DefaultReactiveOAuth2AuthorizedClientManager manager = webManager(fixture);

		List<OAuth2AuthorizedClient> clients = Flux.range(0, 200)
			.flatMap((i) -> authorize(manager, "363"), 200)
			.collectList()
			.block(Duration.ofSeconds(60));

		Set<String> accessTokens = clients.stream()
			.map((client) -> client.getAccessToken().getTokenValue())
			.collect(Collectors.toSet());
		assertThat(clients).hasSize(200);
		assertThat(accessTokens).singleElement()
			.isEqualTo(fixture.stored("363").getAccessToken().getTokenValue());
		assertThat(this.simulator.counters().refreshTokenGrants()).isOne();
		assertThat(this.simulator.counters().nonceRequests() - nonces).isOne();
		assertThat(this.simulator.counters().deadChainUses()).isZero();
		assertThat(fixture.getmeas(accessTokens.iterator().next())).containsEntry("status", 0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void authorizeWhen20UsersRefreshInParallelInTheBackgroundThenOneRefreshEachAndEveryRotationStored(String store) {
		WithingsTestFixture fixture = fixture(store);
		for (int i = 0; i < 20; i++) {
			fixture.linkExpired("user-" + i, String.valueOf(36_100_000 + i));
		}
		AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager = backgroundManager(fixture);

		Map<String, Set<String>> tokensByUser = Flux.range(0, 200)
			.flatMap((i) -> authorize(manager, "user-" + (i % 20))
				.map((client) -> Map.entry(client.getPrincipalName(), client.getAccessToken().getTokenValue())), 200)
			.collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toSet())))
			.block(Duration.ofSeconds(60));

		assertThat(tokensByUser).hasSize(20).allSatisfy((user, tokens) -> assertThat(tokens).singleElement()
			.isEqualTo(fixture.stored(user).getAccessToken().getTokenValue()));
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(20);
		assertThat(this.simulator.counters().deadChainUses()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void authorizeWhenTheUserRevokedTheAppThenTheWebManagerSendsToConsentAndTheBackgroundOneSaysInvalidGrant(
			String store) {
		WithingsTestFixture fixture = fixture(store);
		fixture.linkExpired("363", "363");
		fixture.linkExpired("364", "364");
		assertThat(this.simulator.revokeUser("363")).isTrue();
		assertThat(this.simulator.revokeUser("364")).isTrue();

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> authorize(webManager(fixture), "363").block(Duration.ofSeconds(30)))
			.satisfies((ex) -> assertThat(ex.getSuppressed()).anySatisfy((suppressed) -> assertThat(suppressed)
				.isInstanceOfSatisfying(ClientAuthorizationException.class, (original) -> assertThat(
						original.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT))));
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> authorize(backgroundManager(fixture), "364").block(Duration.ofSeconds(30)))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT))
			.satisfies((ex) -> assertThat(ex).isNotInstanceOf(ClientAuthorizationRequiredException.class));
		assertThat(fixture.stored("363")).isNull();
		assertThat(fixture.stored("364")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void onAuthorizationFailureWhenTheStoreHoldsANewerRefreshTokenThenNothingIsRemoved(String store) {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient first = fixture.link("363", "363");
		fixture.link("363", "363"); // a new consent: a newer chain
		ClientAuthorizationException lateFailure = new ClientAuthorizationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT), "withings",
				new RefreshTokenRejectedException(
						new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT),
						first.getRefreshToken().getTokenValue(), null));

		failureHandler(fixture)
			.onAuthorizationFailure(lateFailure, new TestingAuthenticationToken("363", null), Map.of())
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(10));

		assertThat(fixture.stored("363")).isNotNull();
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isNotEqualTo(first.getRefreshToken().getTokenValue());
	}

}
