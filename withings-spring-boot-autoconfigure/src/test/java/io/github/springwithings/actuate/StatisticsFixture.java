package io.github.springwithings.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.notification.WithingsNotificationReceiver;
import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.notification.WithingsSubscribeOnLink;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsLinkedUsers;
import io.github.springwithings.oauth2.client.keepalive.JdbcWithingsSweepLog;
import io.github.springwithings.oauth2.client.keepalive.WithingsKeepAlive;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.SimulatorClock;
import io.github.springwithings.testsupport.TestDatabases;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.client.RestClient;

/**
 * A JDBC store on H2 with users of various refresh-token ages and a refresh in doubt, a
 * keep-alive that swept, a rate budget that was used and got a 601, a notification callback that
 * received one: what the endpoint and the metrics read.
 */
public final class StatisticsFixture implements AutoCloseable {

	public static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

	public static final String CLIENT_SECRET = "client-s3cret-value";

	public final SimulatorClock clock = new SimulatorClock(Clock.fixed(NOW, ZoneOffset.UTC));

	public final HikariDataSource dataSource = TestDatabases.dataSource("statistics-" + UUID.randomUUID(), 2);

	public final InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
			registration("withings"), registration("withings-eu"));

	public final JdbcWithingsAuthorizedClientService store = new JdbcWithingsAuthorizedClientService(this.dataSource,
			this.registrations);

	public final JdbcWithingsSweepLog sweepLog = new JdbcWithingsSweepLog(this.dataSource);

	public final WithingsKeepAlive keepAlive = new WithingsKeepAlive(this.store, (request) -> {
		throw new IllegalStateException("not refreshed here");
	}, List.of("withings", "withings-eu"));

	public final WithingsRateBudget rateBudget = WithingsRateBudget.local(120, 6, this.clock);

	public final WithingsNotificationReceiver receiver = new WithingsNotificationReceiver("/withings/notify/s3cret-path",
			this.store, List.of("withings"), (event) -> {
			}, Runnable::run);

	public final WithingsSubscribeOnLink subscribeOnLink = new WithingsSubscribeOnLink(new WithingsNotifications(
			new WithingsApi(RestClient.create("http://127.0.0.1:1")),
			new WithingsLinkedUsers(this.store, "withings"), "https://app.example.com/withings/notify/s3cret-path"));

	public final WithingsStatistics statistics = new WithingsStatistics(this.store, List.of("withings", "withings-eu"));

	public StatisticsFixture() {
		this.store.setClock(this.clock);
		this.keepAlive.setSweepLog(this.sweepLog);
		this.keepAlive.setInterval(Duration.ofHours(24));
		this.keepAlive.setClock(this.clock);
		this.receiver.setClock(this.clock);
		this.statistics.setClock(this.clock);
		this.statistics.setInDoubtDelay(Duration.ofMinutes(5));
		this.statistics.setKeepAlive(this.keepAlive);
		this.statistics.setRateBudget(this.rateBudget);
		this.statistics.setNotificationReceiver(this.receiver);
		this.statistics.setSubscribeOnLink(this.subscribeOnLink);
	}

	/** Seven users of "withings" of every age (one in doubt), one of "withings-eu", a sweep, calls, a 601, a callback. */
	public StatisticsFixture populated() {
		link("withings", "alice", "36000001", Duration.ofDays(1));
		link("withings", "bob", "36000002", Duration.ofDays(60));
		link("withings", "carol", "36000003", Duration.ofDays(200));
		link("withings", "dave", "36000004", Duration.ofDays(340));
		link("withings", "erin", "36000005", Duration.ofDays(350));
		link("withings", "frank", "36000006", Duration.ofDays(400));
		link("withings", "grace", "36000007", Duration.ofDays(10));
		link("withings-eu", "heidi", "36000008", Duration.ofDays(340));
		WithingsAuthorizedClient bob = this.store.loadWithingsAuthorizedClient("withings", "bob");
		this.store.claimRefresh(bob, NOW.minus(Duration.ofMinutes(20)), NOW.minus(Duration.ofMinutes(30)));
		this.sweepLog.tryStart(WithingsKeepAlive.SWEEP_NAME, NOW.minus(Duration.ofHours(3)), Duration.ofHours(24));
		for (int i = 0; i < 4; i++) {
			this.rateBudget.reserve(Duration.ZERO);
		}
		this.rateBudget.tryTake();
		this.rateBudget.onTooManyRequests(Duration.ofSeconds(30), null);
		this.receiver.receive("userid=36000001&appli=1&startdate=1&enddate=2".getBytes(StandardCharsets.UTF_8));
		this.receiver.receive("userid=99999999&appli=1&startdate=1&enddate=2".getBytes(StandardCharsets.UTF_8));
		return this;
	}

	public void link(String registrationId, String principalName, String userId, Duration age) {
		Instant issuedAt = NOW.minus(age);
		String accessToken = "access-token-of-" + principalName;
		this.store.rememberUserId(accessToken, userId);
		this.store.saveAuthorizedClient(new OAuth2AuthorizedClient(this.registrations.findByRegistrationId(registrationId),
				principalName, new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, issuedAt,
						issuedAt.plus(Duration.ofHours(3)), Set.of("user.metrics")),
				new OAuth2RefreshToken("refresh-token-of-" + principalName, issuedAt)),
				new TestingAuthenticationToken(principalName, null));
	}

	private static ClientRegistration registration(String registrationId) {
		return ClientRegistration.withRegistrationId(registrationId)
			.clientId("client-id-" + registrationId)
			.clientSecret(CLIENT_SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
			.scope("user.metrics")
			.authorizationUri("https://account.withings.com/oauth2_user/authorize2")
			.tokenUri("https://wbsapi.withings.net/v2/oauth2")
			.build();
	}

	@Override
	public void close() {
		this.subscribeOnLink.destroy();
		this.dataSource.close();
	}

}
