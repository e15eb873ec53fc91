package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.AuthenticatedPrincipalOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class WithingsAuthorizationFailureHandlerTests {

	private static final String DEAD_REFRESH_TOKEN = "dead-refresh-token";

	private static final String WITHINGS_TEXT = "Withings status 503: Invalid Params: invalid refresh_token";

	private final ClientRegistration registration = ClientRegistration.withRegistrationId("withings")
		.clientId("client-id")
		.clientSecret("client-secret")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
		.scope("user.metrics", "user.activity")
		.authorizationUri("https://account.withings.com/oauth2_user/authorize2")
		.tokenUri("https://wbsapi.withings.net/v2/oauth2")
		.build();

	private final InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
			this.registration);

	private final Authentication alice = new TestingAuthenticationToken("alice", null, "ROLE_USER");

	private InMemoryWithingsAuthorizedClientService store;

	private WithingsAuthorizationFailureHandler handler;

	@BeforeEach
	void setUp() {
		this.store = new InMemoryWithingsAuthorizedClientService(this.registrations);
		this.handler = new WithingsAuthorizationFailureHandler(this.store);
	}

	@Test
	void onAuthorizationFailureWhenWebRequestAndRefreshTokenRejectedThenRemovedAndAuthorizationRequired() {
		link(DEAD_REFRESH_TOKEN);
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, webRequest()))
			.satisfies((ex) -> {
				assertThat(ex.getClientRegistrationId()).isEqualTo("withings");
				assertThat(ex.getSuppressed()).containsExactly(failure);
				assertThat(ex.getMessage()).doesNotContain(DEAD_REFRESH_TOKEN);
			});
		assertThat(stored()).isNull();
	}

	@Test
	void onAuthorizationFailureWhenWebRequestAndNoClientStoredThenAuthorizationRequired() {
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, webRequest()))
			.satisfies((ex) -> assertThat(ex.getSuppressed()).containsExactly(failure));
	}

	@Test
	void onAuthorizationFailureWhenWebRequestAndStoreHoldsNewerRefreshTokenThenNothingRemovedAndNoRedirect() {
		link("newer-refresh-token");
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThatNoException().isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, webRequest()));
		assertThat(stored().getRefreshToken().getTokenValue()).isEqualTo("newer-refresh-token");
	}

	@Test
	void onAuthorizationFailureWhenBackgroundAndRefreshTokenRejectedThenRemovedAndNothingThrown() {
		link(DEAD_REFRESH_TOKEN);
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThatNoException().isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, Map.of()));
		assertThat(stored()).isNull();
	}

	@Test
	void onAuthorizationFailureWhenTheApplicationsOwnServiceThenComparedBeforeRemoved() {
		InMemoryOAuth2AuthorizedClientService own = new InMemoryOAuth2AuthorizedClientService(
				this.registrations);
		WithingsAuthorizationFailureHandler ownHandler = new WithingsAuthorizationFailureHandler(own);
		Instant issuedAt = Instant.now().minus(Duration.ofHours(4));
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-token",
				issuedAt, issuedAt.plus(Duration.ofHours(3)));
		own.saveAuthorizedClient(new OAuth2AuthorizedClient(this.registration, "alice", accessToken,
				new OAuth2RefreshToken("newer-refresh-token", issuedAt)), this.alice);

		ownHandler.onAuthorizationFailure(rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN), this.alice,
				Map.of());
		assertThat(own.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", "alice")).isNotNull();

		ownHandler.onAuthorizationFailure(rejected(OAuth2ErrorCodes.INVALID_GRANT, "newer-refresh-token"), this.alice,
				Map.of());
		assertThat(own.<OAuth2AuthorizedClient>loadAuthorizedClient("withings", "alice")).isNull();
	}

	@Test
	void onAuthorizationFailureWhenAnotherProviderThenSpringsRemovalByKey() {
		ClientRegistration github = ClientRegistration.withRegistrationId("github")
			.clientId("id")
			.clientSecret("secret")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
			.authorizationUri("https://github.com/login/oauth/authorize")
			.tokenUri("https://github.com/login/oauth/access_token")
			.build();
		InMemoryWithingsAuthorizedClientService both = new InMemoryWithingsAuthorizedClientService(
				new InMemoryClientRegistrationRepository(this.registration, github));
		WithingsAuthorizationFailureHandler bothHandler = new WithingsAuthorizationFailureHandler(both);
		bothHandler.setWithingsRegistrationIds(List.of("withings"));
		Instant issuedAt = Instant.now();
		both.saveAuthorizedClient(new OAuth2AuthorizedClient(github, "alice", new OAuth2AccessToken(
				OAuth2AccessToken.TokenType.BEARER, "github-token", issuedAt, issuedAt.plusSeconds(60)),
				new OAuth2RefreshToken("github-refresh", issuedAt)), this.alice);

		bothHandler.onAuthorizationFailure(new ClientAuthorizationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT), "github"), this.alice, Map.of());

		assertThat(both.<OAuth2AuthorizedClient>loadAuthorizedClient("github", "alice")).isNull();
	}

	@Test
	void onAuthorizationFailureWhenBackgroundAndNoClientStoredThenNothingThrown() {
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThatNoException().isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, Map.of()));
	}

	@Test
	void onAuthorizationFailureWhenWebRequestAndNotInvalidGrantThenNothingRemovedAndNoRedirect() {
		link(DEAD_REFRESH_TOKEN);
		ClientAuthorizationException throttled = rejected(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, DEAD_REFRESH_TOKEN);
		ClientAuthorizationException invalidToken = rejected(OAuth2ErrorCodes.INVALID_TOKEN, DEAD_REFRESH_TOKEN);

		assertThatNoException().isThrownBy(() -> this.handler.onAuthorizationFailure(throttled, this.alice, webRequest()));
		assertThatNoException()
			.isThrownBy(() -> this.handler.onAuthorizationFailure(invalidToken, this.alice, webRequest()));
		assertThat(stored().getRefreshToken().getTokenValue()).isEqualTo(DEAD_REFRESH_TOKEN);
	}

	@Test
	void onAuthorizationFailureWhenWebRequestAndNotAClientAuthorizationExceptionThenNothingDone() {
		link(DEAD_REFRESH_TOKEN);
		OAuth2AuthorizationException failure = new RefreshTokenRejectedException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT), DEAD_REFRESH_TOKEN, null);

		assertThatNoException().isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, webRequest()));
		assertThat(stored()).isNotNull();
	}

	/** An admin's page uses Alice's link, which is dead: removed, but the admin is not sent to consent. */
	@Test
	void onAuthorizationFailureWhenWebRequestOfAnotherUserThenRemovedAndTheOriginalFailurePropagates() {
		link(DEAD_REFRESH_TOKEN);
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);
		SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("admin", null, "ROLE_ADMIN"));
		try {
			assertThatNoException()
				.isThrownBy(() -> this.handler.onAuthorizationFailure(failure, this.alice, webRequest()));
		}
		finally {
			SecurityContextHolder.clearContext();
		}
		assertThat(stored()).isNull();
	}

	@Test
	void onAuthorizationFailureWhenReactiveExchangeOfAnotherUserThenRemovedAndNoConsent() {
		link(DEAD_REFRESH_TOKEN);
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);
		WithingsReactiveAuthorizationFailureHandler reactive = new WithingsReactiveAuthorizationFailureHandler(
				this.handler);
		Map<String, Object> exchange = Map.of("org.springframework.web.server.ServerWebExchange", new Object());

		reactive.onAuthorizationFailure(failure, this.alice, exchange)
			.contextWrite(ReactiveSecurityContextHolder
				.withAuthentication(new TestingAuthenticationToken("admin", null, "ROLE_ADMIN")))
			.block(Duration.ofSeconds(10));

		assertThat(stored()).isNull();
		link(DEAD_REFRESH_TOKEN);
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).as("Alice's own exchange: consent")
			.isThrownBy(() -> reactive.onAuthorizationFailure(failure, this.alice, exchange)
				.contextWrite(ReactiveSecurityContextHolder.withAuthentication(this.alice))
				.block(Duration.ofSeconds(10)));
	}

	@Test
	void authorizationRequiredWhenAnotherUserIsSignedInThenAPlainFailureElseConsent() {
		Authentication admin = new TestingAuthenticationToken("admin", null, "ROLE_ADMIN");

		assertThat(WithingsAuthorizationFailureHandler.authorizationRequired("withings", "alice", admin))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> {
				assertThat(ex.getClientRegistrationId()).isEqualTo("withings");
				assertThat(ex.getError().getErrorCode())
					.isEqualTo(WithingsAuthorizationFailureHandler.CLIENT_AUTHORIZATION_REQUIRED);
			});
		assertThat(WithingsAuthorizationFailureHandler.authorizationRequired("withings", "alice", this.alice))
			.isInstanceOf(ClientAuthorizationRequiredException.class);
		assertThat(WithingsAuthorizationFailureHandler.authorizationRequired("withings", "alice", null))
			.as("outside a web request").isInstanceOf(ClientAuthorizationRequiredException.class);
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);
		assertThat(WithingsAuthorizationFailureHandler.authorizationRequiredIfUnlinked(failure, "alice", this.store,
				admin)).isSameAs(failure);
	}

	@Test
	void authorizationRequiredIfUnlinkedWhenInvalidGrantAndNoClientStoredThenAuthorizationRequired() {
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThat(WithingsAuthorizationFailureHandler.authorizationRequiredIfUnlinked(failure, "alice", this.store))
			.isInstanceOfSatisfying(ClientAuthorizationRequiredException.class, (ex) -> {
				assertThat(ex.getClientRegistrationId()).isEqualTo("withings");
				assertThat(ex.getSuppressed()).containsExactly(failure);
			});
	}

	@Test
	void authorizationRequiredIfUnlinkedWhenClientStillStoredThenTheFailureItself() {
		link("newer-refresh-token");
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.INVALID_GRANT, DEAD_REFRESH_TOKEN);

		assertThat(WithingsAuthorizationFailureHandler.authorizationRequiredIfUnlinked(failure, "alice", this.store))
			.isSameAs(failure);
	}

	@Test
	void authorizationRequiredIfUnlinkedWhenNotInvalidGrantThenTheFailureItself() {
		ClientAuthorizationException failure = rejected(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, DEAD_REFRESH_TOKEN);

		assertThat(WithingsAuthorizationFailureHandler.authorizationRequiredIfUnlinked(failure, "alice", this.store))
			.isSameAs(failure);
	}

	/** Pins Spring's contract: the web manager passes the request and lets the handler's exception through. */
	@Test
	void authorizeWhenSpringWebManagerAndRefreshTokenRejectedThenAuthorizationRequired() {
		link(DEAD_REFRESH_TOKEN);
		DefaultOAuth2AuthorizedClientManager manager = new DefaultOAuth2AuthorizedClientManager(this.registrations,
				new AuthenticatedPrincipalOAuth2AuthorizedClientRepository(this.store));
		manager.setAuthorizedClientProvider(failingRefresh());
		manager.setAuthorizationFailureHandler(this.handler);
		OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("withings")
			.principal(this.alice)
			.attribute(HttpServletRequest.class.getName(), new MockHttpServletRequest())
			.attribute(HttpServletResponse.class.getName(), new MockHttpServletResponse())
			.build();

		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(() -> manager.authorize(request))
			.satisfies((ex) -> assertThat(ex.getSuppressed()).singleElement()
				.isInstanceOfSatisfying(ClientAuthorizationException.class,
						(failure) -> assertThat(failure.getError().getDescription()).isEqualTo(WITHINGS_TEXT)));
		assertThat(stored()).isNull();
	}

	/** Pins Spring's contract: the background manager passes no request, so Withings' answer propagates. */
	@Test
	void authorizeWhenBackgroundManagerAndRefreshTokenRejectedThenInvalidGrantWithWithingsText() {
		link(DEAD_REFRESH_TOKEN);
		AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
				this.registrations, this.store);
		manager.setAuthorizedClientProvider(failingRefresh());
		manager.setAuthorizationFailureHandler(this.handler);
		OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("withings")
			.principal(this.alice)
			.build();

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> manager.authorize(request))
			.isNotInstanceOf(ClientAuthorizationRequiredException.class)
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
				assertThat(ex.getError().getDescription()).isEqualTo(WITHINGS_TEXT);
			});
		assertThat(stored()).isNull();
	}

	/** Spring's refresh provider: wraps the refresh client's failure as {@link ClientAuthorizationException}. */
	private OAuth2AuthorizedClientProvider failingRefresh() {
		return (context) -> {
			throw rejected(OAuth2ErrorCodes.INVALID_GRANT, context.getAuthorizedClient().getRefreshToken().getTokenValue());
		};
	}

	private ClientAuthorizationException rejected(String errorCode, String refreshTokenValue) {
		OAuth2Error error = new OAuth2Error(errorCode, WITHINGS_TEXT, null);
		return new ClientAuthorizationException(error, "withings",
				new RefreshTokenRejectedException(error, refreshTokenValue, null));
	}

	private void link(String refreshTokenValue) {
		Instant issuedAt = Instant.now().minus(Duration.ofHours(4));
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-token",
				issuedAt, issuedAt.plus(Duration.ofHours(3)));
		this.store.saveAuthorizedClient(new OAuth2AuthorizedClient(this.registration, "alice", accessToken,
				new OAuth2RefreshToken(refreshTokenValue, issuedAt)), this.alice);
	}

	private OAuth2AuthorizedClient stored() {
		return this.store.loadAuthorizedClient("withings", "alice");
	}

	private static Map<String, Object> webRequest() {
		return Map.of(HttpServletRequest.class.getName(), new MockHttpServletRequest(),
				HttpServletResponse.class.getName(), new MockHttpServletResponse());
	}

}
