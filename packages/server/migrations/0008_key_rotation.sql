-- Key rotation and headless key management (issue 12 §5-6, DESIGN.md §10). New columns on
-- api_keys only: the table's RLS policies and grants cover them.

-- Rotation keeps the key id and swaps its secret. The secret it replaced keeps working until
-- previous_expires_at, then answers 401 api_key_rotated; a second rotation overwrites it, so at most
-- one old secret is ever live (a key has at most two secrets).
ALTER TABLE api_keys ADD COLUMN previous_key_hash text UNIQUE;
ALTER TABLE api_keys ADD COLUMN previous_expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN rotated_at timestamptz;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_previous_secret_check
  CHECK ((previous_key_hash IS NULL) = (previous_expires_at IS NULL));

-- The key that created this one (headless management, POST /v1/tenant/api-keys); null for keys
-- made at registration or by a signed-in human. A machine user's key with no creating key is its
-- registration key: the one credential that acts for the owner while the tenant has none.
ALTER TABLE api_keys ADD COLUMN created_by_key_id uuid;

-- Found by either secret. key_hash is the secret that matched; secret_expires_at is when that
-- secret stops working (null: the current secret), so the key cache can refuse a rotated secret
-- per request without a query.
DROP FUNCTION lookup_api_key(text);
CREATE FUNCTION lookup_api_key(p_key_hash text)
RETURNS TABLE (key_id uuid, key_hash text, key_prefix text, key_name text, tenant_id uuid, user_id uuid, role text,
               rate_limit_rpm integer, expires_at timestamptz, revoked_at timestamptz, platform_role text,
               tenant_slug text, tenant_name text, tenant_status text, external_id text,
               secret_expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, p_key_hash, k.prefix, k.name, k.tenant_id, k.user_id, k.role, k.rate_limit_rpm, k.expires_at, k.revoked_at,
         k.platform_role, t.slug, t.name, t.status, u.external_id,
         CASE WHEN k.key_hash = p_key_hash THEN NULL ELSE k.previous_expires_at END
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
