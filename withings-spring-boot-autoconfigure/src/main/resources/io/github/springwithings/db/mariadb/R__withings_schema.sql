-- Withings authorized clients (MySQL and MariaDB), shipped by withings-spring-boot-starter. Idempotent: it
-- creates what is missing, so it can run at every start (withings.store.initialize-schema), as a
-- Flyway repeatable migration (spring.flyway.locations=...,classpath:io/github/springwithings/db/mysql)
-- or from Liquibase (io/github/springwithings/db/withings-changelog.xml).
--
-- Everything Spring's oauth2_authorized_client keeps, plus the Withings user id, the refresh
-- token's issue time, lookup hashes of the current and previous refresh tokens, a version, and the
-- refresh mark: when a refresh of the current refresh token started without finishing (in
-- progress, or in doubt after a timeout or a crash). Instants are epoch milliseconds (UTC) in
-- 64-bit integers, as Spring Session stores them: nothing drifts with a session's, a driver's or
-- the server's time zone.
-- Keys compare byte for byte (utf8mb4_bin), as Spring compares principal names: with the server's
-- default case-insensitive collation "alice" and "Alice" would be one row. Token columns are ASCII.
-- The same script serves MySQL and MariaDB (db/mysql and db/mariadb hold the same file).
CREATE TABLE IF NOT EXISTS withings_authorized_client (
	client_registration_id varchar(100) NOT NULL,
	principal_name varchar(200) NOT NULL,
	withings_user_id varchar(100) DEFAULT NULL,
	access_token_type varchar(100) NOT NULL,
	access_token_value varchar(4000) CHARACTER SET ascii NOT NULL,
	access_token_issued_at bigint NOT NULL,
	access_token_expires_at bigint NOT NULL,
	access_token_scopes varchar(1000) DEFAULT NULL,
	refresh_token_value varchar(4000) CHARACTER SET ascii DEFAULT NULL,
	refresh_token_hash varchar(64) CHARACTER SET ascii DEFAULT NULL,
	previous_refresh_token_hash varchar(64) CHARACTER SET ascii DEFAULT NULL,
	refresh_token_issued_at bigint DEFAULT NULL,
	version bigint NOT NULL,
	refresh_started_at bigint DEFAULT NULL,
	created_at bigint NOT NULL,
	updated_at bigint NOT NULL,
	PRIMARY KEY (client_registration_id, principal_name),
	INDEX withings_authorized_client_user_id_idx (client_registration_id, withings_user_id),
	INDEX withings_authorized_client_refresh_idx (refresh_token_hash),
	INDEX withings_authorized_client_previous_idx (previous_refresh_token_hash),
	INDEX withings_authorized_client_refresh_started_idx (refresh_started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- When periodic work (the keep-alive sweep) last started, shared by every instance and restart.
CREATE TABLE IF NOT EXISTS withings_sweep (
	name varchar(100) NOT NULL,
	started_at bigint NOT NULL,
	PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The rate budget shared by every instance (withings.rate-limit.scope=cluster): Bucket4j buckets,
-- their state as Base64 text, swapped by version.
CREATE TABLE IF NOT EXISTS withings_rate_budget (
	id varchar(100) NOT NULL,
	state varchar(2000) CHARACTER SET ascii NOT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The durable notification inbox (withings.notifications.inbox): each accepted notification, committed
-- before the callback answers 200, keyed by a SHA-256 of its fields (a retry of it, on any instance,
-- is the same row), claimed by one instance for a lease, and marked done after the listeners returned.
CREATE TABLE IF NOT EXISTS withings_notification_inbox (
	id varchar(64) CHARACTER SET ascii NOT NULL,
	withings_user_id varchar(100) NOT NULL,
	appli bigint NOT NULL,
	form varchar(1000) NOT NULL,
	received_at bigint NOT NULL,
	status varchar(20) NOT NULL,
	attempts bigint NOT NULL,
	next_attempt_at bigint NOT NULL,
	claimed_until bigint DEFAULT NULL,
	claimed_by varchar(100) DEFAULT NULL,
	last_error varchar(1000) DEFAULT NULL,
	done_at bigint DEFAULT NULL,
	PRIMARY KEY (id),
	INDEX withings_inbox_due_idx (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The data sync's cursors (withings.sync): per linked user and data kind, Withings' lastupdate reached,
-- a fetch asked for by a notification (coalesced), when the next fetch is due, and the instance holding it.
CREATE TABLE IF NOT EXISTS withings_sync_cursor (
	client_registration_id varchar(100) NOT NULL,
	withings_user_id varchar(100) NOT NULL,
	kind varchar(30) NOT NULL,
	principal_name varchar(200) NOT NULL,
	last_update bigint DEFAULT NULL,
	requested_at bigint DEFAULT NULL,
	due_at bigint NOT NULL,
	claimed_until bigint DEFAULT NULL,
	claimed_by varchar(100) DEFAULT NULL,
	attempts bigint NOT NULL,
	last_notified_at bigint DEFAULT NULL,
	last_synced_at bigint DEFAULT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (client_registration_id, withings_user_id, kind),
	INDEX withings_sync_due_idx (due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
