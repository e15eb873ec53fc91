package io.github.springwithings.oauth2.client;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * A {@link WithingsAuthorizedClientService} in a relational database (table
 * {@code withings_authorized_client}; schemas for H2 and PostgreSQL next to this class), shared by
 * every instance of the application.
 *
 * <p>Refreshes are coordinated through the database: {@link #lockByRefreshToken} runs in a
 * transaction holding a row lock ({@code SELECT ... FOR UPDATE}) on the client whose current or
 * previous refresh token is the one being refreshed, and {@link #saveRotation} updates that row in
 * the same transaction, with a compare-and-set on its version. Token values can be encrypted at
 * rest with a {@link TextEncryptor}; they are found by their SHA-256 hash.
 */
public final class JdbcWithingsAuthorizedClientService implements WithingsAuthorizedClientService {

	private static final String COLUMNS = "client_registration_id, principal_name, withings_user_id, access_token_type, "
			+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes, "
			+ "refresh_token_value, refresh_token_hash, previous_refresh_token_hash, refresh_token_issued_at, version";

	private static final String TABLE = "withings_authorized_client";

	private static final String BY_KEY = "client_registration_id = ? AND principal_name = ?";

	private static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE ";

	private static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS
			+ ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final String UPDATE = "UPDATE " + TABLE + " SET withings_user_id = ?, access_token_type = ?, "
			+ "access_token_value = ?, access_token_issued_at = ?, access_token_expires_at = ?, access_token_scopes = ?, "
			+ "refresh_token_value = ?, refresh_token_hash = ?, previous_refresh_token_hash = ?, "
			+ "refresh_token_issued_at = ?, version = ?, updated_at = ? WHERE " + BY_KEY + " AND version = ?";

	private final JdbcOperations jdbc;

	private final TransactionTemplate transactions;

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final AuthorizedClientRules rules = new AuthorizedClientRules();

	private TextEncryptor encryptor = Encryptors.noOpText();

	private Clock clock = Clock.systemUTC();

	/**
	 * @param jdbc the JDBC operations (on the data source {@code transactionManager} manages)
	 * @param transactionManager the transaction manager of that data source
	 * @param clientRegistrationRepository where registrations of stored clients are found
	 */
	public JdbcWithingsAuthorizedClientService(JdbcOperations jdbc, PlatformTransactionManager transactionManager,
			ClientRegistrationRepository clientRegistrationRepository) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactionManager, "transactionManager cannot be null");
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.clientRegistrationRepository = clientRegistrationRepository;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		return WithingsAuthorizedClientService.unwrap(loadWithingsAuthorizedClient(clientRegistrationId, principalName));
	}

	@Override
	public WithingsAuthorizedClient loadWithingsAuthorizedClient(String registrationId, String principalName) {
		return first(this.jdbc.query(SELECT + BY_KEY, rowMapper(), registrationId, principalName));
	}

	@Override
	public WithingsAuthorizedClient loadByUserId(String registrationId, String userId) {
		return first(this.jdbc.query(SELECT + "client_registration_id = ? AND withings_user_id = ? ORDER BY updated_at DESC",
				rowMapper(), registrationId, userId));
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		Assert.notNull(authorizedClient, "authorizedClient cannot be null");
		Assert.notNull(principal, "principal cannot be null");
		try {
			this.transactions.executeWithoutResult((status) -> save(authorizedClient, principal));
		}
		catch (DuplicateKeyException ex) {
			// another instance inserted the same client first: apply the same rules to its row
			this.transactions.executeWithoutResult((status) -> save(authorizedClient, principal));
		}
	}

	private void save(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		String registrationId = authorizedClient.getClientRegistration().getRegistrationId();
		WithingsAuthorizedClient current = first(
				this.jdbc.query(SELECT + BY_KEY + " FOR UPDATE", rowMapper(), registrationId, principal.getName()));
		String userId = this.rules.userIdFor(authorizedClient, principal, current);
		if (AuthorizedClientRules.isStaleOrSame(authorizedClient, current, userId)) {
			return;
		}
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(authorizedClient.getClientRegistration(),
				principal.getName(), authorizedClient.getAccessToken(), authorizedClient.getRefreshToken());
		Instant now = this.clock.instant();
		if (current == null) {
			WithingsAuthorizedClient created = new WithingsAuthorizedClient(client, userId,
					AuthorizedClientRules.issuedAt(client.getRefreshToken(), now), 0);
			this.jdbc.update(INSERT, registrationId, principal.getName(), userId,
					client.getAccessToken().getTokenType().getValue(),
					secret(client.getAccessToken().getTokenValue()),
					timestamp(client.getAccessToken().getIssuedAt()), timestamp(client.getAccessToken().getExpiresAt()),
					scopes(client.getAccessToken()), encrypt(client.getRefreshToken()),
					AuthorizedClientRules.hash(created.getRefreshTokenValue()), null,
					timestamp(created.getRefreshTokenIssuedAt()), 0L, timestamp(now));
			return;
		}
		boolean sameRefreshToken = Objects.equals(current.getRefreshTokenValue(),
				(client.getRefreshToken() != null) ? client.getRefreshToken().getTokenValue() : null);
		update(current, new WithingsAuthorizedClient(client, userId,
				sameRefreshToken ? current.getRefreshTokenIssuedAt() : AuthorizedClientRules.issuedAt(client.getRefreshToken(), now),
				current.getVersion() + 1));
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.jdbc.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY, clientRegistrationId, principalName);
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue) {
		return this.jdbc.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY + " AND refresh_token_hash = ?",
				registrationId, principalName, AuthorizedClientRules.hash(refreshTokenValue)) > 0;
	}

	@Override
	public <T> T lockByRefreshToken(String registrationId, String refreshTokenValue,
			Function<WithingsAuthorizedClient, T> work) {
		String hash = AuthorizedClientRules.hash(refreshTokenValue);
		return this.transactions.execute((status) -> work.apply(first(this.jdbc.query(
				SELECT + "client_registration_id = ? AND (refresh_token_hash = ? OR previous_refresh_token_hash = ?) FOR UPDATE",
				rowMapper(), registrationId, hash, hash))));
	}

	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response) {
		WithingsAuthorizedClient rotated = AuthorizedClientRules.rotated(current, response, this.clock.instant());
		update(current, rotated);
		return rotated;
	}

	private void update(WithingsAuthorizedClient current, WithingsAuthorizedClient next) {
		OAuth2AuthorizedClient client = next.getAuthorizedClient();
		String previousHash = Objects.equals(current.getRefreshTokenValue(), next.getRefreshTokenValue())
				? currentPreviousHash(current) : AuthorizedClientRules.hash(current.getRefreshTokenValue());
		int updated = this.jdbc.update(UPDATE, next.getUserId(), client.getAccessToken().getTokenType().getValue(),
				secret(client.getAccessToken().getTokenValue()),
				timestamp(client.getAccessToken().getIssuedAt()), timestamp(client.getAccessToken().getExpiresAt()),
				scopes(client.getAccessToken()), encrypt(client.getRefreshToken()),
				AuthorizedClientRules.hash(next.getRefreshTokenValue()), previousHash,
				timestamp(next.getRefreshTokenIssuedAt()), next.getVersion(), timestamp(this.clock.instant()),
				current.getRegistrationId(), current.getPrincipalName(), current.getVersion());
		if (updated != 1) {
			throw new IllegalStateException("Authorized client '" + current.getRegistrationId() + "' of '"
					+ current.getPrincipalName() + "' changed concurrently (version " + current.getVersion() + ")");
		}
	}

	private String currentPreviousHash(WithingsAuthorizedClient current) {
		return first(this.jdbc.queryForList("SELECT previous_refresh_token_hash FROM " + TABLE + " WHERE " + BY_KEY,
				String.class, current.getRegistrationId(), current.getPrincipalName()));
	}

	@Override
	public void rememberUserId(String accessTokenValue, String userId) {
		this.rules.rememberUserId(accessTokenValue, userId);
	}

	@Override
	public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
		List<WithingsAuthorizedClient> page = this.jdbc.query(
				SELECT + "client_registration_id = ? AND principal_name > ? ORDER BY principal_name LIMIT ?",
				rowMapper(), registrationId, (afterPrincipalName != null) ? afterPrincipalName : "", size);
		return page.stream().filter(Objects::nonNull).toList();
	}

	/**
	 * Encrypt token values at rest (e.g. {@code Encryptors.delux(password, salt)}); no encryption by
	 * default. Changing it makes existing rows unreadable.
	 * @param encryptor the encryptor
	 */
	public void setEncryptor(TextEncryptor encryptor) {
		Assert.notNull(encryptor, "encryptor cannot be null");
		this.encryptor = encryptor;
	}

	/**
	 * Set the clock that dates rows and refresh tokens.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	private RowMapper<WithingsAuthorizedClient> rowMapper() {
		return this::mapRow;
	}

	private WithingsAuthorizedClient mapRow(ResultSet rs, int rowNum) throws SQLException {
		ClientRegistration registration = this.clientRegistrationRepository
			.findByRegistrationId(rs.getString("client_registration_id"));
		if (registration == null) {
			return null;
		}
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				this.encryptor.decrypt(rs.getString("access_token_value")), instant(rs, "access_token_issued_at"),
				instant(rs, "access_token_expires_at"),
				StringUtils.commaDelimitedListToSet(rs.getString("access_token_scopes")));
		String refreshTokenValue = rs.getString("refresh_token_value");
		Instant refreshTokenIssuedAt = instant(rs, "refresh_token_issued_at");
		OAuth2RefreshToken refreshToken = (refreshTokenValue != null)
				? new OAuth2RefreshToken(this.encryptor.decrypt(refreshTokenValue), refreshTokenIssuedAt) : null;
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(registration, rs.getString("principal_name"),
				accessToken, refreshToken);
		return new WithingsAuthorizedClient(client, rs.getString("withings_user_id"), refreshTokenIssuedAt,
				rs.getLong("version"));
	}

	private SecretValue encrypt(OAuth2RefreshToken refreshToken) {
		return (refreshToken != null) ? secret(refreshToken.getTokenValue()) : null;
	}

	private SecretValue secret(String tokenValue) {
		return new SecretValue(this.encryptor.encrypt(tokenValue));
	}

	/**
	 * A token value bound as a statement parameter without ever showing in a log: Spring JDBC logs
	 * parameter values at TRACE with their {@code toString()}.
	 */
	private record SecretValue(String value) implements SqlTypeValue {

		@Override
		public void setTypeValue(PreparedStatement ps, int paramIndex, int sqlType, String typeName)
				throws SQLException {
			ps.setString(paramIndex, this.value);
		}

		@Override
		public String toString() {
			return "[secret]";
		}

	}

	private static String scopes(OAuth2AccessToken accessToken) {
		return StringUtils.collectionToCommaDelimitedString(accessToken.getScopes());
	}

	private static Timestamp timestamp(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static <T> T first(List<T> list) {
		return list.isEmpty() ? null : list.get(0);
	}

}
