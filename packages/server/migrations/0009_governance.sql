-- Tenant governance (issue 12 §1-3, DESIGN.md §10): key policy, tenant settings, priced usage.

-- A key's policy. budget_usd is spent per budget_period (UTC); allowed_models holds glob patterns
-- (null: every model the tenant allows). Dollars as float8: six decimals fit its 15 digits, and
-- the spend counters themselves are integer micro-dollars.
ALTER TABLE api_keys ADD COLUMN budget_usd double precision CHECK (budget_usd > 0);
ALTER TABLE api_keys ADD COLUMN budget_period text CHECK (budget_period IN ('daily', 'monthly', 'lifetime'));
ALTER TABLE api_keys ADD COLUMN allowed_models text[];
ALTER TABLE api_keys ADD CONSTRAINT api_keys_budget_check CHECK ((budget_usd IS NULL) = (budget_period IS NULL));

-- The tenant's settings: defaults and ceilings for every key. The budget is the tenant's whole
-- spend; rate_limit_rpm is each key's default and ceiling; max_key_lifetime_days bounds (and
-- defaults) a new key's expiry.
ALTER TABLE tenants ADD COLUMN rate_limit_rpm integer CHECK (rate_limit_rpm > 0);
ALTER TABLE tenants ADD COLUMN budget_usd double precision CHECK (budget_usd > 0);
ALTER TABLE tenants ADD COLUMN budget_period text CHECK (budget_period IN ('daily', 'monthly', 'lifetime'));
ALTER TABLE tenants ADD COLUMN allowed_models text[];
ALTER TABLE tenants ADD COLUMN max_key_lifetime_days integer CHECK (max_key_lifetime_days BETWEEN 1 AND 3650);
ALTER TABLE tenants ADD CONSTRAINT tenants_budget_check CHECK ((budget_usd IS NULL) = (budget_period IS NULL));
-- Owners and admins change their own tenant's settings (RLS keeps them to it); nothing else of the row.
GRANT UPDATE (rate_limit_rpm, budget_usd, budget_period, allowed_models, max_key_lifetime_days) ON tenants TO br_app;

-- What each request cost; priced is false when the model had no price (counted as 0, flagged in
-- the digest).
ALTER TABLE usage_events ADD COLUMN cost_usd double precision NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN priced boolean NOT NULL DEFAULT true;

-- The look-up carries both policies, so the hot path enforces them from the key cache.
DROP FUNCTION lookup_api_key(text);
CREATE FUNCTION lookup_api_key(p_key_hash text)
RETURNS TABLE (key_id uuid, key_hash text, key_prefix text, key_name text, tenant_id uuid, user_id uuid, role text,
               rate_limit_rpm integer, expires_at timestamptz, revoked_at timestamptz, platform_role text,
               tenant_slug text, tenant_name text, tenant_status text, external_id text,
               secret_expires_at timestamptz,
               budget_usd double precision, budget_period text, allowed_models text[],
               tenant_rate_limit_rpm integer, tenant_budget_usd double precision, tenant_budget_period text,
               tenant_allowed_models text[])
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, p_key_hash, k.prefix, k.name, k.tenant_id, k.user_id, k.role, k.rate_limit_rpm, k.expires_at, k.revoked_at,
         k.platform_role, t.slug, t.name, t.status, u.external_id,
         CASE WHEN k.key_hash = p_key_hash THEN NULL ELSE k.previous_expires_at END,
         k.budget_usd, k.budget_period, k.allowed_models,
         t.rate_limit_rpm, t.budget_usd, t.budget_period, t.allowed_models
    FROM public.api_keys k
    JOIN public.tenants t ON t.id = k.tenant_id
    LEFT JOIN public.users u ON u.id = k.user_id
   WHERE k.key_hash = p_key_hash OR k.previous_key_hash = p_key_hash
$$;
GRANT CREATE ON SCHEMA public TO br_platform;
ALTER FUNCTION lookup_api_key(text) OWNER TO br_platform;
REVOKE CREATE ON SCHEMA public FROM br_platform;
REVOKE ALL ON FUNCTION lookup_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lookup_api_key(text) TO br_app;
