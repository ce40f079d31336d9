import { describe, expect } from "vitest";
import { runCommonRouteTests, tableState } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { useSecurityWorld } from "./world.js";

/** `/v1/*` routes an API key calls: the tenant, the data plane and the Identity Bridge. */
describe.each(ENGINES)("API-key routes: common security on %s", (engine) => {
  const world = useSecurityWorld(engine);
  const claimTokens = tableState({ claim_tokens: ["id", "revoked_at", "used_count"] });
  const devices = tableState({ device_authorizations: ["id", "status", "interval", "last_polled_at", "delivered_at"] });

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
    request: () => ({ body: { role: "owner" } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: claimTokens,
  });

  runCommonRouteTests({
    world,
    operationId: "identityBridge.createBrowserLink",
    auth: "api_key",
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
