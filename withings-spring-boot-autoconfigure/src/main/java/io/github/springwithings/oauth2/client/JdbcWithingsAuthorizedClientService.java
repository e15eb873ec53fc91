package io.github.springwithings.oauth2.client;

import javax.sql.DataSource;

import io.github.springwithings.internal.sql.JdbcStoreDatabase;

import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * A {@link WithingsAuthorizedClientService} in a relational database reached through a
 * {@link DataSource} (table {@code withings_authorized_client}; schemas for H2 and PostgreSQL under
 * {@code io/github/springwithings/db}), shared by every instance of the application, servlet or
 * reactive ({@link R2dbcWithingsAuthorizedClientService} runs the same statements).
 *
 * <p><b>Never in the caller's transaction.</b> Every write runs in a short transaction of its own
 * (read committed, read-write) on a connection of its own, committed before it returns, and every
 * read is a single query on a connection of its own: a caller's {@code @Transactional} method,
 * read-only or not, JPA or JDBC, that rolls back can never undo a rotation that Withings has made.
 * While a caller holds a pooled connection in its own transaction, a store operation needs a
 * second one only while its statement runs: it goes back to the pool at once, never kept until
 * the caller's transaction ends. No operation holds a connection or a row lock while Withings is called: refreshes
 * are coordinated by a committed mark ({@link #claimRefresh}) and compare-and-set updates on the
 * refresh-token chain.
 *
 * <p>Token values can be encrypted at rest with a
 * {@link org.springframework.security.crypto.encrypt.TextEncryptor}; they are found by their SHA-256
 * hash. Rows that cannot be read (an unknown registration, a value encrypted with another key) are
 * skipped with a warning, never fatal to a page.
 */
public final class JdbcWithingsAuthorizedClientService extends SqlWithingsAuthorizedClientService {

	/**
	 * @param dataSource the application's data source; the store takes connections of its own
	 * from it and never joins a transaction bound to it
	 * @param clientRegistrationRepository where registrations of stored clients are found
	 */
	public JdbcWithingsAuthorizedClientService(DataSource dataSource,
			ClientRegistrationRepository clientRegistrationRepository) {
		super(new JdbcStoreDatabase(dataSource), clientRegistrationRepository);
	}

}
