import { describe, expect, it } from "vitest";
import type { TestResponse } from "../support/harness.js";
import { expectError, expectNoMarks } from "./checks.js";
import { runCommonRouteTests, tableState, type SecurityWorld } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { useSecurityWorld } from "./world.js";

/**
 * The tenant's settings (DESIGN.md §10) on both surfaces: headless (admin-role keys) and the
 * dashboard (members read, owners and admins change). Besides the common suite: tenant A's
 * changes never land on tenant B, and bad bodies are 400 envelopes that change nothing.
 */

const COLUMNS = ["id", "rate_limit_rpm", "budget_usd", "budget_period", "allowed_models", "max_key_lifetime_days"] as const;

/** Tenant B's settings: values an answer to tenant A must never show. */
const B_SETTINGS = {
  rate_limit_rpm: 4321,
  budget_usd: 4321.5,
  budget_period: "daily",
  allowed_models: ["tenant-b-only/*"],
  max_key_lifetime_days: 432,
};
const B_VALUES = ["tenant-b-only", "432"];

type Surface = "headless" | "dashboard";

describe.each(ENGINES)("tenant settings: security on %s", (engine) => {
  const world = useSecurityWorld(engine);
  const settings = tableState({ tenants: [...COLUMNS] });

  const rowOf = (w: SecurityWorld, tenantId: string) =>
    w.server.deps.db.asPlatform((tx) => tx.selectFrom("tenants").select(COLUMNS).where("id", "=", tenantId).executeTakeFirstOrThrow());
  const markB = async (w: SecurityWorld) => {
    const res = await w.server.request("/v1/tenant/settings", { method: "PATCH", token: w.b.adminKey, body: B_SETTINGS });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  /** An answer to tenant A: its own settings, nothing of B's. */
  const isA = (res: TestResponse, w: SecurityWorld) => {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([...COLUMNS.slice(1), "budget_resets_at", "spend_usd"].sort());
    expectNoMarks(res, [...w.b.marks, ...B_VALUES]);
  };
  const patch = (w: SecurityWorld, surface: Surface, init: { body?: unknown; rawBody?: string; headers?: Record<string, string> }) =>
    surface === "headless"
      ? w.server.request("/v1/tenant/settings", { method: "PATCH", token: w.a.adminKey, ...init })
      : w.server.request("/auth/tenant/settings", {
          method: "PATCH",
          token: w.a.owner.jwt,
          ...init,
          headers: { "x-br-tenant-id": w.a.id, ...init.headers },
        });

  // B's row stays as it was: a settings body names no tenant, so a tenant id in it is an unknown field.
  // A read names no tenant: with B's settings set, tenant A's answer is still A's own.
  const readsA = async (w: SecurityWorld) => {
    await markB(w);
    return { request: {}, check: (res: TestResponse) => isA(res, w) };
  };
  const intoB = async (w: SecurityWorld) => {
    await markB(w);
    const before = await rowOf(w, w.b.id);
    return {
      request: { body: { rate_limit_rpm: 7, tenant_id: w.b.id } },
      status: 400,
      code: "validation_failed",
      intact: async () => expect(await rowOf(w, w.b.id)).toEqual(before),
    };
  };

  runCommonRouteTests({
    world,
    operationId: "tenant.settings",
    auth: "api_key",
    roles: [{ as: "developer", code: "insufficient_role" }],
    prepare: readsA,
    control: isA,
  });

  runCommonRouteTests({
    world,
    operationId: "tenant.updateSettings",
    auth: "api_key",
    request: () => ({ body: { budget_usd: 25, allowed_models: ["echo*"] } }),
    roles: [{ as: "developer", code: "insufficient_role" }],
    state: settings,
    prepare: intoB,
  });

  // Every member reads the settings: no role is refused.
  runCommonRouteTests({
    world,
    operationId: "auth.tenantSettings.retrieve",
    auth: "jwt",
    prepare: readsA,
    control: isA,
  });

  runCommonRouteTests({
    world,
    operationId: "auth.tenantSettings.update",
    auth: "jwt",
    request: () => ({ body: { rate_limit_rpm: 600, max_key_lifetime_days: 90 } }),
    roles: [{ as: "member", code: "admin_required" }],
    state: settings,
    prepare: intoB,
  });

  describe("who may read and change", () => {
    it("lets a member read and an admin member change the dashboard's settings", async () => {
      const w = world();
      const member = await w.server.request("/auth/tenant/settings", { token: w.a.member.jwt, headers: { "x-br-tenant-id": w.a.id } });
      isA(member, w);
      const admin = await w.server.request("/auth/tenant/settings", {
        method: "PATCH",
        token: w.a.admin.jwt,
        headers: { "x-br-tenant-id": w.a.id },
        body: { budget_usd: 12 },
      });
      isA(admin, w);
      expect(admin.body.budget_usd).toBe(12);
    });
  });

  describe("tenant isolation", () => {
    it.each(["headless", "dashboard"] as const)("tenant A's %s PATCH changes tenant A only, whatever tenant it names", async (surface) => {
      const w = world();
      await markB(w);
      const before = await rowOf(w, w.b.id);
      const body = { rate_limit_rpm: 99, budget_usd: 9.5, budget_period: "monthly", allowed_models: ["a-only*"], max_key_lifetime_days: 9 };
      // On the key route the header is not the key's tenant; on the dashboard it must be a member's (not_a_member otherwise).
      const res =
        surface === "headless"
          ? await w.server.request(`/v1/tenant/settings?tenant_id=${w.b.id}`, {
              method: "PATCH",
              token: w.a.adminKey,
              headers: { "x-br-tenant-id": w.b.id },
              body,
            })
          : await patch(w, surface, { body });
      isA(res, w);
      expect(await rowOf(w, w.a.id)).toMatchObject(body);
      expect(await rowOf(w, w.b.id)).toEqual(before);
      // And B's own view is B's.
      const b = await w.server.request("/v1/tenant/settings", { token: w.b.adminKey });
      expect(b.body).toMatchObject(B_SETTINGS);
    });
  });

  describe("bad input", () => {
    const badBodies: [string, unknown][] = [
      ["an empty body", {}],
      ["a string for rate_limit_rpm", { rate_limit_rpm: "60" }],
      ["a boolean for budget_usd", { budget_usd: true }],
      ["a string for allowed_models", { allowed_models: "gpt-4o*" }],
      ["a number in allowed_models", { allowed_models: [4] }],
      ["a JSON array", [{ rate_limit_rpm: 60 }]],
      ["null as the body", null],
      ["an unknown field", { budget: 5 }],
      ["an unknown field next to a valid one", { rate_limit_rpm: 60, role: "owner" }],
      ["an unknown budget_period", { budget_usd: 5, budget_period: "weekly" }],
      ["budget_period with budget_usd null", { budget_usd: null, budget_period: "monthly" }],
      ["budget_usd with budget_period null", { budget_usd: 5, budget_period: null }],
      ["rate_limit_rpm 0", { rate_limit_rpm: 0 }],
      ["rate_limit_rpm above 100,000", { rate_limit_rpm: 100_001 }],
      ["a fractional rate_limit_rpm", { rate_limit_rpm: 1.5 }],
      ["budget_usd 0", { budget_usd: 0 }],
      ["a negative budget_usd", { budget_usd: -1 }],
      ["budget_usd above 1,000,000", { budget_usd: 1_000_001 }],
      ["max_key_lifetime_days 0", { max_key_lifetime_days: 0 }],
      ["max_key_lifetime_days above 3650", { max_key_lifetime_days: 3651 }],
      ["an empty allowed_models", { allowed_models: [] }],
      ["51 allowed_models", { allowed_models: Array.from({ length: 51 }, (_, i) => `m${i}`) }],
      ["a pattern with a space", { allowed_models: ["gpt 4o"] }],
      ["an empty pattern", { allowed_models: [""] }],
      ["a pattern of 201 characters", { allowed_models: ["m".repeat(201)] }],
    ];

    describe.each(["headless", "dashboard"] as const)("PATCH on the %s route", (surface) => {
      it.each(badBodies)("answers %s with a 400 envelope and changes nothing", async (_label, body) => {
        const w = world();
        const before = await settings(w);
        const res = await patch(w, surface, { rawBody: JSON.stringify(body) });
        expectError(res, 400, /^(validation_failed|invalid_request|invalid_value)$/);
        expect(await settings(w)).toEqual(before);
      });

      it.each([
        ["malformed JSON", "{"],
        ["a truncated object", '{"rate_limit_rpm": 60'],
        ["not JSON at all", "rate_limit_rpm=60"],
      ])("answers %s with a 400 envelope and changes nothing", async (_label, rawBody) => {
        const w = world();
        const before = await settings(w);
        expectError(await patch(w, surface, { rawBody }), 400, /^(validation_failed|invalid_request)$/);
        expect(await settings(w)).toEqual(before);
      });

      it("answers budget_period without budget_usd, on a tenant without a budget, with a 400 envelope", async () => {
        const w = world();
        expect((await patch(w, surface, { body: { budget_usd: null } })).status).toBe(200);
        const before = await settings(w);
        expectError(await patch(w, surface, { body: { budget_period: "daily" } }), 400, /^(validation_failed|invalid_value)$/);
        expect(await settings(w)).toEqual(before);
      });

      it("does not take a JSON body sent as text/plain", async () => {
        const w = world();
        const before = await settings(w);
        const res = await patch(w, surface, { rawBody: JSON.stringify({ rate_limit_rpm: 61 }), headers: { "content-type": "text/plain" } });
        expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
        expect(await settings(w)).toEqual(before);
      });
    });
  });
});
