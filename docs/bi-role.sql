-- A PostgreSQL role for BI tools that can read the published report tables and nothing else.
--
-- The read model keeps per-client working rows (`rm_caseload_group_facts` and the like) in the
-- store's schema. BI tools are never pointed there: `employment-area projections publish-bi`
-- copies the report-shaped views (`rv_`, aggregates and contracts, cases and vacancies, never a
-- jobseeker) into plain tables of a schema of their own, and this role can read that schema
-- only: no usage of the store's schema, so no event, no key and no `rm_` table; no write.
--
-- Run it with psql as the role that will publish (the owner of the store's schema), naming the
-- BI role, its password and the BI schema:
--
--   psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -v bi=employment_area_bi \
--        -v password='a long random password' -v bi_schema=bi -f docs/bi-role.sql
--
-- then publish (again after each catch-up; each run replaces the copy in one transaction):
--
--   employment-area projections publish-bi --db "$STORE_URL" --out "$ADMIN_URL?schema=bi"
--
-- and point the BI tool at postgresql://employment_area_bi:PASSWORD@HOST:5432/DB with
-- search_path `bi`. To remove: `DROP OWNED BY <bi>; DROP ROLE <bi>;`.

CREATE SCHEMA IF NOT EXISTS :"bi_schema";

CREATE ROLE :"bi" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS
    CONNECTION LIMIT 8;

-- Every transaction of the role starts read-only.
ALTER ROLE :"bi" SET default_transaction_read_only = on;
ALTER ROLE :"bi" SET search_path = :"bi_schema";

-- The BI schema and the tables in it now and those a later publish creates, read-only.
GRANT USAGE ON SCHEMA :"bi_schema" TO :"bi";
GRANT SELECT ON ALL TABLES IN SCHEMA :"bi_schema" TO :"bi";
ALTER DEFAULT PRIVILEGES IN SCHEMA :"bi_schema" GRANT SELECT ON TABLES TO :"bi";

-- Nothing is granted on the store's schema: the role cannot even look its tables up.
