import { describe, expect } from "vitest";
import { human, joinAs } from "../identity-bridge/helpers.js";
import type { Registered } from "../support/harness.js";
import { runCommonRouteTests, tableState, type SecurityTenant, type SecurityWorld } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { expectNoMarks } from "./checks.js";
import { useSecurityWorld } from "./world.js";

/** The dashboard's management routes: a signed-in human acting in an active tenant (X-BR-Tenant-Id). */
describe.each(ENGINES)("dashboard routes: common security on %s", (engine) => {
  const world = useSecurityWorld(engine);
  const keys = tableState({ api_keys: ["id", "tenant_id", "name", "role", "expires_at", "revoked_at"] });
  const links = tableState({ claim_tokens: ["id", "revoked_at", "used_count"] });
  const members = tableState({ tenant_memberships: ["id", "role"], users: ["id", "role"], api_keys: ["id", "revoked_at"] });
  const ownerOnly = [
    { as: "admin" as const, code: "owner_required" },
    { as: "member" as const, code: "owner_required" },
  ];

  /** A fresh member of `tenant`, so the control may change or remove it. */
  const newMember = async (w: SecurityWorld, tenant: SecurityTenant) =>
    joinAs(w.server, { tenantId: tenant.id, key: tenant.adminKey } as Registered, await human("teammate"), "member");
  const fresh = async (w: SecurityWorld) => (await newMember(w, w.a)).id;
  /** A key of tenant A the control may revoke, change or rotate. */
  const newKey = async (w: SecurityWorld, role: "admin" | "developer" = "developer") => {
    const res = await w.server.request("/auth/api-keys", {
      token: w.a.owner.jwt,
      headers: { "x-br-tenant-id": w.a.id },
      body: { name: "spare", role },
    });
    return res.body.id as string;
  };
  // Rotation changes the secret (key_hash, prefix) and keeps the old one (previous_key_hash).
  const secrets = tableState({ api_keys: ["id", "name", "prefix", "key_hash", "previous_key_hash", "expires_at", "revoked_at"] });
  const keyWorks = async (w: SecurityWorld, key: string) => expect((await w.server.request("/v1/tenant", { token: key })).status).toBe(200);

  runCommonRouteTests({ world, operationId: "auth.members.list", auth: "jwt" });

  runCommonRouteTests({
    world,
    operationId: "auth.members.update",
    auth: "jwt",
    request: async (w) => ({ params: { id: await fresh(w) }, body: { role: "admin" } }),
    roles: ownerOnly,
    state: members,
    prepare: async (w) => ({ request: { params: { id: w.b.ownerMembershipId }, body: { role: "member" } }, code: "member_not_found" }),
  });

  runCommonRouteTests({
    world,
    operationId: "auth.members.remove",
    auth: "jwt",
    request: async (w) => ({ params: { id: await fresh(w) } }),
    roles: ownerOnly,
    state: members,
    prepare: async (w) => ({ request: { params: { id: w.b.ownerMembershipId } }, code: "member_not_found" }),
  });

  runCommonRouteTests({ world, operationId: "auth.apiKeys.list", auth: "jwt" });

  runCommonRouteTests({
    world,
    operationId: "auth.apiKeys.create",
    auth: "jwt",
    request: () => ({ body: { name: "security", role: "developer" } }),
    roles: [
      { as: "member", code: "admin_required" },
      // An admin-role key mints owner links: an admin asking for one could make itself owner.
      { as: "admin", code: "owner_required", request: () => ({ body: { name: "escalate", role: "admin" } }) },
    ],
    state: keys,
  });

  runCommonRouteTests({
    world,
    operationId: "auth.apiKeys.update",
    auth: "jwt",
    request: async (w) => ({ params: { id: await newKey(w) }, body: { name: "renamed" } }),
    roles: [{ as: "member", code: "admin_required" }],
    state: secrets,
    prepare: async (w) => ({
      request: { params: { id: w.b.adminKeyId }, body: { name: "taken over" } },
      code: "api_key_not_found",
      intact: () => keyWorks(w, w.b.adminKey),
    }),
  });

  runCommonRouteTests({
    world,
    operationId: "auth.apiKeys.rotate",
    auth: "jwt",
    request: async (w) => ({ params: { id: await newKey(w) }, body: { grace_seconds: 0 } }),
    roles: [
      { as: "member", code: "admin_required" },
      // The new secret of an admin-role key would hand an admin member a key above its role.
      { as: "admin", code: "owner_required", request: async (w) => ({ params: { id: await newKey(w, "admin") }, body: {} }) },
    ],
    state: secrets,
    prepare: async (w) => ({
      request: { params: { id: w.b.adminKeyId }, body: { grace_seconds: 0 } },
      code: "api_key_not_found",
      intact: () => keyWorks(w, w.b.adminKey),
    }),
  });

  runCommonRouteTests({
    world,
    operationId: "auth.apiKeys.revoke",
    auth: "jwt",
    request: async (w) => ({ params: { id: await newKey(w) } }),
    roles: [{ as: "member", code: "admin_required" }],
    state: keys,
    prepare: async (w) => ({
      request: { params: { id: w.b.adminKeyId } },
      code: "api_key_not_found",
      intact: () => keyWorks(w, w.b.adminKey),
    }),
  });

  runCommonRouteTests({ world, operationId: "auth.claimLinks.list", auth: "jwt", roles: ownerOnly });

  runCommonRouteTests({ world, operationId: "auth.claimLinks.create", auth: "jwt", roles: ownerOnly, state: links });

  runCommonRouteTests({
    world,
    operationId: "auth.claimLinks.revoke",
    auth: "jwt",
    request: async (w) => ({ params: { id: (await w.claimLink(w.a)).id } }),
    roles: ownerOnly,
    state: links,
    prepare: async (w) => ({ request: { params: { id: w.b.claimLinkId } }, code: "claim_link_not_found" }),
  });

  runCommonRouteTests({
    world,
    operationId: "auth.usage.retrieve",
    auth: "jwt",
    request: () => ({ query: { group_by: "model" } }),
    control: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ data: expect.any(Array), totals: { requests: expect.any(Number) }, next_cursor: null });
      expectNoMarks(res, w.b.marks);
    },
  });

  runCommonRouteTests({
    world,
    operationId: "auth.listAuditEvents",
    auth: "jwt",
    roles: [{ as: "member", code: "admin_required" }],
    control: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(res.body.data.every((e: { tenant_id: string }) => e.tenant_id === w.a.id)).toBe(true);
    },
  });
});
