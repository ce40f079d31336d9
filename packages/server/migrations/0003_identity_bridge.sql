-- Identity Bridge (issue 3): the two cross-tenant look-ups a signed-in human needs before the
-- server knows which tenant to act in. Each returns only the ids needed to open that tenant's
-- transaction; every rule (expiry, uses, revocation, status) is then checked under RLS there.

-- A claim token's tenant, by the token's SHA-256.
CREATE FUNCTION lookup_claim_token(p_token_hash text)
RETURNS TABLE (token_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.id, c.tenant_id
    FROM public.claim_tokens c
   WHERE c.token_hash = p_token_hash
$$;

-- A device authorization still waiting for a human, by its normalised user code. Codes are only
-- unique among pending rows (device_authorizations_user_code_idx), so decided ones never match.
CREATE FUNCTION lookup_pending_device(p_user_code text)
RETURNS TABLE (device_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT d.id, d.tenant_id
    FROM public.device_authorizations d
   WHERE d.user_code = p_user_code
     AND d.status = 'pending'
$$;

GRANT CREATE ON SCHEMA public TO br_platform;
ALTER FUNCTION lookup_claim_token(text) OWNER TO br_platform;
ALTER FUNCTION lookup_pending_device(text) OWNER TO br_platform;
REVOKE CREATE ON SCHEMA public FROM br_platform;
REVOKE ALL ON FUNCTION lookup_claim_token(text), lookup_pending_device(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lookup_claim_token(text), lookup_pending_device(text) TO br_app;
