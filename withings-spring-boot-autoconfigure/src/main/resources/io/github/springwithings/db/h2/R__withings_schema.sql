-- Withings authorized clients (H2), shipped by withings-spring-boot-starter. Idempotent: it
-- creates what is missing, so it can run at every start (withings.store.initialize-schema), as a
-- Flyway repeatable migration (spring.flyway.locations=...,classpath:io/github/springwithings/db/h2)
-- or from Liquibase (io/github/springwithings/db/withings-changelog.xml).
--
-- Everything Spring's oauth2_authorized_client keeps, plus the Withings user id, the refresh
-- token's issue time, lookup hashes of the current and previous refresh tokens, a version, and the
-- refresh mark: when a refresh of the current refresh token started without finishing (in
-- progress, or in doubt after a timeout or a crash). Instants are epoch milliseconds (UTC) in
-- 64-bit integers, as Spring Session stores them: nothing drifts with a session's, a driver's or
-- the server's time zone.
CREATE TABLE IF NOT EXISTS withings_authorized_client (
	client_registration_id varchar(100) NOT NULL,
	principal_name varchar(200) NOT NULL,
	withings_user_id varchar(100) DEFAULT NULL,
	access_token_type varchar(100) NOT NULL,
	access_token_value varchar(4000) NOT NULL,
	access_token_issued_at bigint NOT NULL,
	access_token_expires_at bigint NOT NULL,
	access_token_scopes varchar(1000) DEFAULT NULL,
	refresh_token_value varchar(4000) DEFAULT NULL,
	refresh_token_hash varchar(64) DEFAULT NULL,
	previous_refresh_token_hash varchar(64) DEFAULT NULL,
	refresh_token_issued_at bigint DEFAULT NULL,
	version bigint NOT NULL,
	refresh_started_at bigint DEFAULT NULL,
	created_at bigint NOT NULL,
	updated_at bigint NOT NULL,
	PRIMARY KEY (client_registration_id, principal_name)
);
CREATE INDEX IF NOT EXISTS withings_authorized_client_user_id_idx ON withings_authorized_client (client_registration_id, withings_user_id);
CREATE INDEX IF NOT EXISTS withings_authorized_client_refresh_idx ON withings_authorized_client (refresh_token_hash);
CREATE INDEX IF NOT EXISTS withings_authorized_client_previous_idx ON withings_authorized_client (previous_refresh_token_hash);
CREATE INDEX IF NOT EXISTS withings_authorized_client_refresh_started_idx ON withings_authorized_client (refresh_started_at);
-- When periodic work (the keep-alive sweep) last started, shared by every instance and restart.
CREATE TABLE IF NOT EXISTS withings_sweep (
	name varchar(100) NOT NULL,
	started_at bigint NOT NULL,
	PRIMARY KEY (name)
);
-- The rate budget shared by every instance (withings.rate-limit.scope=cluster): Bucket4j buckets,
-- their state as Base64 text, swapped by version.
CREATE TABLE IF NOT EXISTS withings_rate_budget (
	id varchar(100) NOT NULL,
	state varchar(2000) NOT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (id)
);
-- The durable notification inbox (withings.notifications.inbox): each accepted notification, committed
-- before the callback answers 200, keyed by a SHA-256 of its fields (a retry of it, on any instance,
-- is the same row), claimed by one instance for a lease, and marked done after the listeners returned.
CREATE TABLE IF NOT EXISTS withings_notification_inbox (
	id varchar(64) NOT NULL,
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
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS withings_inbox_due_idx ON withings_notification_inbox (status, next_attempt_at);
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
	PRIMARY KEY (client_registration_id, withings_user_id, kind)
);
CREATE INDEX IF NOT EXISTS withings_sync_due_idx ON withings_sync_cursor (due_at);
-- Commit to disk at once (H2 keeps committed changes up to 500 ms in memory by default): a crash
-- right after a rotation was committed and its new access token used would otherwise bring the
-- database back with the dead refresh token. A setting of the database, kept in its file.
SET WRITE_DELAY 0;
