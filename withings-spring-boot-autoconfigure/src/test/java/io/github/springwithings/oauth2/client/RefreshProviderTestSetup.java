package io.github.springwithings.oauth2.client;

import java.time.Instant;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.testsupport.ForwardingWithingsAuthorizedClientService;
import io.github.springwithings.testsupport.TestDatabases;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * What the servlet and reactive refresh-provider tests share: the simulator, the store (memory,
 * or JDBC on the tests' database) and the registration of another provider that Spring's own
 * refresh provider keeps.
 */
final class RefreshProviderTestSetup implements AutoCloseable {

	/** A registration of another provider, refreshed by Spring's own refresh provider. */
	static final ClientRegistration OTHER = ClientRegistration.withRegistrationId("other")
		.clientId("other-client")
		.clientSecret("other-secret")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost/login/oauth2/code/other")
		.authorizationUri("http://other.invalid/authorize")
		.tokenUri("http://other.invalid/token")
		.build();

	private final String databasePrefix;

	private WithingsSimulator simulator;

	private HikariDataSource dataSource;

	/**
	 * @param databasePrefix names the JDBC store's database, one per test
	 */
	RefreshProviderTestSetup(String databasePrefix) {
		this.databasePrefix = databasePrefix;
	}

	/**
	 * Starts the simulator and builds the fixture on the store.
	 * @param store {@code "memory"} or {@code "jdbc"}
	 * @param onRelease run after each release of a refresh claim, may be {@code null}
	 * @return the fixture
	 */
	WithingsTestFixture fixture(String store, Runnable onRelease) {
		this.simulator = WithingsSimulator.start();
		if (store.equals("jdbc")) {
			this.dataSource = TestDatabases.dataSource(this.databasePrefix + UUID.randomUUID(), 10);
		}
		return new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE, this.dataSource,
				(service) -> new ForwardingWithingsAuthorizedClientService(service) {

					@Override
					public void releaseRefresh(WithingsAuthorizedClient client, Instant claimedAt) {
						super.releaseRefresh(client, claimedAt);
						if (onRelease != null) {
							onRelease.run();
						}
					}

				});
	}

	WithingsSimulator simulator() {
		return this.simulator;
	}

	HikariDataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public void close() {
		if (this.simulator != null) {
			this.simulator.stop();
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

}
