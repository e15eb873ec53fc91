package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.server.AuthenticatedPrincipalServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider} in a reactive manager of the
 * application's own, composed with Spring's other providers (authorization code, Spring's refresh
 * with a client of another provider, client credentials) and the Withings failure handler,
 * against the simulator: a Withings refresh rotates once and is stored once, a revoked refresh
 * token removes the link unless a newer one was stored meanwhile, and another provider's
 * registration is left to Spring's own refresh provider.
 */
@Tag("database")
class WithingsRefreshTokenReactiveOAuth2AuthorizedClientProviderTests {

	private final RefreshProviderTestSetup setup = new RefreshProviderTestSetup("reactive-provider-");

	/** The refreshes of the other provider's registration, made by Spring's own refresh provider. */
	private final AtomicInteger otherRefreshes = new AtomicInteger();

	private final InMemoryReactiveOAuth2AuthorizedClientService otherClients = new InMemoryReactiveOAuth2AuthorizedClientService(
			new InMemoryReactiveClientRegistrationRepository(RefreshProviderTestSetup.OTHER));

	@AfterEach
	void stop() {
		this.setup.close();
	}

	private WithingsTestFixture fixture(String store) {
		return fixture(store, null);
	}

	private WithingsTestFixture fixture(String store, Runnable onRelease) {
		return this.setup.fixture(store, onRelease);
	}

	/** The manager an application composes: several providers, the Withings one first. */
	private DefaultReactiveOAuth2AuthorizedClientManager manager(WithingsTestFixture fixture) {
		WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider withings = new WithingsRefreshTokenReactiveOAuth2AuthorizedClientProvider(
				new WithingsReactiveTokenResponseClientAdapter<>(fixture.refreshClient,
						new WebClientReactiveRefreshTokenTokenResponseClient(), fixture.withingsRegistrations),
				fixture.withingsRegistrations);
		withings.setClock(fixture.clock);
		ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> otherClient = (grantRequest) -> Mono
			.fromSupplier(() -> {
				this.otherRefreshes.incrementAndGet();
				return OAuth2AccessTokenResponse.withToken("other-access-2")
					.tokenType(OAuth2AccessToken.TokenType.BEARER)
					.expiresIn(3600)
					.refreshToken("other-refresh-2")
					.build();
			});
		DefaultReactiveOAuth2AuthorizedClientManager manager = new DefaultReactiveOAuth2AuthorizedClientManager(
				new InMemoryReactiveClientRegistrationRepository(fixture.registration, RefreshProviderTestSetup.OTHER),
				new AuthenticatedPrincipalServerOAuth2AuthorizedClientRepository(clients(fixture)));
		manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
			.provider(withings)
			.authorizationCode()
			.refreshToken((refresh) -> refresh.accessTokenResponseClient(otherClient).clock(fixture.clock))
			.clientCredentials()
			.build());
		WithingsAuthorizationFailureHandler failureHandler = new WithingsAuthorizationFailureHandler(fixture.service);
		failureHandler.setWithingsRegistrationIds(List.of("withings"));
		manager.setAuthorizationFailureHandler(new WithingsReactiveAuthorizationFailureHandler(failureHandler));
		return manager;
	}

	/** The Withings store for Withings clients, Spring's in-memory one for the other provider's. */
	private ReactiveOAuth2AuthorizedClientService clients(WithingsTestFixture fixture) {
		WithingsReactiveAuthorizedClientService withings = new WithingsReactiveAuthorizedClientService(fixture.service);
		return new ReactiveOAuth2AuthorizedClientService() {

			@Override
			public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String clientRegistrationId,
					String principalName) {
				return store(clientRegistrationId).loadAuthorizedClient(clientRegistrationId, principalName);
			}

			@Override
			public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
				return store(authorizedClient.getClientRegistration().getRegistrationId())
					.saveAuthorizedClient(authorizedClient, principal);
			}

			@Override
			public Mono<Void> removeAuthorizedClient(String clientRegistrationId, String principalName) {
				return store(clientRegistrationId).removeAuthorizedClient(clientRegistrationId, principalName);
			}

			private ReactiveOAuth2AuthorizedClientService store(String registrationId) {
				return registrationId.equals("withings") ? withings
						: WithingsRefreshTokenReactiveOAuth2AuthorizedClientProviderTests.this.otherClients;
			}

		};
	}

	private static Mono<OAuth2AuthorizedClient> authorize(DefaultReactiveOAuth2AuthorizedClientManager manager,
			String registrationId, String principalName) {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/measures"));
		return Mono.defer(() -> manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(registrationId)
			.principal(new TestingAuthenticationToken(principalName, null, "ROLE_USER"))
			.attribute(ServerWebExchange.class.getName(), exchange)
			.build()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc" })
	void authorizeWhenTheWithingsAccessTokenExpiredThenOneRotationStoredOnce(String store) {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		long version = fixture.service.loadWithingsAuthorizedClient("withings", "363").getVersion();
		DefaultReactiveOAuth2AuthorizedClientManager manager = manager(fixture);

		List<OAuth2AuthorizedClient> clients = Flux.range(0, 50)
			.flatMap((i) -> authorize(manager, "withings", "363"), 50)
			.collectList()
			.block(Duration.ofSeconds(60));

		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		Set<String> accessTokens = clients.stream()
			.map((client) -> client.getAccessToken().getTokenValue())
			.collect(Collectors.toSet());
		assertThat(clients).hasSize(50);
		assertThat(accessTokens).singleElement().isEqualTo(stored.getAuthorizedClient().getAccessToken().getTokenValue());
		assertThat(stored.getRefreshTokenValue()).isNotEqualTo(linked.getRefreshToken().getTokenValue());
		assertThat(stored.getVersion()).as("the rotation is stored once, Spring's save of it changes nothing")
			.isEqualTo(version + 1);
		assertThat(this.setup.simulator().counters().refreshTokenGrants()).isOne();
		assertThat(this.setup.simulator().counters().deadChainUses()).isZero();
		assertThat(fixture.getmeas(accessTokens.iterator().next())).containsEntry("status", 0);
		assertThat(this.otherRefreshes).hasValue(0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc" })
	void authorizeWhenTheWithingsRefreshTokenWasRevokedThenTheLinkIsRemoved(String store) {
		WithingsTestFixture fixture = fixture(store);
		fixture.linkExpired("363", "363");
		assertThat(this.setup.simulator().revokeUser("363")).isTrue();
		DefaultReactiveOAuth2AuthorizedClientManager manager = manager(fixture);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> authorize(manager, "withings", "363").block(Duration.ofSeconds(30)));

		assertThat(fixture.stored("363")).isNull();
		assertThat(this.otherRefreshes).hasValue(0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc" })
	void authorizeWhenANewConsentIsStoredWhileTheRevokedRefreshFailsThenTheNewLinkIsKept(String store) {
		AtomicBoolean relinked = new AtomicBoolean();
		WithingsTestFixture[] holder = new WithingsTestFixture[1];
		WithingsTestFixture fixture = fixture(store, () -> {
			if (relinked.compareAndSet(false, true)) {
				holder[0].link("363", "363"); // the user signs in again while the dead refresh fails
			}
		});
		holder[0] = fixture;
		OAuth2AuthorizedClient revoked = fixture.linkExpired("363", "363");
		assertThat(this.setup.simulator().revokeUser("363")).isTrue();
		DefaultReactiveOAuth2AuthorizedClientManager manager = manager(fixture);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> authorize(manager, "withings", "363").block(Duration.ofSeconds(30)));

		assertThat(relinked).isTrue();
		assertThat(fixture.stored("363")).as("compare before remove: the new consent stays").isNotNull();
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isNotEqualTo(revoked.getRefreshToken().getTokenValue());
	}

	@Test
	void authorizeWhenAnotherProvidersAccessTokenExpiredThenSpringsOwnRefreshProviderRefreshesIt() {
		WithingsTestFixture fixture = fixture("memory");
		Instant now = fixture.clock.instant();
		this.otherClients
			.saveAuthorizedClient(new OAuth2AuthorizedClient(RefreshProviderTestSetup.OTHER, "alice",
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "other-access-1",
							now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(5))),
					new OAuth2RefreshToken("other-refresh-1", now.minus(Duration.ofHours(1)))),
					new TestingAuthenticationToken("alice", null, "ROLE_USER"))
			.block(Duration.ofSeconds(5));
		DefaultReactiveOAuth2AuthorizedClientManager manager = manager(fixture);

		OAuth2AuthorizedClient client = authorize(manager, "other", "alice").block(Duration.ofSeconds(30));

		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("other-access-2");
		assertThat(this.otherRefreshes).hasValue(1);
		assertThat(this.setup.simulator().counters().refreshTokenGrants()).isZero();
		assertThat(this.otherClients.<OAuth2AuthorizedClient>loadAuthorizedClient("other", "alice")
			.block(Duration.ofSeconds(5))
			.getRefreshToken()
			.getTokenValue()).isEqualTo("other-refresh-2");
	}

	@Test
	void authorizeWhenTheWithingsAccessTokenIsFreshThenNoRefresh() {
		WithingsTestFixture fixture = fixture("memory");
		OAuth2AuthorizedClient linked = fixture.link("363", "363");

		OAuth2AuthorizedClient client = authorize(manager(fixture), "withings", "363").block(Duration.ofSeconds(30));

		assertThat(client.getAccessToken().getTokenValue()).isEqualTo(linked.getAccessToken().getTokenValue());
		assertThat(this.setup.simulator().counters().refreshTokenGrants()).isZero();
	}

}
