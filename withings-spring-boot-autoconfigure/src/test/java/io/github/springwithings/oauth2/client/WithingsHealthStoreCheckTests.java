package io.github.springwithings.oauth2.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.health.WithingsHealthIndicator;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code withings} health contributor's store check, statement by statement (H2, and
 * PostgreSQL in CI): a bounded number of queries whatever the table holds, even when no row can
 * be read (rows encrypted with another key), and no token read.
 */
@Tag("database")
class WithingsHealthStoreCheckTests {

	private static final String SALT = "5c0744940b5c369b";

	private HikariDataSource pool;

	private StatementRecordingDataSource dataSource;

	private InMemoryClientRegistrationRepository registrations;

	@BeforeEach
	void start() {
		this.pool = TestDatabases.dataSource("health-store-check", 2);
		this.dataSource = new StatementRecordingDataSource(this.pool);
		ClientRegistration registration = ClientRegistration.withRegistrationId("withings")
			.clientId("id")
			.clientSecret("secret")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(TestClientRegistrations.REDIRECT_URI)
			.authorizationUri("http://127.0.0.1:1/oauth2_user/authorize2")
			.tokenUri("http://127.0.0.1:1/v2/oauth2")
			.build();
		this.registrations = new InMemoryClientRegistrationRepository(registration);
	}

	@AfterEach
	void stop() {
		this.pool.close();
	}

	@Test
	void healthWhenAThousandRowsAreEncryptedWithAnotherKeyThenOneQueryPerCheck() {
		JdbcWithingsAuthorizedClientService keyA = new JdbcWithingsAuthorizedClientService(this.pool, this.registrations);
		keyA.setEncryptor(Encryptors.delux("the-former-key", SALT));
		ClientRegistration registration = this.registrations.findByRegistrationId("withings");
		Instant now = Instant.now();
		for (int i = 0; i < 1000; i++) {
			String principal = String.format("user-%04d", i);
			keyA.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, principal,
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-" + i, now,
							now.plus(Duration.ofHours(3))),
					new OAuth2RefreshToken("refresh-" + i, now)), new TestingAuthenticationToken(principal, null));
		}
		JdbcWithingsAuthorizedClientService keyB = new JdbcWithingsAuthorizedClientService(this.dataSource,
				this.registrations);
		keyB.setEncryptor(Encryptors.delux("the-application-key", SALT));
		assertThat(keyB.loadWithingsAuthorizedClient("withings", "user-0000")).as("unreadable with key B").isNull();
		WithingsReachability reachability = new WithingsReachability(RestClient.create(), this.registrations,
				List.of("withings"));
		reachability.setExecutor((probe) -> {
			// Withings is not the point here
		});
		WithingsHealthIndicator indicator = new WithingsHealthIndicator(reachability, List.of("withings"), keyB);
		this.dataSource.clear();

		Health first = indicator.health();
		Health second = indicator.health();

		assertThat(first.getStatus()).isEqualTo(Status.UP);
		assertThat(first.getDetails()).containsEntry("store", "UP");
		assertThat(second.getStatus()).isEqualTo(Status.UP);
		assertThat(this.dataSource.executed).as("one aggregate query per check, not one per unreadable row")
			.hasSize(2)
			.allSatisfy((statement) -> {
				assertThat(statement.sql()).startsWithIgnoringCase("SELECT COUNT(*)");
				assertThat(statement.isWrite()).isFalse();
			});
	}

}
