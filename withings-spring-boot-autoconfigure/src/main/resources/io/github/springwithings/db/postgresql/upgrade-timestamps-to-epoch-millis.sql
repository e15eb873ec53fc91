-- Upgrades the tables of withings-spring-boot-starter snapshots that kept instants as timestamps
-- (PostgreSQL) to this version's epoch milliseconds, keeping every link. Run it once, before the
-- application of this version starts (by hand, or as a Flyway versioned migration of your own);
-- then start as usual (the shipped R__withings_schema.sql adds what is missing).
ALTER TABLE withings_authorized_client ADD COLUMN IF NOT EXISTS refresh_started_at timestamp with time zone DEFAULT NULL;
ALTER TABLE withings_authorized_client ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE withings_authorized_client
	ALTER COLUMN access_token_issued_at TYPE bigint USING floor(EXTRACT(EPOCH FROM access_token_issued_at) * 1000)::bigint,
	ALTER COLUMN access_token_expires_at TYPE bigint USING floor(EXTRACT(EPOCH FROM access_token_expires_at) * 1000)::bigint,
	ALTER COLUMN refresh_token_issued_at TYPE bigint USING floor(EXTRACT(EPOCH FROM refresh_token_issued_at) * 1000)::bigint,
	ALTER COLUMN refresh_started_at TYPE bigint USING floor(EXTRACT(EPOCH FROM refresh_started_at) * 1000)::bigint,
	ALTER COLUMN created_at TYPE bigint USING floor(EXTRACT(EPOCH FROM created_at) * 1000)::bigint,
	ALTER COLUMN updated_at TYPE bigint USING floor(EXTRACT(EPOCH FROM updated_at) * 1000)::bigint;
ALTER TABLE withings_sweep ALTER COLUMN started_at TYPE bigint USING floor(EXTRACT(EPOCH FROM started_at) * 1000)::bigint;
