import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey } from "../../src/auth/api-key/authenticate.js";
import {
  createTenantApiKey,
  listTenantApiKeys,
  revokeTenantApiKey,
  rotateTenantApiKey,
  updateTenantApiKey,
} from "../../src/services/tenant-api-keys.js";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { asMember, claim, human, ownedTenant } from "./helpers.js";

// Issue 12 §6 / DESIGN.md §10: an agent manages its own tenant's keys with an admin-role API key,
// and a credential never hands out more than it holds.

const KEYS = "/v1/tenant/api-keys";
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("headless key management on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  const call = (token: string, path: string, init: { method?: string; body?: unknown } = {}) => server.request(path, { ...init, token });
  const whoAmI = (key: string) => call(key, "/v1/tenant");
  const keyCount = (tenantId: string) =>
    server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom("api_keys").select("id").where("tenant_id", "=", tenantId).execute()).length,
    );
  const deviceRole = (tenantId: string) =>
    server.deps.db.asPlatform(
      async (tx) =>
        (
          await tx
            .selectFrom("device_authorizations")
            .select("role")
            .where("tenant_id", "=", tenantId)
            .orderBy("created_at", "desc")
            .executeTakeFirstOrThrow()
        ).role,
    );

  it("an admin key lists (by cursor), creates, updates, rotates and revokes its tenant's keys; a revoked key is refused on its next request", async () => {
    const { reg } = await ownedTenant(server);
    const admin = await call(reg.key, KEYS, { body: { name: "deploy", role: "admin" } });
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({
      name: "deploy",
      role: "admin",
      platform_role: null,
      revoked_at: null,
      key: expect.stringMatching(/^br_live_/),
    });
    const dev = await call(admin.body.key, KEYS, { body: { name: "worker", expires_in_days: 30 } });
    expect(dev.status).toBe(201);
    expect(dev.body.role).toBe("developer");
    expect((await whoAmI(dev.body.key)).body.key.role).toBe("developer");
    // Attributed to the key that made it: never a registration key, whatever user it belongs to.
    const createdBy = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("api_keys").select(["id", "created_by_key_id"]).where("tenant_id", "=", reg.tenantId).orderBy("created_at").execute(),
    );
    expect(createdBy.map((r) => r.created_by_key_id)).toEqual([null, reg.keyId, admin.body.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(reg.key, `${KEYS}?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.data).toHaveLength(1);
      expect(page.body.data[0]).not.toHaveProperty("key");
      for (const secret of [reg.key, admin.body.key, dev.body.key]) expect(JSON.stringify(page.body)).not.toContain(secret);
      seen.push(page.body.data[0].id);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([reg.keyId, admin.body.id, dev.body.id]);

    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const renamed = await call(reg.key, `${KEYS}/${dev.body.id}`, { method: "PATCH", body: { name: "worker-2", expires_at: expiresAt } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: dev.body.id, name: "worker-2", expires_at: expiresAt });
    const never = await call(reg.key, `${KEYS}/${dev.body.id}`, { method: "PATCH", body: { expires_at: null } });
    expect(never.body).toMatchObject({ name: "worker-2", expires_at: null });

    const rotated = await call(reg.key, `${KEYS}/${dev.body.id}/rotate`, { method: "POST", body: { grace_seconds: 0 } });
    expect(rotated.status).toBe(200);
    expect((await whoAmI(rotated.body.key)).status).toBe(200);

    const revoked = await call(reg.key, `${KEYS}/${dev.body.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const next = await whoAmI(rotated.body.key);
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe("api_key_revoked");

    const audit = await call(reg.key, "/v1/tenant/audit");
    const actions = audit.body.data
      .filter((e: { target: { id: string } }) => e.target.id === dev.body.id)
      .map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(["api_key.created", "api_key.revoked", "api_key.rotated", "api_key.updated", "api_key.updated"]);
  });

  it("a developer key gets 403 insufficient_role on every key route and cannot create an admin key", async () => {
    const { reg } = await ownedTenant(server);
    const dev = (await call(reg.key, KEYS, { body: { name: "dev" } })).body as { id: string; key: string };
    const before = await keyCount(reg.tenantId);
    const attempts: [string, string, unknown?][] = [
      ["GET", KEYS],
      ["POST", KEYS, { name: "mine", role: "admin" }],
      ["POST", KEYS, { name: "mine", role: "developer" }],
      ["PATCH", `${KEYS}/${reg.keyId}`, { name: "pwned" }],
      ["DELETE", `${KEYS}/${reg.keyId}`],
      ["POST", `${KEYS}/${reg.keyId}/rotate`, { grace_seconds: 0 }],
      ["POST", `${KEYS}/${dev.id}/rotate`, { grace_seconds: 0 }],
      // Refused before the request is read: an invalid one is 403 too, not 400.
      ["POST", KEYS, { nonsense: true }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(dev.key, path, { method, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code, `${method} ${path}`).toBe("insufficient_role");
    }
    expect(await keyCount(reg.tenantId)).toBe(before);
    expect((await whoAmI(reg.key)).status).toBe(200);
    expect((await whoAmI(dev.key)).status).toBe(200);
  });

  it("the service itself refuses a developer key, whatever surface builds its Actor (the route's middleware is not the only check)", async () => {
    const { reg } = await ownedTenant(server);
    const dev = (await call(reg.key, KEYS, { body: { name: "dev" } })).body as { id: string; key: string };
    const { actor } = await authenticateApiKey(server.deps, dev.key, () => "127.0.0.1");
    const asMcp = { ...actor, via: "mcp" as const, channel: "mcp" as const };
    const refusals = [
      listTenantApiKeys(server.deps, asMcp, { limit: 10 }),
      createTenantApiKey(server.deps, asMcp, { name: "x", role: "developer" }),
      updateTenantApiKey(server.deps, asMcp, dev.id, { name: "y" }),
      rotateTenantApiKey(server.deps, asMcp, dev.id, 0),
      revokeTenantApiKey(server.deps, asMcp, dev.id),
    ];
    for (const refused of refusals) await expect(refused).rejects.toMatchObject({ code: "insufficient_role" });
    expect((await whoAmI(dev.key)).status).toBe(200);
  });

  it("a tenant admin key asking for platform_admin or platform_proposer gets 403 not_platform_admin", async () => {
    const { reg } = await ownedTenant(server);
    const before = await keyCount(reg.tenantId);
    for (const flag of ["platform_admin", "platform_proposer"]) {
      const res = await call(reg.key, KEYS, { body: { name: "mcp", role: "admin", [flag]: true } });
      expect(res.status, flag).toBe(403);
      expect(res.body.error.code).toBe("not_platform_admin");
    }
    expect(await keyCount(reg.tenantId)).toBe(before);
  });

  it("a platform-admin key mints one for MCP when it asks; without the flag its keys are plain tenant keys", async () => {
    const agent = await registerTenant(server, { active: true });
    const platformKey = await server.deps.db.asPlatform(async (tx) => {
      const row = await tx.selectFrom("api_keys").select("user_id").where("id", "=", agent.keyId).executeTakeFirstOrThrow();
      return row.user_id!;
    });
    const admins = server.deps.config.platformAdminIds as Set<string>;
    admins.add(platformKey);
    try {
      const asked = await call(agent.key, KEYS, { body: { name: "mcp", role: "admin", platform_admin: true } });
      expect(asked.status).toBe(201);
      expect(asked.body.platform_role).toBe("admin");
      const plain = await call(agent.key, KEYS, { body: { name: "plain", role: "admin" } });
      expect(plain.body.platform_role).toBeNull();
    } finally {
      admins.delete(platformKey);
    }
  });

  it("an ordinary admin key mints admin and member links but no owner claim link, browser link or owner device link", async () => {
    // Two kinds of ordinary admin key: one made headlessly by the registration key of an unclaimed
    // tenant, and the registration key itself once an owner has claimed the tenant.
    const agent = await registerTenant(server, { active: true });
    const made = (await call(agent.key, KEYS, { body: { name: "helper", role: "admin" } })).body.key as string;
    const { reg: claimed } = await ownedTenant(server);
    for (const [label, key, tenantId] of [
      ["headless admin key", made, agent.tenantId],
      ["registration key of a claimed tenant", claimed.key, claimed.tenantId],
    ] as const) {
      const links = () => server.deps.db.asPlatform(async (tx) => (await tx.selectFrom("claim_tokens").select("id").execute()).length);
      const before = await links();
      for (const [path, body] of [
        ["/v1/tenant/claim-link", { role: "owner" }],
        ["/v1/auth/link", undefined],
        ["/v1/auth/device/authorize", { role: "owner" }],
      ] as const) {
        const res = await call(key, path, { method: "POST", body });
        expect(res.status, `${label}: ${path}`).toBe(403);
        expect(res.body.error.code, `${label}: ${path}`).toBe("owner_required");
      }
      expect(await links(), label).toBe(before);
      for (const role of ["admin", "member"]) {
        expect((await call(key, "/v1/tenant/claim-link", { body: { role } })).status, `${label}: ${role} link`).toBe(201);
      }
      // Without a role, the device flow offers what the key may hand out: admin.
      const device = await call(key, "/v1/auth/device/authorize", { method: "POST" });
      expect(device.status, label).toBe(200);
      expect(await deviceRole(tenantId)).toBe("admin");
    }
  });

  it("the registration key of an unclaimed tenant acts for the owner (owner links, owner device links) until someone claims it", async () => {
    const agent = await registerTenant(server, { active: true });
    expect((await call(agent.key, "/v1/tenant/claim-link", { body: { role: "owner" } })).status).toBe(201);
    const browser = await call(agent.key, "/v1/auth/link", { method: "POST" });
    expect(browser.status).toBe(201);
    expect((await call(agent.key, "/v1/auth/device/authorize", { method: "POST" })).status).toBe(200);
    expect(await deviceRole(agent.tenantId)).toBe("owner");

    const owner = await human("owner");
    expect((await claim(server, owner, { token: browser.body.token })).status).toBe(201);
    const after = await call(agent.key, "/v1/tenant/claim-link", { body: { role: "owner" } });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe("owner_required");
    expect((await call(agent.key, "/v1/auth/device/authorize", { method: "POST" })).status).toBe(200);
    expect(await deviceRole(agent.tenantId)).toBe("admin");
    // The owner still mints owner links on the dashboard.
    expect((await asMember(server, owner, agent.tenantId, "/auth/claim-links", { body: { role: "owner" } })).status).toBe(201);
  });

  it("the dashboard keeps its rule: an admin member creates no admin key and rotates none", async () => {
    const { reg, owner } = await ownedTenant(server);
    const adminKey = (await asMember(server, owner, reg.tenantId, "/auth/api-keys", { body: { name: "owner's", role: "admin" } })).body;
    const link = await asMember(server, owner, reg.tenantId, "/auth/claim-links", { body: { role: "admin" } });
    const teammate = await human("admin");
    expect((await claim(server, teammate, { token: link.body.token })).status).toBe(201);
    const create = await asMember(server, teammate, reg.tenantId, "/auth/api-keys", { body: { name: "mine", role: "admin" } });
    expect(create.body.error?.code).toBe("owner_required");
    const rotate = await asMember(server, teammate, reg.tenantId, `/auth/api-keys/${adminKey.id}/rotate`, { method: "POST", body: {} });
    expect(rotate.status).toBe(403);
    expect(rotate.body.error.code).toBe("owner_required");
    // A developer key it may rename and rotate.
    const dev = (await asMember(server, teammate, reg.tenantId, "/auth/api-keys", { body: { name: "dev" } })).body;
    const patch = await asMember(server, teammate, reg.tenantId, `/auth/api-keys/${dev.id}`, { method: "PATCH", body: { name: "dev-2" } });
    expect(patch.body.name).toBe("dev-2");
    expect((await asMember(server, teammate, reg.tenantId, `/auth/api-keys/${dev.id}/rotate`, { method: "POST" })).status).toBe(200);
  });

  it("PATCH refuses unknown fields, an empty body and a past expiry with 400; a new expiry holds at once", async () => {
    const { reg } = await ownedTenant(server);
    const dev = (await call(reg.key, KEYS, { body: { name: "dev" } })).body as { id: string; key: string };
    expect((await whoAmI(dev.key)).status).toBe(200);
    for (const body of [{ scopes: ["all"] }, { rate_limit_rpm: 0 }, { role: "admin" }, {}, { name: "" }, { expires_at: "tomorrow" }]) {
      const res = await call(reg.key, `${KEYS}/${dev.id}`, { method: "PATCH", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const past = await call(reg.key, `${KEYS}/${dev.id}`, {
      method: "PATCH",
      body: { expires_at: new Date(Date.now() - 1000).toISOString() },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe("invalid_expires_at");
    // The key is cached; the change drops it, so the new expiry applies without waiting for the TTL.
    const soon = new Date(Date.now() + 1000);
    expect((await call(reg.key, `${KEYS}/${dev.id}`, { method: "PATCH", body: { expires_at: soon.toISOString() } })).status).toBe(200);
    expect((await whoAmI(dev.key)).status).toBe(200);
    await sleep(Math.max(0, soon.getTime() - Date.now()) + 50);
    const expired = await whoAmI(dev.key);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("api_key_expired");
    // Revocation is final: a revoked key is neither renamed nor given a new expiry.
    expect((await call(reg.key, `${KEYS}/${dev.id}`, { method: "DELETE" })).status).toBe(200);
    const revokedPatch = await call(reg.key, `${KEYS}/${dev.id}`, { method: "PATCH", body: { expires_at: null } });
    expect(revokedPatch.status).toBe(409);
    expect(revokedPatch.body.error.code).toBe("api_key_already_revoked");
  });

  it("another tenant's key id, or an unknown one, is 404 api_key_not_found on every route, and that key keeps working", async () => {
    const theirs = await ownedTenant(server);
    const { reg } = await ownedTenant(server);
    for (const id of [theirs.reg.keyId, UNKNOWN_ID]) {
      for (const [method, path, body] of [
        ["PATCH", `${KEYS}/${id}`, { name: "taken over" }],
        ["POST", `${KEYS}/${id}/rotate`, { grace_seconds: 0 }],
        ["DELETE", `${KEYS}/${id}`, undefined],
      ] as const) {
        const res = await call(reg.key, path, { method, body });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.error.code).toBe("api_key_not_found");
      }
    }
    const listed = await call(reg.key, KEYS);
    expect(listed.body.data.map((k: { id: string }) => k.id)).not.toContain(theirs.reg.keyId);
    expect((await whoAmI(theirs.reg.key)).status).toBe(200);
  });
});
