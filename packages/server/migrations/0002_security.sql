-- Row-level security (DESIGN.md §4, §5). The server never queries as the owner:
--   br_app       tenant work; sees only rows of the tenant set by set_config('br.tenant_id', …, true)
--   br_platform  platform-admin work and the cross-tenant auth look-ups below
-- Roles are cluster-wide, so another database on the same server may have made them already.
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

GRANT USAGE ON SCHEMA public TO br_app, br_platform;

CREATE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
AS $$ SELECT NULLIF(current_setting('br.tenant_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION current_tenant_id() TO br_app, br_platform;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants TO br_app
  USING (id = current_tenant_id()) WITH CHECK (id = current_tenant_id());
CREATE POLICY platform_all ON tenants TO br_platform USING (true) WITH CHECK (true);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_status_history', 'users', 'tenant_memberships', 'api_keys',
                           'claim_tokens', 'device_authorizations', 'usage_events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO br_app
                      USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id())', t);
    EXECUTE format('CREATE POLICY platform_all ON %I TO br_platform USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, tenant_status_history, users, tenant_memberships,
  api_keys, claim_tokens, device_authorizations, usage_events TO br_app, br_platform;
GRANT USAGE, SELECT ON SEQUENCE usage_events_id_seq TO br_app, br_platform;
-- Registration consumes an invite code and writes its outbox row inside the new tenant's
-- transaction; invite codes and events are platform data, not tenant rows.
GRANT SELECT, UPDATE ON invite_codes TO br_app;
GRANT INSERT ON platform_events TO br_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON invite_codes, platform_events, event_deliveries TO br_platform;

-- Cross-tenant look-ups for authentication. SECURITY DEFINER with a pinned search_path, owned by
-- br_platform (not the superuser that ran the migration) and executable by br_app only.
CREATE FUNCTION lookup_api_key(p_key_hash text)
RETURNS TABLE (key_id uuid, key_hash text, key_prefix text, tenant_id uuid, user_id uuid, role text, rate_limit_rpm integer,
               expires_at timestamptz, revoked_at timestamptz,
               tenant_slug text, tenant_name text, tenant_status text, external_id text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, k.key_hash, k.prefix, k.tenant_id, k.user_id, k.role, k.rate_limit_rpm, k.expires_at, k.revoked_at,
         t.slug, t.name, t.status, u.external_id
    FROM public.api_keys k
    JOIN public.tenants t ON t.id = k.tenant_id
    LEFT JOIN public.users u ON u.id = k.user_id
   WHERE k.key_hash = p_key_hash
$$;

CREATE FUNCTION resolve_tenant_memberships(p_subject text)
RETURNS TABLE (tenant_id uuid, tenant_slug text, tenant_name text, tenant_status text,
               role text, user_id uuid, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.tenant_id, t.slug, t.name, t.status, m.role, m.user_id, m.created_at
    FROM public.tenant_memberships m
    JOIN public.tenants t ON t.id = m.tenant_id
   WHERE m.external_id = p_subject
   ORDER BY m.created_at, m.tenant_id
$$;

-- Tenants whose admin_email matches and that no human has claimed yet.
CREATE FUNCTION lookup_claimable_by_email(p_email text)
RETURNS TABLE (tenant_id uuid, tenant_slug text, tenant_name text, tenant_status text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, t.slug, t.name, t.status
    FROM public.tenants t
   WHERE lower(t.admin_email) = lower(p_email)
     AND t.status <> 'rejected'
     AND NOT EXISTS (SELECT 1 FROM public.users u WHERE u.tenant_id = t.id AND u.kind = 'human')
   ORDER BY t.created_at, t.id
$$;

-- Changing an owner needs CREATE on the schema for the new owner; it is only held for the change.
GRANT CREATE ON SCHEMA public TO br_platform;
ALTER FUNCTION lookup_api_key(text) OWNER TO br_platform;
ALTER FUNCTION resolve_tenant_memberships(text) OWNER TO br_platform;
ALTER FUNCTION lookup_claimable_by_email(text) OWNER TO br_platform;
REVOKE CREATE ON SCHEMA public FROM br_platform;
REVOKE ALL ON FUNCTION lookup_api_key(text), resolve_tenant_memberships(text), lookup_claimable_by_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lookup_api_key(text), resolve_tenant_memberships(text), lookup_claimable_by_email(text) TO br_app;
