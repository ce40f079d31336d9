import { describe, expect } from "vitest";
import { registerTenant } from "../support/harness.js";
import { expectNoMarks } from "./checks.js";
import { runCommonRouteTests, tableState, type SecurityWorld } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { useSecurityWorld } from "./world.js";

/** `/v1/*` routes an API key calls: the tenant, the data plane and the Identity Bridge. */
describe.each(ENGINES)("API-key routes: common security on %s", (engine) => {
  const world = useSecurityWorld(engine);
  const claimTokens = tableState({ claim_tokens: ["id", "revoked_at", "used_count"] });
  const devices = tableState({ device_authorizations: ["id", "status", "interval", "last_polled_at", "delivered_at"] });
  const secrets = tableState({ api_keys: ["id", "name", "prefix", "key_hash", "previous_key_hash", "expires_at", "revoked_at"] });
  /** A developer key of tenant A, made on the dashboard, for a control to change, rotate or revoke. */
  const spareKey = async (w: SecurityWorld) => {
    const res = await w.server.request("/auth/api-keys", {
      token: w.a.owner.jwt,
      headers: { "x-br-tenant-id": w.a.id },
      body: { name: "spare" },
    });
    return res.body.id as string;
  };
  const bKeyIntact = (w: SecurityWorld) => async () => {
    expect((await w.server.request("/v1/tenant", { token: w.b.adminKey })).status).toBe(200);
  };
  /** The registration key of a tenant nobody has claimed: it acts for the owner. */
  const unclaimedRegistrationKey = async (w: SecurityWorld) => (await registerTenant(w.server, { active: true })).key;

  // Usage analytics (DESIGN.md §10): admin-role keys only; tenant B's usage never shows.
  runCommonRouteTests({
    world,
    operationId: "tenant.usage",
    auth: "api_key",
    request: () => ({ query: { group_by: "key" } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    control: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ data: expect.any(Array), totals: { requests: expect.any(Number) }, next_cursor: null });
      expectNoMarks(res, w.b.marks);
    },
  });

  // Headless key management (DESIGN.md §10): admin-role keys only.
  runCommonRouteTests({
    world,
    operationId: "tenant.listApiKeys",
    auth: "api_key",
    roles: [{ as: "developer", code: "insufficient_role" }],
    control: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.data.map((k: { id: string }) => k.id)).toContain(w.a.adminKeyId);
    },
  });

  runCommonRouteTests({
    world,
    operationId: "tenant.createApiKey",
    auth: "api_key",
    request: () => ({ body: { name: "headless", role: "admin" } }),
    roles: [{ as: "developer", code: "insufficient_role", request: () => ({ body: { name: "headless", role: "developer" } }) }],
    state: secrets,
  });

  runCommonRouteTests({
    world,
    operationId: "tenant.updateApiKey",
    auth: "api_key",
    request: async (w) => ({ params: { id: await spareKey(w) }, body: { name: "renamed" } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: secrets,
    prepare: async (w) => ({
      request: { params: { id: w.b.adminKeyId }, body: { name: "taken over" } },
      code: "api_key_not_found",
      intact: bKeyIntact(w),
    }),
  });

  runCommonRouteTests({
    world,
    operationId: "tenant.revokeApiKey",
    auth: "api_key",
    request: async (w) => ({ params: { id: await spareKey(w) } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: secrets,
    prepare: async (w) => ({ request: { params: { id: w.b.adminKeyId } }, code: "api_key_not_found", intact: bKeyIntact(w) }),
  });

  runCommonRouteTests({
    world,
    operationId: "tenant.rotateApiKey",
    auth: "api_key",
    request: async (w) => ({ params: { id: await spareKey(w) }, body: { grace_seconds: 0 } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: secrets,
    prepare: async (w) => ({
      request: { params: { id: w.b.adminKeyId }, body: { grace_seconds: 0 } },
      code: "api_key_not_found",
      intact: bKeyIntact(w),
    }),
  });

  runCommonRouteTests({
    world,
    operationId: "tenant.retrieve",
    auth: "api_key",
    control: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.tenant.id).toBe(w.a.id);
    },
  });

  runCommonRouteTests({ world, operationId: "models.list", auth: "api_key" });

  runCommonRouteTests({
    world,
    operationId: "tenant.listAuditEvents",
    auth: "api_key",
    roles: [{ as: "developer", code: "insufficient_role" }],
    control: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.data.every((e: { tenant_id: string }) => e.tenant_id === w.a.id)).toBe(true);
    },
  });

  runCommonRouteTests({
    world,
    operationId: "chat.completions.create",
    auth: "api_key",
    request: () => ({ body: { model: "echo", messages: [{ role: "user", content: "hi" }] } }),
    // A refused request is not metered to anyone.
    state: tableState({ usage_events: ["id"] }),
  });

  runCommonRouteTests({
    world,
    operationId: "identityBridge.generateClaimLink",
    auth: "api_key",
    // Tenant A is claimed, so its registration key is an ordinary admin key: admin links, not owner ones.
    request: () => ({ body: { role: "admin" } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: claimTokens,
  });

  runCommonRouteTests({
    world,
    operationId: "identityBridge.createBrowserLink",
    auth: "api_key",
    // An owner link: the control needs a key that acts for the owner.
    request: async (w) => ({ token: await unclaimedRegistrationKey(w) }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: claimTokens,
  });

  runCommonRouteTests({
    world,
    operationId: "identityBridge.authorizeDevice",
    auth: "api_key",
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: devices,
  });

  // RFC 8628 §3.5: the poll's 400s are OAuth bodies, the one exception to the envelope. Its
  // 401/403 stay envelopes (they concern the key, not the grant), so only the cross-tenant case
  // (another tenant's code is an unknown code: invalid_grant) and the control check that shape.
  runCommonRouteTests({
    world,
    operationId: "identityBridge.pollDeviceToken",
    auth: "api_key",
    request: async (w) => ({ body: { device_code: (await w.device(w.a)).deviceCode } }),
    state: devices,
    prepare: async (w) => ({
      request: { body: { device_code: w.b.deviceCode } },
      check: (res) => {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
      },
      intact: async () => {
        const row = await w.server.deps.db.asPlatform((tx) =>
          tx
            .selectFrom("device_authorizations")
            .select(["status", "last_polled_at"])
            .where("tenant_id", "=", w.b.id)
            .executeTakeFirstOrThrow(),
        );
        expect(row).toEqual({ status: "pending", last_polled_at: null });
      },
    }),
    control: (res) => {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "authorization_pending", error_description: expect.any(String) });
      expect(res.headers.get("cache-control")).toBe("no-store");
    },
  });
});
