package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Counting linked users by refresh-token age and refreshes in doubt, on every store (and the
 * interface's paging default), as the Actuator endpoint and metrics do.
 */
@Tag("database")
class WithingsLinkCountsTests {

	private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

	/** Issued within 30 days, 180 days, 335 days, one year. */
	private static final List<Instant> BOUNDS = List.of(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(180)),
			NOW.minus(Duration.ofDays(335)), NOW.minus(Duration.ofDays(365)));

	private HikariDataSource dataSource;

	private ConnectionPool connectionFactory;

	@AfterEach
	void close() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.dispose();
		}
	}

	private WithingsAuthorizedClientService store(String type) {
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
				registration("withings"), registration("withings-eu"));
		String name = "link-counts-" + UUID.randomUUID();
		return switch (type) {
			case "r2dbc" -> {
				this.connectionFactory = TestDatabases.connectionFactory(name, 2);
				yield new R2dbcWithingsAuthorizedClientService(this.connectionFactory, registrations);
			}
			case "jdbc" -> {
				this.dataSource = TestDatabases.dataSource(name, 2);
				yield new JdbcWithingsAuthorizedClientService(this.dataSource, registrations);
			}
			case "default" -> new ForwardingWithingsAuthorizedClientService(
					new InMemoryWithingsAuthorizedClientService(registrations));
			default -> new InMemoryWithingsAuthorizedClientService(registrations);
		};
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc", "default" })
	void countLinksWhenUsersOfVariousAgesThenCountedPerAgeAndInDoubt(String type) {
		WithingsAuthorizedClientService store = store(type);
		link(store, "withings", "fresh", NOW.minus(Duration.ofDays(1)));
		link(store, "withings", "exactly-30-days", NOW.minus(Duration.ofDays(30)));
		link(store, "withings", "two-months", NOW.minus(Duration.ofDays(60)));
		link(store, "withings", "seven-months", NOW.minus(Duration.ofDays(210)));
		link(store, "withings", "eleven-months", NOW.minus(Duration.ofDays(340)));
		link(store, "withings", "eleven-and-a-half-months", NOW.minus(Duration.ofDays(350)));
		link(store, "withings", "past-a-year", NOW.minus(Duration.ofDays(400)));
		link(store, "withings-eu", "other-registration", NOW.minus(Duration.ofDays(340)));
		WithingsAuthorizedClient twoMonths = store.loadWithingsAuthorizedClient("withings", "two-months");
		assertThat(store.claimRefresh(twoMonths, NOW.minus(Duration.ofMinutes(10)), NOW.minus(Duration.ofMinutes(30))))
			.isTrue();
		WithingsAuthorizedClient fresh = store.loadWithingsAuthorizedClient("withings", "fresh");
		assertThat(store.claimRefresh(fresh, NOW.minusSeconds(5), NOW.minus(Duration.ofMinutes(30)))).isTrue();

		WithingsLinkCounts counts = store.countLinks("withings", BOUNDS, NOW.minus(Duration.ofMinutes(5)));

		assertThat(counts.linkedUsers()).isEqualTo(7);
		assertThat(counts.byRefreshTokenAge()).containsExactly(2L, 1L, 1L, 2L, 1L);
		assertThat(counts.unknownRefreshTokenAge()).isZero();
		assertThat(counts.refreshesInDoubt()).as("only the mark older than the bound").isEqualTo(1);
		assertThat(store.countLinks("withings-eu", BOUNDS, NOW).byRefreshTokenAge()).containsExactly(0L, 0L, 0L, 1L, 0L);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc", "r2dbc" })
	void countLinksWhenNoUserThenZeros(String type) {
		WithingsLinkCounts counts = store(type).countLinks("withings", BOUNDS, NOW);

		assertThat(counts).isEqualTo(new WithingsLinkCounts(0, List.of(0L, 0L, 0L, 0L, 0L), 0, 0));
	}

	@Test
	void countLinksWhenNoBoundThenOneCountOfEveryKnownAge() {
		WithingsAuthorizedClientService store = store("jdbc");
		link(store, "withings", "alice", NOW.minus(Duration.ofDays(3)));
		link(store, "withings", "bob", NOW.minus(Duration.ofDays(300)));

		assertThat(store.countLinks("withings", List.of(), NOW).byRefreshTokenAge()).containsExactly(2L);
	}

	@Test
	void countLinksWhenARowHasNoRefreshTokenIssueTimeThenCountedAsUnknown() {
		WithingsAuthorizedClientService store = store("jdbc");
		link(store, "withings", "alice", NOW.minus(Duration.ofDays(3)));
		link(store, "withings", "legacy", NOW.minus(Duration.ofDays(3)));
		new JdbcTemplate(this.dataSource)
			.update("UPDATE withings_authorized_client SET refresh_token_issued_at = NULL WHERE principal_name = 'legacy'");

		WithingsLinkCounts counts = store.countLinks("withings", BOUNDS, NOW);

		assertThat(counts.linkedUsers()).isEqualTo(2);
		assertThat(counts.byRefreshTokenAge()).containsExactly(1L, 0L, 0L, 0L, 0L);
		assertThat(counts.unknownRefreshTokenAge()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "jdbc" })
	void countLinksWhenBoundsNotNewestFirstThenRejected(String type) {
		WithingsAuthorizedClientService store = store(type);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> store.countLinks("withings", List.of(NOW.minus(Duration.ofDays(300)), NOW), NOW));
	}

	private static void link(WithingsAuthorizedClientService store, String registrationId, String principalName,
			Instant issuedAt) {
		String accessToken = "access-" + principalName;
		store.rememberUserId(accessToken, "3600" + Math.abs(principalName.hashCode() % 10_000));
		store.saveAuthorizedClient(
				new OAuth2AuthorizedClient(registration(registrationId), principalName,
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, issuedAt,
								issuedAt.plus(Duration.ofHours(3)), Set.of("user.metrics")),
						new OAuth2RefreshToken("refresh-" + principalName, issuedAt)),
				new TestingAuthenticationToken(principalName, null));
	}

	private static ClientRegistration registration(String registrationId) {
		return ClientRegistration.withRegistrationId(registrationId)
			.clientId("client-id")
			.clientSecret("client-secret")
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
			.scope("user.metrics")
			.authorizationUri("https://account.withings.com/oauth2_user/authorize2")
			.tokenUri("https://wbsapi.withings.net/v2/oauth2")
			.build();
	}

}
