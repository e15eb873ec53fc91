package io.github.springwithings.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.Concurrently;
import io.github.springwithings.testsupport.ContextLinks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application instances sharing one database (H2 here, PostgreSQL in CI) and one Withings:
 * many users, many concurrent callers per user and instance, many expiry cycles, client-secret
 * authentication (where a second refresh of the same token is answered 601). No user is lost,
 * no dead refresh token is ever used, and each user is refreshed once per cycle. Then a restart.
 */
@Tag("database")
class WithingsMultiInstanceIntegrationTests {

	private static final int USERS = 20;

	private static final int CALLERS_PER_USER_AND_INSTANCE = 50;

	private static final int CYCLES = 10;

	private WithingsSimulator simulator;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.simulator.setLatency(Duration.ofMillis(20));
		try (var dataSource = TestDatabases.dataSource("multi-instance", 2)) {
			new JdbcTemplate(dataSource).update("DELETE FROM withings_authorized_client");
		}
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.simulator.stop();
	}

	@Test
	void authorizeWhenTwoInstancesShareTheDatabaseThenNoUserLostAndOneRefreshPerUserPerCycle() throws Exception {
		ConfigurableApplicationContext first = startInstance();
		ConfigurableApplicationContext second = startInstance();
		List<String> users = new ArrayList<>();
		for (int i = 0; i < USERS; i++) {
			users.add(link(first, String.valueOf(37_000_000 + i)));
		}
		assertThat(service(second)).isInstanceOf(JdbcWithingsAuthorizedClientService.class);
		List<WithingsAuthorizedClients> instances = List.of(clients(first), clients(second));

		for (int cycle = 1; cycle <= CYCLES; cycle++) {
			int refreshes = this.simulator.counters().refreshTokenGrants();
			expireAccessTokens(first);
			Map<String, Set<String>> tokensByUser = new ConcurrentHashMap<>();
			List<Callable<Void>> calls = new ArrayList<>();
			for (String user : users) {
				for (WithingsAuthorizedClients clients : instances) {
					for (int caller = 0; caller < CALLERS_PER_USER_AND_INSTANCE; caller++) {
						calls.add(() -> {
							OAuth2AuthorizedClient client = clients.authorize(user);
							tokensByUser.computeIfAbsent(user, (key) -> ConcurrentHashMap.newKeySet())
								.add(client.getAccessToken().getTokenValue());
							return null;
						});
					}
				}
			}

			Concurrently.run(calls, 200, Duration.ofMinutes(2));

			assertThat(this.simulator.counters().refreshTokenGrants() - refreshes).as("refreshes in cycle %d", cycle)
				.isEqualTo(USERS);
			assertThat(tokensByUser).hasSize(USERS).allSatisfy((user, tokens) -> assertThat(tokens).hasSize(1));
			for (String user : users) {
				OAuth2AuthorizedClient stored = service(first).loadAuthorizedClient("withings", user);
				assertThat(stored).as("user %s in cycle %d", user, cycle).isNotNull();
				assertThat(tokensByUser.get(user)).containsExactly(stored.getAccessToken().getTokenValue());
				assertThat(WithingsTestFixture.getmeas(this.simulator, stored.getAccessToken().getTokenValue())).containsEntry("status", 0);
				assertThat(this.simulator.refreshTokenState(stored.getRefreshToken().getTokenValue()))
					.isEqualTo(RefreshTokenState.ACTIVE);
			}
		}
		assertThat(this.simulator.counters().deadChainUses()).isZero();
		assertThat(this.simulator.counters().tooManyRequests()).isZero();
		assertThat(this.simulator.counters().rejectedTokenRequests()).isZero();

		second.close();
		ConfigurableApplicationContext restarted = startInstance();

		for (String user : users) {
			WithingsAuthorizedClient stored = service(restarted).loadByUserId("withings", user);
			assertThat(stored).isNotNull();
			assertThat(stored.getPrincipalName()).isEqualTo(user);
			assertThat(stored.getVersion()).isEqualTo(CYCLES);
		}
		expireAccessTokens(restarted);
		assertThat(clients(restarted).authorizeByUserId(users.get(0)).getPrincipalName()).isEqualTo(users.get(0));
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(USERS * CYCLES + 1);
	}

	private ConfigurableApplicationContext startInstance() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(InstanceApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + TestDatabases.url("multi-instance"),
					"spring.datasource.username=" + TestDatabases.username(),
					"spring.datasource.password=" + TestDatabases.password(),
					"spring.datasource.hikari.maximum-pool-size=10", "withings.store.initialize-schema=always",
					"spring.security.oauth2.client.registration.withings.client-id=" + WithingsSimulator.DEFAULT_CLIENT_ID,
					"spring.security.oauth2.client.registration.withings.client-secret="
							+ WithingsSimulator.DEFAULT_CLIENT_SECRET,
					"spring.security.oauth2.client.registration.withings.redirect-uri="
							+ TestClientRegistrations.REDIRECT_URI,
					"withings.api-base-uri=" + this.simulator.baseUrl(),
					"withings.account-base-uri=" + this.simulator.baseUrl(),
					"withings.client-authentication=client-secret", "withings.rate-limit.requests-per-minute=60000")
			.run();
		this.contexts.add(context);
		return context;
	}

	/** Sign a user in through an instance's own beans, as Spring's login filter would. */
	private String link(ConfigurableApplicationContext context, String userId) {
		return ContextLinks.link(this.simulator, context, userId);
	}

	/**
	 * Three hours pass: every stored access token has expired for the application, and Withings'
	 * clock moves as far.
	 */
	private void expireAccessTokens(ConfigurableApplicationContext context) {
		this.simulator.clock().advance(Duration.ofHours(3).plusMinutes(5));
		context.getBean(JdbcTemplate.class)
			.update("UPDATE withings_authorized_client SET access_token_issued_at = ?, access_token_expires_at = ?",
					Instant.now().minus(Duration.ofHours(3).plusMinutes(5)).toEpochMilli(),
					Instant.now().minus(Duration.ofMinutes(5)).toEpochMilli());
	}

	private static WithingsAuthorizedClients clients(ConfigurableApplicationContext context) {
		return context.getBean(WithingsAuthorizedClients.class);
	}

	private static WithingsAuthorizedClientService service(ConfigurableApplicationContext context) {
		return context.getBean(WithingsAuthorizedClientService.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class InstanceApplication {

	}

}
