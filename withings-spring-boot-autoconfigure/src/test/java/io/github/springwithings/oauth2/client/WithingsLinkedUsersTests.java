package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Linked users as an application lists them, and the events that keep its tables in step, on
 * both stores.
 */
@Tag("database")
class WithingsLinkedUsersTests {

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

	private final List<Object> events = new ArrayList<>();

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	@AfterEach
	void closeDataSource() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.dispose();
		}
	}

	private WithingsAuthorizedClientService store(String type) {
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(this.registration);
		ApplicationEventPublisher publisher = this.events::add;
		if (type.equals("r2dbc")) {
			this.connectionFactory = TestDatabases.connectionFactory("linked-users-" + UUID.randomUUID(), 2);
			R2dbcWithingsAuthorizedClientService r2dbc = new R2dbcWithingsAuthorizedClientService(
					this.connectionFactory, registrations);
			r2dbc.setApplicationEventPublisher(publisher);
			return r2dbc;
		}
		if (type.equals("jdbc")) {
			this.dataSource = TestDatabases.dataSource("linked-users-" + UUID.randomUUID(), 2);
			JdbcWithingsAuthorizedClientService jdbc = new JdbcWithingsAuthorizedClientService(this.dataSource,
					registrations);
			jdbc.setApplicationEventPublisher(publisher);
			return jdbc;
		}
		InMemoryWithingsAuthorizedClientService memory = new InMemoryWithingsAuthorizedClientService(registrations);
		memory.setApplicationEventPublisher(publisher);
		return memory;
	}

	/** A user linking through a code exchange, as the sign-in does. */
	private void link(WithingsAuthorizedClientService store, String principalName, String userId, String refreshToken,
			Instant issuedAt) {
		String accessToken = "access-" + refreshToken;
		store.rememberUserId(accessToken, userId);
		store.saveAuthorizedClient(client(principalName, accessToken, refreshToken, issuedAt),
				new TestingAuthenticationToken(principalName, null));
	}

	private OAuth2AuthorizedClient client(String principalName, String accessToken, String refreshToken, Instant issuedAt) {
		return new OAuth2AuthorizedClient(this.registration, principalName,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, issuedAt,
						issuedAt.plus(Duration.ofHours(3)), Set.of("user.metrics", "user.activity")),
				new OAuth2RefreshToken(refreshToken, issuedAt));
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void streamWhenMoreUsersThanAPageThenEveryUserOnceInPrincipalOrder(String type) {
		WithingsAuthorizedClientService store = store(type);
		Instant issuedAt = Instant.parse("2026-01-01T00:00:00Z");
		for (int i = 249; i >= 0; i--) {
			link(store, String.format("user-%03d", i), String.valueOf(36_000_000 + i), "refresh-" + i, issuedAt);
		}
		AtomicInteger pages = new AtomicInteger();
		WithingsLinkedUsers linkedUsers = new WithingsLinkedUsers(new CountingPages(store, pages), "withings");
		linkedUsers.setPageSize(100);

		List<WithingsLinkedUser> all;
		try (Stream<WithingsLinkedUser> users = linkedUsers.stream()) {
			all = users.toList();
		}

		assertThat(all).hasSize(250);
		assertThat(all).extracting(WithingsLinkedUser::principalName).isSorted().doesNotHaveDuplicates();
		assertThat(pages).hasValue(3);
		assertThat(all.get(7)).isEqualTo(new WithingsLinkedUser("withings", "user-007", "36000007",
				Set.of("user.metrics", "user.activity"), issuedAt));
		assertThat(linkedUsers.findPage("user-099", 2)).extracting(WithingsLinkedUser::principalName)
			.containsExactly("user-100", "user-101");
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void findByUserIdWhenLinkedThenUserWithScopesAndRefreshTokenAge(String type) {
		WithingsAuthorizedClientService store = store(type);
		Instant issuedAt = Instant.parse("2026-01-01T00:00:00Z");
		link(store, "alice", "36000001", "refresh-a", issuedAt);
		WithingsLinkedUsers linkedUsers = new WithingsLinkedUsers(store, "withings");

		WithingsLinkedUser alice = linkedUsers.findByUserId("36000001").orElseThrow();

		assertThat(alice.principalName()).isEqualTo("alice");
		assertThat(alice.scopes()).containsExactlyInAnyOrder("user.metrics", "user.activity");
		assertThat(alice.refreshTokenAge(issuedAt.plus(Duration.ofDays(300)))).isEqualTo(Duration.ofDays(300));
		assertThat(linkedUsers.findByPrincipalName("alice")).contains(alice);
		assertThat(linkedUsers.findByUserId("36000002")).isEmpty();
		assertThat(linkedUsers.findByPrincipalName("bob")).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void saveWhenConsentThenLinkedEventAfterTheStoreHoldsIt(String type) {
		WithingsAuthorizedClientService store = store(type);
		List<Boolean> storedWhenPublished = new ArrayList<>();
		ApplicationEventPublisher publisher = (event) -> {
			this.events.add(event);
			storedWhenPublished.add(store.loadAuthorizedClient("withings", "alice") != null);
		};
		setPublisher(store, publisher);
		Instant now = Instant.now();

		link(store, "alice", "36000001", "refresh-a", now);
		// Spring's save after a refresh the store already holds, and a plain save: no new link
		store.saveAuthorizedClient(client("alice", "access-refresh-a", "refresh-a", now),
				new TestingAuthenticationToken("alice", null));
		store.saveAuthorizedClient(client("alice", "access-b", "refresh-b", now), new TestingAuthenticationToken("alice", null));
		// a new consent replacing the link
		link(store, "alice", "36000001", "refresh-c", now);

		assertThat(this.events).hasSize(2).allSatisfy((Object event) -> {
			assertThat(event).isInstanceOf(WithingsUserLinkedEvent.class);
			assertThat(((WithingsLinkEvent) event).user().userId()).isEqualTo("36000001");
		});
		assertThat(storedWhenPublished).containsExactly(true, true);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void saveWhenAConsentReplacesALinkToAnotherAccountThenTheEventNamesTheReplacedAccount(String type) {
		WithingsAuthorizedClientService store = store(type);
		Instant now = Instant.now();
		link(store, "alice", "36000001", "refresh-a", now);
		link(store, "alice", "36000001", "refresh-b", now);
		link(store, "alice", "36000009", "refresh-c", now);

		assertThat(this.events).hasSize(3);
		WithingsUserLinkedEvent first = (WithingsUserLinkedEvent) this.events.get(0);
		WithingsUserLinkedEvent again = (WithingsUserLinkedEvent) this.events.get(1);
		WithingsUserLinkedEvent other = (WithingsUserLinkedEvent) this.events.get(2);
		assertThat(first.replaced()).isNull();
		assertThat(first.replacedAnotherAccount()).isFalse();
		assertThat(again.replaced().userId()).isEqualTo("36000001");
		assertThat(again.replacedAnotherAccount()).isFalse();
		assertThat(other.user().userId()).isEqualTo("36000009");
		assertThat(other.replaced().userId()).isEqualTo("36000001");
		assertThat(other.replacedAnotherAccount()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void removeIfRefreshTokenWhenRemovedThenLostEventOnlyThen(String type) {
		WithingsAuthorizedClientService store = store(type);
		link(store, "alice", "36000001", "refresh-a", Instant.now());
		this.events.clear();

		assertThat(store.removeAuthorizedClientIfRefreshToken("withings", "alice", "older-refresh-token")).isFalse();
		assertThat(this.events).isEmpty();
		assertThat(store.removeAuthorizedClientIfRefreshToken("withings", "alice", "refresh-a")).isTrue();

		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsUserLostEvent.class, (lost) -> {
			assertThat(lost.reason()).isEqualTo(WithingsUserLostEvent.Reason.REFRESH_TOKEN_DEAD);
			assertThat(lost.user().principalName()).isEqualTo("alice");
			assertThat(lost.user().userId()).isEqualTo("36000001");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void removeIfRefreshTokenWhenUnlinkedThenLostEventWithThatReason(String type) {
		WithingsAuthorizedClientService store = store(type);
		link(store, "alice", "36000001", "refresh-a", Instant.now());
		this.events.clear();

		assertThat(store.removeAuthorizedClientIfRefreshToken("withings", "alice", "older-refresh-token",
				WithingsUserLostEvent.Reason.UNLINKED)).isFalse();
		assertThat(store.removeAuthorizedClientIfRefreshToken("withings", "alice", "refresh-a",
				WithingsUserLostEvent.Reason.UNLINKED)).isTrue();

		assertThat(store.loadWithingsAuthorizedClient("withings", "alice")).isNull();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsUserLostEvent.class,
				(lost) -> assertThat(lost.reason()).isEqualTo(WithingsUserLostEvent.Reason.UNLINKED));
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void saveRotationWhenItLandsThenRefreshedEventWithTheNewRefreshTokenAgeOnlyThen(String type) {
		WithingsAuthorizedClientService store = store(type);
		Instant linkedAt = Instant.now().minus(Duration.ofHours(4));
		link(store, "alice", "36000001", "refresh-a", linkedAt);
		WithingsAuthorizedClient before = store.loadWithingsAuthorizedClient("withings", "alice");
		this.events.clear();

		WithingsAuthorizedClient rotated = store.saveRotation(before, rotation("refresh-b"));

		assertThat(rotated).isNotNull();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsUserRefreshedEvent.class, (refreshed) -> {
			assertThat(refreshed.user().principalName()).isEqualTo("alice");
			assertThat(refreshed.user().userId()).isEqualTo("36000001");
			assertThat(refreshed.user().refreshTokenIssuedAt()).isAfter(linkedAt);
		});
		this.events.clear();
		// a late rotation of the refresh token already rotated does not land: no event
		assertThat(store.saveRotation(before, rotation("refresh-c"))).isNull();
		assertThat(this.events).isEmpty();
	}

	private static OAuth2AccessTokenResponse rotation(String refreshToken) {
		return OAuth2AccessTokenResponse.withToken("access-" + refreshToken)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(10800)
			.refreshToken(refreshToken)
			.additionalParameters(Map.of("userid", "36000001"))
			.build();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void saveWhenListenerFailsThenLinkStoredAndCallerNotFailed(String type) {
		WithingsAuthorizedClientService store = store(type);
		setPublisher(store, (event) -> {
			throw new IllegalStateException("listener bug");
		});

		link(store, "alice", "36000001", "refresh-a", Instant.now());

		assertThat(store.loadWithingsAuthorizedClient("withings", "alice").getUserId()).isEqualTo("36000001");
		assertThat(store.removeAuthorizedClientIfRefreshToken("withings", "alice", "refresh-a")).isTrue();
		assertThat(store.loadWithingsAuthorizedClient("withings", "alice")).isNull();
	}

	private static void setPublisher(WithingsAuthorizedClientService store, ApplicationEventPublisher publisher) {
		((ApplicationEventPublisherAware) store).setApplicationEventPublisher(publisher);
	}

	/** Counts the pages read. */
	private static final class CountingPages extends ForwardingWithingsAuthorizedClientService {

		private final AtomicInteger pages;

		CountingPages(WithingsAuthorizedClientService delegate, AtomicInteger pages) {
			super(delegate);
			this.pages = pages;
		}

		@Override
		public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
			this.pages.incrementAndGet();
			return super.findPage(registrationId, afterPrincipalName, size);
		}

	}

}
