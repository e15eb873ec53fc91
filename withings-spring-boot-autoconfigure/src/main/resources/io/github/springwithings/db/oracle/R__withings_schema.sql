-- Withings authorized clients (Oracle Database), shipped by withings-spring-boot-starter. Not idempotent
-- (Oracle before 23ai has no IF NOT EXISTS; index names of at most 30 characters for 12.1): run it once:
-- as a Flyway *versioned* migration of your own (copy it into a V__ file: the repeatable R__ name
-- would run it again whenever a new version of the starter changes it) or Liquibase
-- (io/github/springwithings/db/withings-changelog.xml, which skips it when the tables exist), or
-- with withings.store.initialize-schema=always and withings.store.continue-on-error=true.
-- Written from the vendor's documentation; not run in this project's CI.
--
-- Everything Spring's oauth2_authorized_client keeps, plus the Withings user id, the refresh
-- token's issue time, lookup hashes of the current and previous refresh tokens, a version, and the
-- refresh mark: when a refresh of the current refresh token started without finishing (in
-- progress, or in doubt after a timeout or a crash). Instants are epoch milliseconds (UTC) in
-- 64-bit integers, as Spring Session stores them: nothing drifts with a session's, a driver's or
-- the server's time zone.
CREATE TABLE withings_authorized_client (
	client_registration_id varchar2(100) NOT NULL,
	principal_name varchar2(200) NOT NULL,
	withings_user_id varchar2(100) DEFAULT NULL,
	access_token_type varchar2(100) NOT NULL,
	access_token_value varchar2(4000) NOT NULL,
	access_token_issued_at number(19) NOT NULL,
	access_token_expires_at number(19) NOT NULL,
	access_token_scopes varchar2(1000) DEFAULT NULL,
	refresh_token_value varchar2(4000) DEFAULT NULL,
	refresh_token_hash varchar2(64) DEFAULT NULL,
	previous_refresh_token_hash varchar2(64) DEFAULT NULL,
	refresh_token_issued_at number(19) DEFAULT NULL,
	version number(19) NOT NULL,
	refresh_started_at number(19) DEFAULT NULL,
	created_at number(19) NOT NULL,
	updated_at number(19) NOT NULL,
	PRIMARY KEY (client_registration_id, principal_name)
);
CREATE INDEX withings_client_user_id_idx ON withings_authorized_client (client_registration_id, withings_user_id);
CREATE INDEX withings_client_refresh_idx ON withings_authorized_client (refresh_token_hash);
CREATE INDEX withings_client_previous_idx ON withings_authorized_client (previous_refresh_token_hash);
CREATE INDEX withings_client_started_idx ON withings_authorized_client (refresh_started_at);
-- When periodic work (the keep-alive sweep) last started, shared by every instance and restart.
CREATE TABLE withings_sweep (
	name varchar2(100) NOT NULL,
	started_at number(19) NOT NULL,
	PRIMARY KEY (name)
);
-- The rate budget shared by every instance (withings.rate-limit.scope=cluster): Bucket4j buckets,
-- their state as Base64 text, swapped by version.
CREATE TABLE withings_rate_budget (
	id varchar2(100) NOT NULL,
	state varchar2(2000) NOT NULL,
	version number(19) NOT NULL,
	PRIMARY KEY (id)
);
-- The durable notification inbox (withings.notifications.inbox): each accepted notification, committed
-- before the callback answers 200, keyed by a SHA-256 of its fields (a retry of it, on any instance,
-- is the same row), claimed by one instance for a lease, and marked done after the listeners returned.
CREATE TABLE withings_notification_inbox (
	id varchar2(64) NOT NULL,
	withings_user_id varchar2(100) NOT NULL,
	appli number(19) NOT NULL,
	form varchar2(1000) NOT NULL,
	received_at number(19) NOT NULL,
	status varchar2(20) NOT NULL,
	attempts number(19) NOT NULL,
	next_attempt_at number(19) NOT NULL,
	claimed_until number(19) DEFAULT NULL,
	claimed_by varchar2(100) DEFAULT NULL,
	last_error varchar2(1000) DEFAULT NULL,
	done_at number(19) DEFAULT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX withings_inbox_due_idx ON withings_notification_inbox (status, next_attempt_at);
-- The data sync's cursors (withings.sync): per linked user and data kind, Withings' lastupdate reached,
-- a fetch asked for by a notification (coalesced), when the next fetch is due, and the instance holding it.
CREATE TABLE withings_sync_cursor (
	client_registration_id varchar2(100) NOT NULL,
	withings_user_id varchar2(100) NOT NULL,
	kind varchar2(30) NOT NULL,
	principal_name varchar2(200) NOT NULL,
	last_update number(19) DEFAULT NULL,
	requested_at number(19) DEFAULT NULL,
	due_at number(19) NOT NULL,
	claimed_until number(19) DEFAULT NULL,
	claimed_by varchar2(100) DEFAULT NULL,
	attempts number(19) NOT NULL,
	last_notified_at number(19) DEFAULT NULL,
	last_synced_at number(19) DEFAULT NULL,
	version number(19) NOT NULL,
	PRIMARY KEY (client_registration_id, withings_user_id, kind)
);
CREATE INDEX withings_sync_due_idx ON withings_sync_cursor (due_at);
