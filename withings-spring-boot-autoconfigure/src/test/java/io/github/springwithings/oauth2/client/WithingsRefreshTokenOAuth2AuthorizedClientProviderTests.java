package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.AuthenticatedPrincipalOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WithingsRefreshTokenOAuth2AuthorizedClientProvider} in a manager of the application's
 * own, composed with Spring's other providers (authorization code, Spring's refresh with a client
 * of another provider, client credentials) and the Withings failure handler, against the
 * simulator: a Withings refresh rotates once and is stored once, a revoked refresh token removes
 * the link unless a newer one was stored meanwhile, and another provider's registration is left
 * to Spring's own refresh provider.
 */
@Tag("database")
class WithingsRefreshTokenOAuth2AuthorizedClientProviderTests {

	private final RefreshProviderTestSetup setup = new RefreshProviderTestSetup("provider-");

	/** The refreshes of the other provider's registration, made by Spring's own refresh provider. */
	private final AtomicInteger otherRefreshes = new AtomicInteger();

	private final InMemoryOAuth2AuthorizedClientService otherClients = new InMemoryOAuth2AuthorizedClientService(
			new InMemoryClientRegistrationRepository(RefreshProviderTestSetup.OTHER));

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
	private DefaultOAuth2AuthorizedClientManager manager(WithingsTestFixture fixture) {
		WithingsRefreshTokenOAuth2AuthorizedClientProvider withings = new WithingsRefreshTokenOAuth2AuthorizedClientProvider(
				fixture.refreshClient, fixture.withingsRegistrations);
		withings.setClock(fixture.clock);
		OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> otherClient = (grantRequest) -> {
			this.otherRefreshes.incrementAndGet();
			return OAuth2AccessTokenResponse.withToken("other-access-2")
				.tokenType(OAuth2AccessToken.TokenType.BEARER)
				.expiresIn(3600)
				.refreshToken("other-refresh-2")
				.build();
		};
		DefaultOAuth2AuthorizedClientManager manager = new DefaultOAuth2AuthorizedClientManager(
				new InMemoryClientRegistrationRepository(fixture.registration, RefreshProviderTestSetup.OTHER),
				new AuthenticatedPrincipalOAuth2AuthorizedClientRepository(clients(fixture)));
		manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
			.provider(withings)
			.authorizationCode()
			.refreshToken((refresh) -> refresh.accessTokenResponseClient(otherClient).clock(fixture.clock))
			.clientCredentials()
			.build());
		WithingsAuthorizationFailureHandler failureHandler = new WithingsAuthorizationFailureHandler(fixture.service);
		failureHandler.setWithingsRegistrationIds(List.of("withings"));
		manager.setAuthorizationFailureHandler(failureHandler);
		return manager;
	}

	/** The Withings store for Withings clients, Spring's in-memory one for the other provider's. */
	private OAuth2AuthorizedClientService clients(WithingsTestFixture fixture) {
		return new OAuth2AuthorizedClientService() {

			@Override
			public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
					String principalName) {
				return store(clientRegistrationId).loadAuthorizedClient(clientRegistrationId, principalName);
			}

			@Override
			public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
				store(authorizedClient.getClientRegistration().getRegistrationId()).saveAuthorizedClient(authorizedClient,
						principal);
			}

			@Override
			public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
				store(clientRegistrationId).removeAuthorizedClient(clientRegistrationId, principalName);
			}

			private OAuth2AuthorizedClientService store(String registrationId) {
				return registrationId.equals("withings") ? fixture.service
						: WithingsRefreshTokenOAuth2AuthorizedClientProviderTests.this.otherClients;
			}

		};
	}

	private static OAuth2AuthorizedClient authorize(DefaultOAuth2AuthorizedClientManager manager, String registrationId,
			String principalName) {
		return manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(registrationId)
			.principal(new TestingAuthenticationToken(principalName, null, "ROLE_USER"))
			.attribute(HttpServletRequest.class.getName(), new MockHttpServletRequest())
			.attribute(HttpServletResponse.class.getName(), new MockHttpServletResponse())
			.build());
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc" })
	void authorizeWhenTheWithingsAccessTokenExpiredThenOneRotationStoredOnce(String store) throws Exception {
		WithingsTestFixture fixture = fixture(store);
		OAuth2AuthorizedClient linked = fixture.linkExpired("363", "363");
		long version = fixture.service.loadWithingsAuthorizedClient("withings", "363").getVersion();
		DefaultOAuth2AuthorizedClientManager manager = manager(fixture);

		List<OAuth2AuthorizedClient> clients = concurrently(20, () -> authorize(manager, "withings", "363"));

		WithingsAuthorizedClient stored = fixture.service.loadWithingsAuthorizedClient("withings", "363");
		Set<String> accessTokens = clients.stream()
			.map((client) -> client.getAccessToken().getTokenValue())
			.collect(Collectors.toSet());
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
		DefaultOAuth2AuthorizedClientManager manager = manager(fixture);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> authorize(manager, "withings", "363"));

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
		DefaultOAuth2AuthorizedClientManager manager = manager(fixture);

		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> authorize(manager, "withings", "363"));

		assertThat(relinked).isTrue();
		assertThat(fixture.stored("363")).as("compare before remove: the new consent stays").isNotNull();
		assertThat(fixture.stored("363").getRefreshToken().getTokenValue())
			.isNotEqualTo(revoked.getRefreshToken().getTokenValue());
	}

	@Test
	void authorizeWhenAnotherProvidersAccessTokenExpiredThenSpringsOwnRefreshProviderRefreshesIt() {
		WithingsTestFixture fixture = fixture("memory");
		Instant now = fixture.clock.instant();
		this.otherClients.saveAuthorizedClient(new OAuth2AuthorizedClient(RefreshProviderTestSetup.OTHER, "alice",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "other-access-1",
						now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(5))),
				new OAuth2RefreshToken("other-refresh-1", now.minus(Duration.ofHours(1)))),
				new TestingAuthenticationToken("alice", null, "ROLE_USER"));
		DefaultOAuth2AuthorizedClientManager manager = manager(fixture);

		OAuth2AuthorizedClient client = authorize(manager, "other", "alice");

		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("other-access-2");
		assertThat(this.otherRefreshes).hasValue(1);
		assertThat(this.setup.simulator().counters().refreshTokenGrants()).isZero();
		assertThat(this.otherClients.<OAuth2AuthorizedClient>loadAuthorizedClient("other", "alice")
			.getRefreshToken()
			.getTokenValue()).isEqualTo("other-refresh-2");
	}

	@Test
	void authorizeWhenTheWithingsAccessTokenIsFreshThenNoRefresh() {
		WithingsTestFixture fixture = fixture("memory");
		OAuth2AuthorizedClient linked = fixture.link("363", "363");

		OAuth2AuthorizedClient client = authorize(manager(fixture), "withings", "363");

		assertThat(client.getAccessToken().getTokenValue()).isEqualTo(linked.getAccessToken().getTokenValue());
		assertThat(this.setup.simulator().counters().refreshTokenGrants()).isZero();
	}

	/** {@code callers} calls of {@code call} on as many threads; every result, in no order. */
	private static <T> List<T> concurrently(int callers, Callable<T> call) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			List<Future<T>> futures = executor.invokeAll(IntStream.range(0, callers).mapToObj((i) -> call).toList());
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
