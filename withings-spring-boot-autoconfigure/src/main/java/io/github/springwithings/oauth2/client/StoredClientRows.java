package io.github.springwithings.oauth2.client;

import java.time.Instant;
import java.util.Optional;

import io.github.springwithings.internal.sql.StoreDatabase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.StringUtils;

/**
 * The rows of {@link SqlWithingsAuthorizedClientService}, both ways: a row read into a
 * {@link WithingsAuthorizedClient} (its registration looked up, its tokens decrypted; a row that
 * cannot be read is skipped with a warning, never fatal to a page), and the column values a
 * statement writes (encrypted tokens, the SHA-256 hash a refresh token is found by, scopes,
 * times). Database failures are never taken for an unreadable row.
 */
final class StoredClientRows {

	/** The store's category: its warnings stay where they were. */
	private static final Log logger = LogFactory.getLog(SqlWithingsAuthorizedClientService.class);

	private final ClientRegistrationRepository clientRegistrationRepository;

	private TextEncryptor encryptor = Encryptors.noOpText();

	StoredClientRows(ClientRegistrationRepository clientRegistrationRepository) {
		this.clientRegistrationRepository = clientRegistrationRepository;
	}

	void setEncryptor(TextEncryptor encryptor) {
		this.encryptor = encryptor;
	}

	/** A row of every column; its client is {@code null} when it cannot be read (skipped with a warning). */
	Row readRow(StoreDatabase.Row row) {
		String principalName = row.string("principal_name");
		long version = row.number("version");
		ClientRegistration registration = this.clientRegistrationRepository
			.findByRegistrationId(row.string("client_registration_id"));
		if (registration == null) {
			return new Row(principalName, version, null);
		}
		try {
			return new Row(principalName, version, mapRow(row, registration, principalName));
		}
		catch (DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			skipped(principalName, ex);
			return new Row(principalName, version, null);
		}
	}

	/** The client of a row of the columns {@code loadAuthorizedClient} reads; empty when it cannot be read, as in {@link #readRow}. */
	Optional<OAuth2AuthorizedClient> readClient(StoreDatabase.Row row) {
		String principalName = row.string("principal_name");
		ClientRegistration registration = this.clientRegistrationRepository
			.findByRegistrationId(row.string("client_registration_id"));
		if (registration == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(authorizedClient(row, registration, principalName));
		}
		catch (DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			skipped(principalName, ex);
			return Optional.empty();
		}
	}

	private static void skipped(String principalName, RuntimeException ex) {
		logger.warn("Withings authorized client of '" + principalName + "' cannot be read (a value encrypted "
				+ "with another key?): skipped (" + ex.getClass().getSimpleName() + ")");
	}

	private WithingsAuthorizedClient mapRow(StoreDatabase.Row row, ClientRegistration registration,
			String principalName) {
		return new WithingsAuthorizedClient(authorizedClient(row, registration, principalName),
				row.string("withings_user_id"), row.instant("refresh_token_issued_at"), row.number("version"),
				row.instant("refresh_started_at"), row.string("previous_refresh_token_hash"));
	}

	private OAuth2AuthorizedClient authorizedClient(StoreDatabase.Row row, ClientRegistration registration,
			String principalName) {
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				this.encryptor.decrypt(row.string("access_token_value")), row.instant("access_token_issued_at"),
				row.instant("access_token_expires_at"),
				StringUtils.commaDelimitedListToSet(row.string("access_token_scopes")));
		String refreshTokenValue = row.string("refresh_token_value");
		Instant refreshTokenIssuedAt = row.instant("refresh_token_issued_at");
		OAuth2RefreshToken refreshToken = (refreshTokenValue != null)
				? new OAuth2RefreshToken(this.encryptor.decrypt(refreshTokenValue), refreshTokenIssuedAt) : null;
		return new OAuth2AuthorizedClient(registration, principalName, accessToken, refreshToken);
	}

	/** A stored row: its client is {@code null} when it cannot be read. */
	record Row(String principalName, long version, WithingsAuthorizedClient client) {
	}

	/** The encrypted value of a refresh token, or a typed SQL {@code NULL}. */
	Object encrypt(OAuth2RefreshToken refreshToken) {
		return (refreshToken != null) ? secret(refreshToken.getTokenValue()) : StoreDatabase.Null.TEXT;
	}

	/** An encrypted token value. */
	StoreDatabase.Secret secret(String tokenValue) {
		return new StoreDatabase.Secret(this.encryptor.encrypt(tokenValue));
	}

	/** The SHA-256 hash a token is found by. */
	static Object hash(String tokenValue) {
		return StoreDatabase.text(AuthorizedClientRules.hash(tokenValue));
	}

	static String scopes(OAuth2AccessToken accessToken) {
		return StringUtils.collectionToCommaDelimitedString(accessToken.getScopes());
	}

	static Object time(Instant instant) {
		return StoreDatabase.time(instant);
	}

}
