-- Least privilege (decisions.md #100). The server may log in as a non-superuser that can only
-- SET ROLE br_app / br_platform (docs/architecture.md, "PostgreSQL roles"); then these grants, not
-- the code that picks a scope, bound what tenant work can touch: br_app keeps what it really does.

-- Tenants. Signup inserts its tenant as br_app; no tenant scope updates or deletes one: status
-- changes run as br_platform (services/admin/tenant-admin.ts). UPDATE stays on `id` alone because
-- SELECT … FOR UPDATE (lockTenant) needs UPDATE on some column; tenant_isolation pins both the old
-- and the new id to the scope's tenant, so the only UPDATE it allows rewrites id to itself.
REVOKE UPDATE, DELETE ON tenants FROM br_app;
GRANT UPDATE (id) ON tenants TO br_app;

-- Invite codes are platform data: br_app may spend a code it was given, never list or read one.
REVOKE ALL ON invite_codes FROM br_app;

-- Spends one use of an invite code for the signup in progress, or says why it cannot: 'spent',
-- 'unknown', 'expired' or 'used_up'. One conditional UPDATE: concurrent signups queue on the row
-- lock and re-check, so uses never exceed max_uses; the caller's rollback gives the use back.
CREATE FUNCTION spend_invite_code(p_code text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found_code record;
BEGIN
  UPDATE public.invite_codes
     SET used_count = used_count + 1
   WHERE lower(code) = lower(p_code)
     AND deleted_at IS NULL
     AND (max_uses IS NULL OR used_count < max_uses)
     AND (expires_at IS NULL OR expires_at > now());
  IF FOUND THEN
    RETURN 'spent';
  END IF;
  SELECT c.expires_at, c.deleted_at INTO found_code FROM public.invite_codes c WHERE lower(c.code) = lower(p_code);
  IF NOT FOUND OR found_code.deleted_at IS NOT NULL THEN
    RETURN 'unknown';
  END IF;
  IF found_code.expires_at IS NOT NULL AND found_code.expires_at <= now() THEN
    RETURN 'expired';
  END IF;
  RETURN 'used_up';
END
$$;

GRANT CREATE ON SCHEMA public TO br_platform;
ALTER FUNCTION spend_invite_code(text) OWNER TO br_platform;
REVOKE CREATE ON SCHEMA public FROM br_platform;
REVOKE ALL ON FUNCTION spend_invite_code(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION spend_invite_code(text) TO br_app;

-- The outbox: br_app writes the events of the tenant it works in (signup, claim, device link),
-- never another tenant's nor a platform-wide one (tenant_id NULL), and reads none back.
ALTER TABLE platform_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_outbox ON platform_events FOR INSERT TO br_app WITH CHECK (tenant_id = current_tenant_id());
CREATE POLICY platform_all ON platform_events TO br_platform USING (true) WITH CHECK (true);

-- Migrations run as the owner, often a superuser, with public on the search path: a login that
-- could create objects there could plant an overloaded function for the next migration to run.
-- (The default since PostgreSQL 15; a cluster upgraded from an older one still grants it.)
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
