-- Upgrades the tables of withings-spring-boot-starter snapshots that kept instants as timestamps
-- (H2) to this version's epoch milliseconds, keeping every link. Run it once, before the
-- application of this version starts (by hand, or as a Flyway versioned migration of your own);
-- then start as usual (the shipped R__withings_schema.sql adds what is missing).
ALTER TABLE withings_authorized_client ADD COLUMN IF NOT EXISTS refresh_started_at timestamp with time zone DEFAULT NULL;
ALTER TABLE withings_authorized_client ADD COLUMN access_token_issued_at_ms bigint;
UPDATE withings_authorized_client SET access_token_issued_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM access_token_issued_at) * 1000) AS bigint);
ALTER TABLE withings_authorized_client DROP COLUMN access_token_issued_at;
ALTER TABLE withings_authorized_client ALTER COLUMN access_token_issued_at_ms RENAME TO access_token_issued_at;
ALTER TABLE withings_authorized_client ALTER COLUMN access_token_issued_at SET NOT NULL;
ALTER TABLE withings_authorized_client ADD COLUMN access_token_expires_at_ms bigint;
UPDATE withings_authorized_client SET access_token_expires_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM access_token_expires_at) * 1000) AS bigint);
ALTER TABLE withings_authorized_client DROP COLUMN access_token_expires_at;
ALTER TABLE withings_authorized_client ALTER COLUMN access_token_expires_at_ms RENAME TO access_token_expires_at;
ALTER TABLE withings_authorized_client ALTER COLUMN access_token_expires_at SET NOT NULL;
ALTER TABLE withings_authorized_client ADD COLUMN refresh_token_issued_at_ms bigint;
UPDATE withings_authorized_client SET refresh_token_issued_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM refresh_token_issued_at) * 1000) AS bigint);
ALTER TABLE withings_authorized_client DROP COLUMN refresh_token_issued_at;
ALTER TABLE withings_authorized_client ALTER COLUMN refresh_token_issued_at_ms RENAME TO refresh_token_issued_at;
ALTER TABLE withings_authorized_client ADD COLUMN refresh_started_at_ms bigint;
UPDATE withings_authorized_client SET refresh_started_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM refresh_started_at) * 1000) AS bigint);
ALTER TABLE withings_authorized_client DROP COLUMN refresh_started_at;
ALTER TABLE withings_authorized_client ALTER COLUMN refresh_started_at_ms RENAME TO refresh_started_at;
ALTER TABLE withings_authorized_client ADD COLUMN created_at_ms bigint;
UPDATE withings_authorized_client SET created_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM created_at) * 1000) AS bigint);
ALTER TABLE withings_authorized_client DROP COLUMN created_at;
ALTER TABLE withings_authorized_client ALTER COLUMN created_at_ms RENAME TO created_at;
ALTER TABLE withings_authorized_client ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE withings_authorized_client ADD COLUMN updated_at_ms bigint;
UPDATE withings_authorized_client SET updated_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM updated_at) * 1000) AS bigint);
ALTER TABLE withings_authorized_client DROP COLUMN updated_at;
ALTER TABLE withings_authorized_client ALTER COLUMN updated_at_ms RENAME TO updated_at;
ALTER TABLE withings_authorized_client ALTER COLUMN updated_at SET NOT NULL;
CREATE TABLE IF NOT EXISTS withings_sweep (name varchar(100) NOT NULL, started_at timestamp with time zone NOT NULL, PRIMARY KEY (name));
ALTER TABLE withings_sweep ADD COLUMN started_at_ms bigint;
UPDATE withings_sweep SET started_at_ms = CAST(FLOOR(EXTRACT(EPOCH FROM started_at) * 1000) AS bigint);
ALTER TABLE withings_sweep DROP COLUMN started_at;
ALTER TABLE withings_sweep ALTER COLUMN started_at_ms RENAME TO started_at;
ALTER TABLE withings_sweep ALTER COLUMN started_at SET NOT NULL;
