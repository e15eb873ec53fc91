package io.github.springwithings.oauth2.client;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.springwithings.oauth2.client.event.WithingsUserLinkedEvent;
import io.github.springwithings.oauth2.client.event.WithingsUserLostEvent;
import io.github.springwithings.oauth2.client.event.WithingsUserLostEvent.Reason;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
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
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * A {@link WithingsAuthorizedClientService} in a relational database (table
 * {@code withings_authorized_client}; schemas for H2 and PostgreSQL next to this class), shared by
 * every instance of the application.
 *
 * <p><b>Never in the caller's transaction.</b> Every write runs in a short transaction of its own
 * (read committed, read-write) on a connection of its own, committed before it returns, and every
 * read is a single query on a connection of its own: a
 * caller's {@code @Transactional} method, read-only or not, JPA or JDBC, that rolls back can never
 * undo a rotation that Withings has made. While a caller holds a pooled connection in its own
 * transaction, a store operation briefly needs a second one. No operation holds a connection or a
 * row lock while Withings is called: refreshes are coordinated by a committed mark
 * ({@link #claimRefresh}) and compare-and-set updates on the refresh-token chain.
 *
 * <p>Token values can be encrypted at rest with a {@link TextEncryptor}; they are found by their
 * SHA-256 hash. Rows that cannot be read (an unknown registration, a value encrypted with another
 * key) are skipped with a warning, never fatal to a page.
 */
public final class JdbcWithingsAuthorizedClientService
		implements WithingsAuthorizedClientService, ApplicationEventPublisherAware {

	private static final Log logger = LogFactory.getLog(JdbcWithingsAuthorizedClientService.class);

	static final String COLUMNS = "client_registration_id, principal_name, withings_user_id, access_token_type, "
			+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes, "
			+ "refresh_token_value, refresh_token_hash, previous_refresh_token_hash, refresh_token_issued_at, version, "
			+ "refresh_started_at";

	static final String TABLE = "withings_authorized_client";

	private static final String BY_KEY = "client_registration_id = ? AND principal_name = ?";

	private static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE ";

	private static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS
			+ ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private static final String UPDATE = "UPDATE " + TABLE + " SET withings_user_id = ?, access_token_type = ?, "
			+ "access_token_value = ?, access_token_issued_at = ?, access_token_expires_at = ?, access_token_scopes = ?, "
			+ "refresh_token_value = ?, refresh_token_hash = ?, previous_refresh_token_hash = ?, "
			+ "refresh_token_issued_at = ?, version = version + 1, refresh_started_at = NULL, updated_at = ? WHERE " + BY_KEY;

	/**
	 * A fresh consent replaces whatever the row holds now, even a rotation committed after it
	 * was read: the chain it replaces (the row's current refresh token) becomes the previous one,
	 * so a late save of that chain is recognised and ignored.
	 */
	private static final String CONSENT_UPDATE = "UPDATE " + TABLE + " SET withings_user_id = ?, access_token_type = ?, "
			+ "access_token_value = ?, access_token_issued_at = ?, access_token_expires_at = ?, access_token_scopes = ?, "
			+ "refresh_token_value = ?, previous_refresh_token_hash = CASE WHEN refresh_token_hash = ? "
			+ "THEN previous_refresh_token_hash ELSE refresh_token_hash END, "
			+ "refresh_token_issued_at = CASE WHEN refresh_token_hash = ? THEN refresh_token_issued_at ELSE ? END, "
			+ "refresh_token_hash = ?, version = version + 1, refresh_started_at = NULL, updated_at = ? WHERE " + BY_KEY;

	private final IsolatedJdbc jdbc;

	private final ClientRegistrationRepository clientRegistrationRepository;

	private final AuthorizedClientRules rules = new AuthorizedClientRules();

	private final LinkEvents events = new LinkEvents();

	private TextEncryptor encryptor = Encryptors.noOpText();

	private Clock clock = Clock.systemUTC();

	/**
	 * @param dataSource the application's data source; the store takes connections of its own
	 * from it and never joins a transaction bound to it
	 * @param clientRegistrationRepository where registrations of stored clients are found
	 */
	public JdbcWithingsAuthorizedClientService(DataSource dataSource,
			ClientRegistrationRepository clientRegistrationRepository) {
		Assert.notNull(dataSource, "dataSource cannot be null");
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		this.jdbc = new IsolatedJdbc(dataSource);
		this.clientRegistrationRepository = clientRegistrationRepository;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		return WithingsAuthorizedClientService.unwrap(loadWithingsAuthorizedClient(clientRegistrationId, principalName));
	}

	@Override
	public WithingsAuthorizedClient loadWithingsAuthorizedClient(String registrationId, String principalName) {
		return first(query(SELECT + BY_KEY, registrationId, principalName));
	}

	@Override
	public WithingsAuthorizedClient loadByUserId(String registrationId, String userId) {
		return first(query(SELECT + "client_registration_id = ? AND withings_user_id = ? ORDER BY updated_at DESC",
				registrationId, userId));
	}

	@Override
	public WithingsAuthorizedClient loadByRefreshToken(String registrationId, String refreshTokenValue) {
		String hash = AuthorizedClientRules.hash(refreshTokenValue);
		return first(query(SELECT + "client_registration_id = ? AND (refresh_token_hash = ? OR previous_refresh_token_hash = ?) "
				+ "ORDER BY CASE WHEN refresh_token_hash = ? THEN 0 ELSE 1 END, updated_at DESC", registrationId, hash, hash,
				hash));
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		Assert.notNull(authorizedClient, "authorizedClient cannot be null");
		Assert.notNull(principal, "principal cannot be null");
		String registrationId = authorizedClient.getClientRegistration().getRegistrationId();
		for (int attempt = 1;; attempt++) {
			WithingsAuthorizedClient current = loadWithingsAuthorizedClient(registrationId, principal.getName());
			AuthorizedClientRules.Save save = this.rules.decide(authorizedClient, principal, current);
			if (!save.store()) {
				return;
			}
			try {
				if (this.jdbc.execute((jdbc) -> store(jdbc, authorizedClient, principal.getName(), current, save)) == 1) {
					this.rules.saved(authorizedClient);
					if (save.consent()) {
						// what was just written (no read after the commit: nothing can fail the sign-in now)
						this.events.publish(new WithingsUserLinkedEvent(
								new WithingsLinkedUser(registrationId, principal.getName(), save.userId(),
										authorizedClient.getAccessToken().getScopes(),
										AuthorizedClientRules.issuedAt(authorizedClient.getRefreshToken(), now())),
								(current != null) ? WithingsLinkedUser.of(current) : null));
					}
					return;
				}
			}
			catch (DuplicateKeyException ex) {
				// another instance inserted the same client first: judge again against its row
			}
			Assert.state(attempt < 5, () -> "Authorized client of '" + principal.getName()
					+ "' keeps changing concurrently; not saved");
		}
	}

	/**
	 * Insert, or update the row as it was read ({@code version} unchanged), or update it whatever
	 * it holds now for a fresh consent.
	 */
	private int store(JdbcTemplate jdbc, OAuth2AuthorizedClient authorizedClient, String principalName, WithingsAuthorizedClient current,
			AuthorizedClientRules.Save save) {
		String registrationId = authorizedClient.getClientRegistration().getRegistrationId();
		OAuth2AccessToken accessToken = authorizedClient.getAccessToken();
		Instant now = now();
		String refreshTokenValue = AuthorizedClientRules.refreshTokenValue(authorizedClient.getRefreshToken());
		boolean sameRefreshToken = current != null && Objects.equals(current.getRefreshTokenValue(), refreshTokenValue);
		Instant refreshTokenIssuedAt = sameRefreshToken ? current.getRefreshTokenIssuedAt()
				: AuthorizedClientRules.issuedAt(authorizedClient.getRefreshToken(), now);
		String previousHash = (current == null) ? null
				: sameRefreshToken ? current.getPreviousRefreshTokenHash()
						: AuthorizedClientRules.hash(current.getRefreshTokenValue());
		if (current == null) {
			return jdbc.update(INSERT, registrationId, principalName, save.userId(),
					accessToken.getTokenType().getValue(), secret(accessToken.getTokenValue()),
					time(accessToken.getIssuedAt()), time(accessToken.getExpiresAt()), scopes(accessToken),
					encrypt(authorizedClient.getRefreshToken()), AuthorizedClientRules.hash(refreshTokenValue), null,
					time(refreshTokenIssuedAt), 0L, null, time(now));
		}
		if (save.consent()) {
			String hash = AuthorizedClientRules.hash(refreshTokenValue);
			return jdbc.update(CONSENT_UPDATE, save.userId(), accessToken.getTokenType().getValue(),
					secret(accessToken.getTokenValue()), time(accessToken.getIssuedAt()),
					time(accessToken.getExpiresAt()), scopes(accessToken), encrypt(authorizedClient.getRefreshToken()),
					hash, hash, time(AuthorizedClientRules.issuedAt(authorizedClient.getRefreshToken(), now)), hash,
					time(now), registrationId, principalName);
		}
		return jdbc.update(UPDATE + " AND version = " + current.getVersion(), save.userId(), accessToken.getTokenType().getValue(), secret(accessToken.getTokenValue()),
				time(accessToken.getIssuedAt()), time(accessToken.getExpiresAt()), scopes(accessToken),
				encrypt(authorizedClient.getRefreshToken()), AuthorizedClientRules.hash(refreshTokenValue), previousHash,
				time(refreshTokenIssuedAt), time(now), registrationId, principalName);
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.jdbc.execute((jdbc) -> jdbc.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY, clientRegistrationId, principalName));
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue) {
		String hash = AuthorizedClientRules.hash(refreshTokenValue);
		// one transaction: the row as it is removed (for the event), then the compare-and-delete
		Row[] removed = new Row[1];
		int deleted = this.jdbc.execute((jdbc) -> {
			List<Row> rows = jdbc.query(SELECT + BY_KEY + " AND refresh_token_hash = ?", this::readRow, registrationId,
					principalName, hash);
			int count = jdbc.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY + " AND refresh_token_hash = ?",
					registrationId, principalName, hash);
			removed[0] = (count > 0 && !rows.isEmpty()) ? rows.get(0) : null;
			return count;
		});
		if (removed[0] != null && removed[0].client() != null) {
			this.events.publish(new WithingsUserLostEvent(WithingsLinkedUser.of(removed[0].client()),
					Reason.REFRESH_TOKEN_DEAD));
		}
		return deleted > 0;
	}

	@Override
	public boolean claimRefresh(WithingsAuthorizedClient client, Instant now, Instant staleBefore) {
		return this.jdbc.execute((jdbc) -> jdbc.update("UPDATE " + TABLE + " SET refresh_started_at = ? WHERE " + BY_KEY
				+ " AND refresh_token_hash = ? AND (refresh_started_at IS NULL OR refresh_started_at < ?)",
				time(now.truncatedTo(ChronoUnit.MILLIS)), client.getRegistrationId(), client.getPrincipalName(),
				AuthorizedClientRules.hash(client.getRefreshTokenValue()), time(staleBefore))) == 1;
	}

	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response) {
		WithingsAuthorizedClient rotated = AuthorizedClientRules.rotated(current, response, now());
		OAuth2AuthorizedClient client = rotated.getAuthorizedClient();
		int updated = this.jdbc.execute((jdbc) -> jdbc.update(UPDATE + " AND refresh_token_hash = ?", rotated.getUserId(),
				client.getAccessToken().getTokenType().getValue(), secret(client.getAccessToken().getTokenValue()),
				time(client.getAccessToken().getIssuedAt()), time(client.getAccessToken().getExpiresAt()),
				scopes(client.getAccessToken()), encrypt(client.getRefreshToken()),
				AuthorizedClientRules.hash(rotated.getRefreshTokenValue()), rotated.getPreviousRefreshTokenHash(),
				time(rotated.getRefreshTokenIssuedAt()), time(now()), current.getRegistrationId(),
				current.getPrincipalName(), AuthorizedClientRules.hash(current.getRefreshTokenValue())));
		if (updated != 1) {
			return null;
		}
		this.rules.rememberRotation(client.getAccessToken().getTokenValue());
		return rotated;
	}

	@Override
	public void releaseRefresh(WithingsAuthorizedClient client, Instant claimedAt) {
		this.jdbc.execute((jdbc) -> jdbc.update("UPDATE " + TABLE + " SET refresh_started_at = NULL WHERE " + BY_KEY
				+ " AND refresh_token_hash = ? AND refresh_started_at = ?", client.getRegistrationId(),
				client.getPrincipalName(), AuthorizedClientRules.hash(client.getRefreshTokenValue()),
				time(claimedAt.truncatedTo(ChronoUnit.MILLIS))));
	}

	@Override
	public List<WithingsAuthorizedClient> findRefreshesInDoubt(String registrationId, Instant startedBefore, int size) {
		return query(SELECT + "client_registration_id = ? AND refresh_started_at < ? ORDER BY refresh_started_at LIMIT ?",
				registrationId, time(startedBefore), size);
	}

	@Override
	public void rememberUserId(String accessTokenValue, String userId) {
		this.rules.rememberConsent(accessTokenValue, userId);
	}

	@Override
	public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
		List<WithingsAuthorizedClient> page = new ArrayList<>();
		String after = (afterPrincipalName != null) ? afterPrincipalName : "";
		while (page.size() < size) {
			int wanted = size - page.size();
			String from = after;
			List<Row> rows = this.jdbc.read((jdbc) -> jdbc.query(
					SELECT + "client_registration_id = ? AND principal_name > ? ORDER BY principal_name LIMIT ?",
					this::readRow, registrationId, from, wanted));
			rows.stream().map(Row::client).filter(Objects::nonNull).forEach(page::add);
			if (rows.size() < wanted) {
				break;
			}
			after = rows.get(rows.size() - 1).principalName();
		}
		return page;
	}

	/**
	 * Set where {@link WithingsUserLinkedEvent} and {@link WithingsUserLostEvent} are published
	 * (set by the application context when this store is a bean).
	 * @param publisher the publisher
	 */
	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.events.setPublisher(publisher);
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

	/**
	 * Bound every statement of the store (5 s by default): a locked row or a hung database fails
	 * the caller with an error instead of holding its thread.
	 * @param timeout the timeout, in whole seconds
	 */
	public void setQueryTimeout(Duration timeout) {
		this.jdbc.setQueryTimeout(timeout);
	}


	private List<WithingsAuthorizedClient> query(String sql, Object... args) {
		List<Row> rows = this.jdbc.read((jdbc) -> jdbc.query(sql, this::readRow, args));
		return rows.stream().map(Row::client).filter(Objects::nonNull).toList();
	}

	private Instant now() {
		return this.clock.instant();
	}

	private Row readRow(ResultSet rs, int rowNum) throws SQLException {
		String principalName = rs.getString("principal_name");
		ClientRegistration registration = this.clientRegistrationRepository
			.findByRegistrationId(rs.getString("client_registration_id"));
		if (registration == null) {
			return new Row(principalName, null);
		}
		try {
			return new Row(principalName, mapRow(rs, registration, principalName));
		}
		catch (RuntimeException ex) {
			logger.warn("Withings authorized client of '" + principalName + "' cannot be read (a value encrypted "
					+ "with another key?): skipped (" + ex.getClass().getSimpleName() + ")");
			return new Row(principalName, null);
		}
	}

	private WithingsAuthorizedClient mapRow(ResultSet rs, ClientRegistration registration, String principalName)
			throws SQLException {
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
				this.encryptor.decrypt(rs.getString("access_token_value")), instant(rs, "access_token_issued_at"),
				instant(rs, "access_token_expires_at"),
				StringUtils.commaDelimitedListToSet(rs.getString("access_token_scopes")));
		String refreshTokenValue = rs.getString("refresh_token_value");
		Instant refreshTokenIssuedAt = instant(rs, "refresh_token_issued_at");
		OAuth2RefreshToken refreshToken = (refreshTokenValue != null)
				? new OAuth2RefreshToken(this.encryptor.decrypt(refreshTokenValue), refreshTokenIssuedAt) : null;
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(registration, principalName, accessToken,
				refreshToken);
		return new WithingsAuthorizedClient(client, rs.getString("withings_user_id"), refreshTokenIssuedAt,
				rs.getLong("version"), instant(rs, "refresh_started_at"), rs.getString("previous_refresh_token_hash"));
	}

	private record Row(String principalName, WithingsAuthorizedClient client) {
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

	private static OffsetDateTime time(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return (time != null) ? time.toInstant() : null;
	}

	private static <T> T first(List<T> list) {
		return list.isEmpty() ? null : list.get(0);
	}

}
