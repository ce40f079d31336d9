-- Proposals (DESIGN.md §8), the audit trail (§9) and keys that carry platform power.

-- A key holds platform power only when it was minted with it (or its user id is on an allow-list):
-- a listed human's dashboard key is a plain tenant key.
ALTER TABLE api_keys ADD COLUMN platform_role text CHECK (platform_role IN ('admin', 'proposer'));

DROP FUNCTION lookup_api_key(text);
CREATE FUNCTION lookup_api_key(p_key_hash text)
RETURNS TABLE (key_id uuid, key_hash text, key_prefix text, key_name text, tenant_id uuid, user_id uuid, role text,
               rate_limit_rpm integer, expires_at timestamptz, revoked_at timestamptz, platform_role text,
               tenant_slug text, tenant_name text, tenant_status text, external_id text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, k.key_hash, k.prefix, k.name, k.tenant_id, k.user_id, k.role, k.rate_limit_rpm, k.expires_at, k.revoked_at,
         k.platform_role, t.slug, t.name, t.status, u.external_id
    FROM public.api_keys k
    JOIN public.tenants t ON t.id = k.tenant_id
    LEFT JOIN public.users u ON u.id = k.user_id
   WHERE k.key_hash = p_key_hash
$$;
GRANT CREATE ON SCHEMA public TO br_platform;
ALTER FUNCTION lookup_api_key(text) OWNER TO br_platform;
REVOKE CREATE ON SCHEMA public FROM br_platform;
REVOKE ALL ON FUNCTION lookup_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lookup_api_key(text) TO br_app;

-- Platform data: only br_platform reads or writes it.
CREATE TABLE proposals (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'executed', 'declined', 'expired', 'stale')),
  action          text NOT NULL CHECK (action IN ('approve_tenant', 'reject_tenant', 'suspend_tenant',
                                                  'create_invite_code', 'delete_invite_code')),
  target_id       uuid,
  params          jsonb NOT NULL DEFAULT '{}',
  rationale       text NOT NULL,
  would_execute   jsonb NOT NULL,
  -- One line a human reads before deciding: "approve tenant Acme (acme): pending → active".
  summary         text NOT NULL,
  proposed_by     jsonb NOT NULL,
  -- Every id the proposer is known by (key id, subject, user id): none of them may decide it.
  proposer_ids    text[] NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  decided_by      jsonb,
  decided_at      timestamptz,
  decision_reason text,
  result          jsonb
);
CREATE INDEX proposals_created_idx ON proposals (created_at DESC, id DESC);
CREATE INDEX proposals_open_expiry_idx ON proposals (expires_at) WHERE status = 'open';
GRANT SELECT, INSERT, UPDATE ON proposals TO br_platform;

-- Append-only: no application role may UPDATE or DELETE a row.
CREATE TABLE audit_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  at          timestamptz NOT NULL DEFAULT now(),
  tenant_id   uuid,
  action      text NOT NULL,
  actor       jsonb NOT NULL,
  via         text NOT NULL CHECK (via IN ('api', 'dashboard', 'mcp', 'slack', 'system')),
  target_type text NOT NULL,
  target_id   text,
  changes     jsonb,
  request_id  text,
  proposal_id uuid
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_tenant_at_idx ON audit_events (tenant_id, at DESC, id DESC);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events TO br_app
  USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
CREATE POLICY platform_all ON audit_events TO br_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON audit_events TO br_app, br_platform;
