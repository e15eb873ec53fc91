package io.github.springwithings.oauth2.client;

import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;

import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.web.client.RestClient;

/**
 * An application instance in a JVM of its own, for the crash test: it refreshes one principal
 * against the simulator and a shared database, and is killed with {@code kill -9} while it waits
 * for Withings' answer.
 *
 * <p>Arguments: the simulator's base URL, the JDBC URL, user and password, the principal name.
 */
public final class RefreshInAnotherJvm {

	private RefreshInAnotherJvm() {
	}

	public static void main(String[] args) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(args[1]);
		config.setUsername(args[2]);
		config.setPassword(args[3]);
		config.setMaximumPoolSize(2);
		try (HikariDataSource dataSource = new HikariDataSource(config)) {
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
					TestClientRegistrations.withings(args[0]).build());
			JdbcWithingsAuthorizedClientService store = new JdbcWithingsAuthorizedClientService(dataSource, registrations);
			WithingsClientRegistrations withings = WithingsClientRegistrations.withIds(List.of("withings"));
			SingleFlightRefreshTokenResponseClient refreshClient = new SingleFlightRefreshTokenResponseClient(
					WithingsAccessTokenResponseClient.refreshToken(withings, WithingsClientAuthentication.SIGNATURE,
							RestClient.builder()),
					store, withings);
			new WithingsAuthorizedClients(registrations, store, refreshClient,
					new WithingsRevocationClient(RestClient.create()), "withings")
				.authorize(args[4]);
		}
		// not killed: the parent test fails on the exit code
		System.exit(3);
	}

}
