-- The login CI runs the suite as (decisions.md #100): no superuser, inherits nothing, may only
-- SET ROLE br_app / br_platform — what docs/architecture.md ("PostgreSQL roles") tells an operator
-- to create. Idempotent: roles are cluster-wide and outlive a run. br_app and br_platform are
-- made here too (as migration 0002 would) because the grant needs them before any migration ran.
SET client_min_messages = warning;
DO $$
BEGIN
  CREATE ROLE br_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
  CREATE ROLE br_platform NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
  CREATE ROLE br_login LOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
-- Whatever an earlier run or a person left: the attributes are stated, not assumed.
ALTER ROLE br_login LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT br_app, br_platform TO br_login;
