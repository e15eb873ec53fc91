package io.github.springwithings.oauth2.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.github.springwithings.internal.sql.StoreDatabase;
import io.github.springwithings.oauth2.client.WithingsUserLostEvent.Reason;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseConverter;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

import static io.github.springwithings.oauth2.client.StoredClientRows.hash;
import static io.github.springwithings.oauth2.client.StoredClientRows.scopes;
import static io.github.springwithings.oauth2.client.StoredClientRows.time;

/**
 * A {@link WithingsAuthorizedClientService} in a relational database (table
 * {@code withings_authorized_client}; schemas for H2 and PostgreSQL under
 * {@code io/github/springwithings/db}), shared by every instance of the application, whatever it
 * reaches the database with: {@link JdbcWithingsAuthorizedClientService} and
 * {@link R2dbcWithingsAuthorizedClientService} run the same statements on the same table.
 *
 * <p><b>Never in the caller's transaction.</b> Every statement runs on a connection of its own and
 * every write is committed before it returns: a caller's transaction, read-only or not, that
 * rolls back can never undo a rotation that Withings has made. No operation holds a connection or
 * a row lock while Withings is called: refreshes are coordinated by a committed mark
 * ({@link #claimRefresh}) and compare-and-set updates on the refresh-token chain and the version.
 *
 * <p>Token values can be encrypted at rest with a {@link TextEncryptor}; they are found by their
 * SHA-256 hash. Rows that cannot be read (an unknown registration, a value encrypted with another
 * key) are skipped with a warning, never fatal to a page.
 */
public abstract sealed class SqlWithingsAuthorizedClientService
		implements WithingsAuthorizedClientService, ApplicationEventPublisherAware
		permits JdbcWithingsAuthorizedClientService, R2dbcWithingsAuthorizedClientService {

	static final String COLUMNS = "client_registration_id, principal_name, withings_user_id, access_token_type, "
			+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes, "
			+ "refresh_token_value, refresh_token_hash, previous_refresh_token_hash, refresh_token_issued_at, version, "
			+ "refresh_started_at";

	static final String TABLE = "withings_authorized_client";

	/** What {@link #loadAuthorizedClient} reads. */
	private static final String CLIENT_COLUMNS = "client_registration_id, principal_name, access_token_value, "
			+ "access_token_issued_at, access_token_expires_at, access_token_scopes, refresh_token_value, "
			+ "refresh_token_issued_at";

	private static final String BY_KEY = "client_registration_id = ? AND principal_name = ?";

	private static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE ";

	private static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS
			+ ", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	/**
	 * A save that is not a consent: it leaves the refresh mark alone, which only the rotation that
	 * set it ({@link #ROTATION_UPDATE}), its release, or the in-doubt follow-up clear.
	 */
	private static final String UPDATE = "UPDATE " + TABLE + " SET withings_user_id = ?, access_token_type = ?, "
			+ "access_token_value = ?, access_token_issued_at = ?, access_token_expires_at = ?, access_token_scopes = ?, "
			+ "refresh_token_value = ?, refresh_token_hash = ?, previous_refresh_token_hash = ?, "
			+ "refresh_token_issued_at = ?, version = version + 1, updated_at = ? WHERE " + BY_KEY;

	/**
	 * A rotation: it ends the refresh its caller claimed, and keeps a user id learnt since the
	 * caller read the row unless Withings' answer names one.
	 */
	private static final String ROTATION_UPDATE = "UPDATE " + TABLE
			+ " SET withings_user_id = COALESCE(?, withings_user_id), access_token_type = ?, "
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

	private final StoreDatabase database;

	private final AuthorizedClientRules rules = new AuthorizedClientRules();

	private final LinkEvents events = new LinkEvents();

	private final StoredClientRows rows;

	private Clock clock = Clock.systemUTC();

	/** The database's clause for the first rows of a query, learnt at first use. */
	private volatile String firstRows;

	SqlWithingsAuthorizedClientService(StoreDatabase database, ClientRegistrationRepository clientRegistrationRepository) {
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		this.database = database;
		this.rows = new StoredClientRows(clientRegistrationRepository);
	}

	/**
	 * The read of every {@code authorize()}: one query of the columns an
	 * {@link OAuth2AuthorizedClient} holds, as Spring's own JDBC store reads them, nothing else.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		List<Optional<OAuth2AuthorizedClient>> clients = this.database.query(
				"SELECT " + CLIENT_COLUMNS + " FROM " + TABLE + " WHERE " + BY_KEY, this.rows::readClient,
				clientRegistrationId, principalName);
		return clients.isEmpty() ? null : (T) clients.get(0).orElse(null);
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
		Object hash = hash(refreshTokenValue);
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
				if (store(authorizedClient, principal.getName(), current, save) == 1) {
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
	private int store(OAuth2AuthorizedClient authorizedClient, String principalName, WithingsAuthorizedClient current,
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
			return this.database.update(INSERT, registrationId, principalName, StoreDatabase.text(save.userId()),
					accessToken.getTokenType().getValue(), this.rows.secret(accessToken.getTokenValue()),
					time(accessToken.getIssuedAt()), time(accessToken.getExpiresAt()), scopes(accessToken),
					this.rows.encrypt(authorizedClient.getRefreshToken()), hash(refreshTokenValue), StoreDatabase.Null.TEXT,
					time(refreshTokenIssuedAt), 0L, StoreDatabase.Null.TIME, time(now), time(now));
		}
		if (save.consent()) {
			Object hash = hash(refreshTokenValue);
			return this.database.update(CONSENT_UPDATE, StoreDatabase.text(save.userId()),
					accessToken.getTokenType().getValue(), this.rows.secret(accessToken.getTokenValue()),
					time(accessToken.getIssuedAt()), time(accessToken.getExpiresAt()), scopes(accessToken),
					this.rows.encrypt(authorizedClient.getRefreshToken()), hash, hash,
					time(AuthorizedClientRules.issuedAt(authorizedClient.getRefreshToken(), now)), hash, time(now),
					registrationId, principalName);
		}
		return this.database.update(UPDATE + " AND version = ?", StoreDatabase.text(save.userId()),
				accessToken.getTokenType().getValue(), this.rows.secret(accessToken.getTokenValue()),
				time(accessToken.getIssuedAt()), time(accessToken.getExpiresAt()), scopes(accessToken),
				this.rows.encrypt(authorizedClient.getRefreshToken()), hash(refreshTokenValue), StoreDatabase.text(previousHash),
				time(refreshTokenIssuedAt), time(now), registrationId, principalName, current.getVersion());
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.database.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY, clientRegistrationId, principalName);
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue) {
		return removeAuthorizedClientIfRefreshToken(registrationId, principalName, refreshTokenValue,
				Reason.REFRESH_TOKEN_DEAD);
	}

	@Override
	public boolean removeAuthorizedClientIfRefreshToken(String registrationId, String principalName,
			String refreshTokenValue, Reason reason) {
		Assert.notNull(reason, "reason cannot be null");
		Object hash = hash(refreshTokenValue);
		for (int attempt = 1;; attempt++) {
			// the row as it is removed (for the event), then a compare-and-delete of that very row
			List<StoredClientRows.Row> rows = this.database.query(SELECT + BY_KEY + " AND refresh_token_hash = ?", this.rows::readRow,
					registrationId, principalName, hash);
			if (rows.isEmpty()) {
				return false;
			}
			StoredClientRows.Row removed = rows.get(0);
			if (this.database.update("DELETE FROM " + TABLE + " WHERE " + BY_KEY
					+ " AND refresh_token_hash = ? AND version = ?", registrationId, principalName, hash,
					removed.version()) == 1) {
				if (removed.client() != null) {
					this.events.publish(new WithingsUserLostEvent(WithingsLinkedUser.of(removed.client()), reason));
				}
				return true;
			}
			Assert.state(attempt < 5, () -> "Authorized client of '" + principalName
					+ "' keeps changing concurrently; not removed");
		}
	}

	@Override
	public boolean claimRefresh(WithingsAuthorizedClient client, Instant now, Instant staleBefore) {
		return this.database.update("UPDATE " + TABLE + " SET refresh_started_at = ? WHERE " + BY_KEY
				+ " AND refresh_token_hash = ? AND (refresh_started_at IS NULL OR refresh_started_at < ?)",
				time(now.truncatedTo(ChronoUnit.MILLIS)), client.getRegistrationId(), client.getPrincipalName(),
				hash(client.getRefreshTokenValue()), time(staleBefore)) == 1;
	}

	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response) {
		return saveRotation(current, response, "", new Object[0]);
	}

	/** Also compares the refresh mark: a late write of an earlier attempt never lands over a later claim. */
	@Override
	public WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response,
			Instant claimedAt) {
		return saveRotation(current, response, " AND refresh_started_at = ?",
				new Object[] { time(claimedAt.truncatedTo(ChronoUnit.MILLIS)) });
	}

	private WithingsAuthorizedClient saveRotation(WithingsAuthorizedClient current, OAuth2AccessTokenResponse response,
			String condition, Object[] conditionArgs) {
		WithingsAuthorizedClient rotated = AuthorizedClientRules.rotated(current, response, now());
		OAuth2AuthorizedClient client = rotated.getAuthorizedClient();
		Object answeredUserId = response.getAdditionalParameters().get(WithingsAccessTokenResponseConverter.USER_ID);
		List<Object> args = new ArrayList<>(List.of(
				StoreDatabase.text((answeredUserId != null) ? answeredUserId.toString() : null),
				client.getAccessToken().getTokenType().getValue(), this.rows.secret(client.getAccessToken().getTokenValue()),
				time(client.getAccessToken().getIssuedAt()), time(client.getAccessToken().getExpiresAt()),
				scopes(client.getAccessToken()), this.rows.encrypt(client.getRefreshToken()),
				hash(rotated.getRefreshTokenValue()), StoreDatabase.text(rotated.getPreviousRefreshTokenHash()),
				time(rotated.getRefreshTokenIssuedAt()), time(now()), current.getRegistrationId(),
				current.getPrincipalName(), hash(current.getRefreshTokenValue())));
		args.addAll(List.of(conditionArgs));
		int updated = this.database.update(ROTATION_UPDATE + " AND refresh_token_hash = ?" + condition, args.toArray());
		if (updated != 1) {
			return null;
		}
		this.rules.rememberRotation(client.getAccessToken().getTokenValue());
		this.events.publish(new WithingsUserRefreshedEvent(WithingsLinkedUser.of(rotated)));
		return rotated;
	}

	@Override
	public void releaseRefresh(WithingsAuthorizedClient client, Instant claimedAt) {
		this.database.update("UPDATE " + TABLE + " SET refresh_started_at = NULL WHERE " + BY_KEY
				+ " AND refresh_token_hash = ? AND refresh_started_at = ?", client.getRegistrationId(),
				client.getPrincipalName(), hash(client.getRefreshTokenValue()),
				time(claimedAt.truncatedTo(ChronoUnit.MILLIS)));
	}

	@Override
	public List<WithingsAuthorizedClient> findRefreshesInDoubt(String registrationId, Instant startedBefore, int size) {
		return query(SELECT + "client_registration_id = ? AND refresh_started_at < ? ORDER BY refresh_started_at" + firstRows(),
				registrationId, time(startedBefore), size);
	}

	@Override
	public void rememberUserId(String accessTokenValue, String userId) {
		this.rules.rememberConsent(accessTokenValue, userId);
	}

	@Override
	public void rememberUnstoredRefresh(String accessTokenValue, String refreshTokenValue) {
		this.rules.rememberUnstoredRefresh(accessTokenValue, refreshTokenValue);
	}

	@Override
	public List<WithingsAuthorizedClient> findPage(String registrationId, String afterPrincipalName, int size) {
		List<WithingsAuthorizedClient> page = new ArrayList<>();
		String after = (afterPrincipalName != null) ? afterPrincipalName : "";
		while (page.size() < size) {
			int wanted = size - page.size();
			List<StoredClientRows.Row> rows = this.database.query(
					SELECT + "client_registration_id = ? AND principal_name > ? ORDER BY principal_name" + firstRows(),
					this.rows::readRow, registrationId, after, wanted);
			rows.stream().map(StoredClientRows.Row::client).filter(Objects::nonNull).forEach(page::add);
			if (rows.size() < wanted) {
				break;
			}
			after = rows.get(rows.size() - 1).principalName();
		}
		return page;
	}

	/** One aggregate query: the table is never read row by row, and no token leaves the database. */
	@Override
	public WithingsLinkCounts countLinks(String registrationId, List<Instant> issuedBefore,
			Instant refreshStartedBefore) {
		LinkCounter.check(issuedBefore, refreshStartedBefore);
		StringBuilder sql = new StringBuilder("SELECT COUNT(*) AS linked, ")
			.append("COALESCE(SUM(CASE WHEN refresh_token_issued_at IS NULL THEN 1 ELSE 0 END), 0) AS unknown_age, ")
			.append("COALESCE(SUM(CASE WHEN refresh_started_at < ? THEN 1 ELSE 0 END), 0) AS in_doubt");
		List<Object> args = new ArrayList<>();
		args.add(time(refreshStartedBefore));
		for (int i = 0; i <= issuedBefore.size(); i++) {
			List<String> conditions = new ArrayList<>();
			if (i > 0) {
				conditions.add("refresh_token_issued_at < ?");
				args.add(time(issuedBefore.get(i - 1)));
			}
			if (i < issuedBefore.size()) {
				conditions.add("refresh_token_issued_at >= ?");
				args.add(time(issuedBefore.get(i)));
			}
			if (conditions.isEmpty()) {
				conditions.add("refresh_token_issued_at IS NOT NULL");
			}
			sql.append(", COALESCE(SUM(CASE WHEN ").append(String.join(" AND ", conditions))
				.append(" THEN 1 ELSE 0 END), 0) AS age_").append(i);
		}
		sql.append(" FROM ").append(TABLE).append(" WHERE client_registration_id = ?");
		args.add(registrationId);
		int buckets = issuedBefore.size() + 1;
		return this.database.query(sql.toString(), (row) -> {
			List<Long> byAge = new ArrayList<>();
			for (int i = 0; i < buckets; i++) {
				byAge.add(row.number("age_" + i));
			}
			return new WithingsLinkCounts(row.number("linked"), byAge, row.number("unknown_age"), row.number("in_doubt"));
		}, args.toArray()).get(0);
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
		this.rows.setEncryptor(encryptor);
	}

	/**
	 * Bound every statement of the store (5 s by default): a locked row or a hung database fails
	 * the caller with an error instead of holding its thread. On JDBC, in whole seconds. On R2DBC,
	 * the caller stops waiting, but the driver may still run the statement: a refresh claim that
	 * lands late is a refresh in doubt, taken over once stale like any other.
	 * @param timeout the timeout
	 */
	public void setQueryTimeout(Duration timeout) {
		Assert.notNull(timeout, "timeout cannot be null");
		this.database.setQueryTimeout(timeout);
	}

	/**
	 * Set the clock that dates rows and refresh tokens.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	private List<WithingsAuthorizedClient> query(String sql, Object... args) {
		List<StoredClientRows.Row> rows = this.database.query(sql, this.rows::readRow, args);
		return rows.stream().map(StoredClientRows.Row::client).filter(Objects::nonNull).toList();
	}

	private Instant now() {
		return this.clock.instant();
	}

	private String firstRows() {
		String clause = this.firstRows;
		if (clause == null) {
			clause = StoreDatabase.firstRows(this.database.productName());
			this.firstRows = clause;
		}
		return clause;
	}

	private static <T> T first(List<T> list) {
		return list.isEmpty() ? null : list.get(0);
	}

}
