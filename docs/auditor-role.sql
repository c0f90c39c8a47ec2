-- A least-privilege PostgreSQL role for auditors of an employment area's event store.
--
-- The auditor can read the event history (and so replay it, rebuild reports into a scratch
-- database and verify seals with `employment_domain.integrity.verify_history`), and nothing else:
-- no write privilege on any table, every session read-only by default, no access to the
-- personal-data key table (so an auditor never decrypts personal data), no objects of its own.
-- `employment_domain.readonly.open_for_audit` also makes every session read-only and refuses
-- writes in the application; this role makes the server refuse them even to a client that
-- switches the session setting back.
--
-- Run it with psql as the owner of the store's schema (or a superuser), naming the role, its
-- password and the schema (`public` unless the store URL has `?schema=NAME`):
--
--   psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -v auditor=employment_area_auditor \
--        -v password='a long random password' -v schema=public -f docs/auditor-role.sql
--
-- The auditor then opens the store with
--   open_for_audit("postgresql://employment_area_auditor:PASSWORD@HOST:5432/DB?schema=SCHEMA")
--
-- Not done here, because it affects every role of the cluster: PostgreSQL 15 and newer no longer
-- let PUBLIC create objects in schema public; on older servers run
-- `REVOKE CREATE ON SCHEMA public FROM PUBLIC;`, and consider
-- `REVOKE TEMPORARY ON DATABASE <db> FROM PUBLIC;`. CONNECT on the database is granted to PUBLIC
-- by default; if it was revoked, `GRANT CONNECT ON DATABASE <db> TO <auditor>;`.
--
-- To remove the role later: `DROP OWNED BY <auditor>; DROP ROLE <auditor>;` (DROP OWNED BY in
-- every database where it was granted something).

CREATE ROLE :"auditor" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS
    CONNECTION LIMIT 4;

-- Every transaction of the role starts read-only, whatever the client asks for by default.
ALTER ROLE :"auditor" SET default_transaction_read_only = on;
-- An audit query that hangs holds back vacuum on a production server; stop it instead.
ALTER ROLE :"auditor" SET idle_in_transaction_session_timeout = '5min';

-- Look up the schema's objects, read the event history. Nothing more.
GRANT USAGE ON SCHEMA :"schema" TO :"auditor";
GRANT SELECT ON TABLE :"schema".employmentarea_events TO :"auditor";

-- The key table (`employmentarea_personal_data_keys`) is deliberately not granted: without it the
-- personal data in the history is ciphertext to the auditor. Read-model tables that a report
-- audit needs can be granted one by one with `GRANT SELECT ON TABLE :"schema".<table> ...`;
-- never `GRANT SELECT ON ALL TABLES`, which would include the key table.
