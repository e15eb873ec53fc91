-- Withings authorized clients (Microsoft SQL Server), shipped by withings-spring-boot-starter. Idempotent: it
-- creates what is missing, so it can run at every start (withings.store.initialize-schema), as a
-- Flyway repeatable migration (spring.flyway.locations=...,classpath:io/github/springwithings/db/sqlserver)
-- or from Liquibase (io/github/springwithings/db/withings-changelog.xml).
-- Written from the vendor's documentation; not run in this project's CI.
--
-- Everything Spring's oauth2_authorized_client keeps, plus the Withings user id, the refresh
-- token's issue time, lookup hashes of the current and previous refresh tokens, a version, and the
-- refresh mark: when a refresh of the current refresh token started without finishing (in
-- progress, or in doubt after a timeout or a crash). Instants are epoch milliseconds (UTC) in
-- 64-bit integers, as Spring Session stores them: nothing drifts with a session's, a driver's or
-- the server's time zone.
-- Keys compare byte for byte (a binary collation), as Spring compares principal names. The hash
-- columns are nvarchar: the driver sends text parameters as Unicode, and a varchar column would be
-- converted and scanned instead of sought.
IF OBJECT_ID(N'withings_authorized_client', N'U') IS NULL CREATE TABLE withings_authorized_client (
	client_registration_id nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
	principal_name nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
	withings_user_id nvarchar(100) DEFAULT NULL,
	access_token_type nvarchar(100) NOT NULL,
	access_token_value varchar(4000) NOT NULL,
	access_token_issued_at bigint NOT NULL,
	access_token_expires_at bigint NOT NULL,
	access_token_scopes nvarchar(1000) DEFAULT NULL,
	refresh_token_value varchar(4000) DEFAULT NULL,
	refresh_token_hash nvarchar(64) DEFAULT NULL,
	previous_refresh_token_hash nvarchar(64) DEFAULT NULL,
	refresh_token_issued_at bigint DEFAULT NULL,
	version bigint NOT NULL,
	refresh_started_at bigint DEFAULT NULL,
	created_at bigint NOT NULL,
	updated_at bigint NOT NULL,
	PRIMARY KEY (client_registration_id, principal_name)
);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'withings_authorized_client_user_id_idx') CREATE INDEX withings_authorized_client_user_id_idx ON withings_authorized_client (client_registration_id, withings_user_id);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'withings_authorized_client_refresh_idx') CREATE INDEX withings_authorized_client_refresh_idx ON withings_authorized_client (refresh_token_hash);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'withings_authorized_client_previous_idx') CREATE INDEX withings_authorized_client_previous_idx ON withings_authorized_client (previous_refresh_token_hash);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'withings_authorized_client_refresh_started_idx') CREATE INDEX withings_authorized_client_refresh_started_idx ON withings_authorized_client (refresh_started_at);
-- When periodic work (the keep-alive sweep) last started, shared by every instance and restart.
IF OBJECT_ID(N'withings_sweep', N'U') IS NULL CREATE TABLE withings_sweep (
	name nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
	started_at bigint NOT NULL,
	PRIMARY KEY (name)
);
-- The rate budget shared by every instance (withings.rate-limit.scope=cluster): Bucket4j buckets,
-- their state as Base64 text, swapped by version.
IF OBJECT_ID(N'withings_rate_budget', N'U') IS NULL CREATE TABLE withings_rate_budget (
	id nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
	state varchar(2000) NOT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (id)
);
-- The durable notification inbox (withings.notifications.inbox): each accepted notification, committed
-- before the callback answers 200, keyed by a SHA-256 of its fields (a retry of it, on any instance,
-- is the same row), claimed by one instance for a lease, and marked done after the listeners returned.
IF OBJECT_ID(N'withings_notification_inbox', N'U') IS NULL CREATE TABLE withings_notification_inbox (
	id nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
	withings_user_id nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
	appli bigint NOT NULL,
	form nvarchar(1000) NOT NULL,
	received_at bigint NOT NULL,
	status nvarchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL,
	attempts bigint NOT NULL,
	next_attempt_at bigint NOT NULL,
	claimed_until bigint DEFAULT NULL,
	claimed_by nvarchar(100) COLLATE Latin1_General_100_BIN2 DEFAULT NULL,
	last_error nvarchar(1000) DEFAULT NULL,
	done_at bigint DEFAULT NULL,
	PRIMARY KEY (id)
);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'withings_inbox_due_idx') CREATE INDEX withings_inbox_due_idx ON withings_notification_inbox (status, next_attempt_at);
-- The data sync's cursors (withings.sync): per linked user and data kind, Withings' lastupdate reached,
-- a fetch asked for by a notification (coalesced), when the next fetch is due, and the instance holding it.
IF OBJECT_ID(N'withings_sync_cursor', N'U') IS NULL CREATE TABLE withings_sync_cursor (
	client_registration_id nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
	withings_user_id nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
	kind nvarchar(30) COLLATE Latin1_General_100_BIN2 NOT NULL,
	principal_name nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
	last_update bigint DEFAULT NULL,
	requested_at bigint DEFAULT NULL,
	due_at bigint NOT NULL,
	claimed_until bigint DEFAULT NULL,
	claimed_by nvarchar(100) COLLATE Latin1_General_100_BIN2 DEFAULT NULL,
	attempts bigint NOT NULL,
	last_notified_at bigint DEFAULT NULL,
	last_synced_at bigint DEFAULT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (client_registration_id, withings_user_id, kind)
);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'withings_sync_due_idx') CREATE INDEX withings_sync_due_idx ON withings_sync_cursor (due_at);
