import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerTenant, request, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS, RACE_ENGINES } from "../support/services.js";
import { startCluster, type Cluster } from "../data-plane/support/instances.js";
import { asMember, ownedTenant } from "./helpers.js";

// Issue 12 §5 / DESIGN.md §10: POST …/api-keys/{id}/rotate {grace_seconds}.

type Rotated = { id: string; key: string; prefix: string; rotated_at: string; previous_secret_expires_at: string };

const whoAmI = (server: TestServer, key: string) => server.request("/v1/tenant", { token: key });
const rotate = (server: TestServer, by: string, id: string, body?: unknown) =>
  server.request(`/v1/tenant/api-keys/${id}/rotate`, { method: "POST", token: by, ...(body !== undefined ? { body } : {}) });
const createKey = async (server: TestServer, by: string, body: Record<string, unknown> = {}) => {
  const res = await server.request("/v1/tenant/api-keys", { token: by, body: { name: "rotating", ...body } });
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; key: string; prefix: string };
};
const expectRefused = (res: { status: number; body: { error: { code: string; recovery?: { action: string } } } }, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(401);
  expect(res.body.error.code).toBe(code);
};

describe.each(ENGINES)("API key rotation on %s", (engine) => {
  let server: TestServer;
  let reg: Registered;
  beforeAll(async () => {
    server = await startTestServer({ engine });
    reg = await registerTenant(server, { active: true });
  });
  afterAll(() => server.close());

  it("keeps the key id; the new secret works at once, the old one during the grace, then answers 401 api_key_rotated", async () => {
    const key = await createKey(server, reg.key);
    expect((await whoAmI(server, key.key)).status).toBe(200);
    const res = await rotate(server, reg.key, key.id, { grace_seconds: 1 });
    expect(res.status).toBe(200);
    const rotated = res.body as Rotated;
    expect(rotated).toMatchObject({ id: key.id, role: "developer", revoked_at: null, rotated_at: expect.any(String) });
    expect(rotated.key).toMatch(/^br_live_/);
    expect(rotated.key).not.toBe(key.key);
    expect(rotated.prefix).not.toBe(key.prefix);
    const graceEnd = Date.parse(rotated.previous_secret_expires_at);
    expect(graceEnd - Date.parse(rotated.rotated_at)).toBe(1000);

    const viaNew = await whoAmI(server, rotated.key);
    expect(viaNew.status).toBe(200);
    expect(viaNew.body.key).toMatchObject({ id: key.id, prefix: rotated.prefix });
    // The old secret, now cached with the time it stops working.
    expect((await whoAmI(server, key.key)).status).toBe(200);

    await sleep(Math.max(0, graceEnd - Date.now()) + 50);
    // Refused from the cached record: the grace check costs no database query.
    const before = server.deps.db.queryCount;
    const refused = await whoAmI(server, key.key);
    expect(server.deps.db.queryCount).toBe(before);
    expectRefused(refused, "api_key_rotated");
    expect(refused.body.error.recovery).toEqual({ action: "retry_with_params", field: "authorization" });
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await whoAmI(server, rotated.key)).status).toBe(200);

    // And once the cache has forgotten it, the look-up finds the old secret and says the same.
    server.deps.keyCache.clear();
    expectRefused(await whoAmI(server, key.key), "api_key_rotated");
  });

  it("grace_seconds 0 ends the old secret at once; the dashboard route rotates the same way", async () => {
    const { reg: owned, owner } = await ownedTenant(server);
    const made = await asMember(server, owner, owned.tenantId, "/auth/api-keys", { body: { name: "ci" } });
    expect((await whoAmI(server, made.body.key)).status).toBe(200);
    const res = await asMember(server, owner, owned.tenantId, `/auth/api-keys/${made.body.id}/rotate`, {
      method: "POST",
      body: { grace_seconds: 0 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: made.body.id, key: expect.stringMatching(/^br_live_/) });
    expectRefused(await whoAmI(server, made.body.key), "api_key_rotated");
    expect((await whoAmI(server, res.body.key)).status).toBe(200);
    const listed = await asMember(server, owner, owned.tenantId, "/auth/api-keys");
    expect(listed.body.data.find((k: { id: string }) => k.id === made.body.id)).toMatchObject({
      prefix: res.body.prefix,
      rotated_at: res.body.rotated_at,
      previous_secret_expires_at: res.body.previous_secret_expires_at,
    });
  });

  it("defaults to a 3,600 s grace (no body)", async () => {
    const key = await createKey(server, reg.key);
    const res = await rotate(server, reg.key, key.id);
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.previous_secret_expires_at) - Date.parse(res.body.rotated_at)).toBe(3_600_000);
    expect((await whoAmI(server, key.key)).status).toBe(200);
  });

  it("a second rotation during a grace ends the first old secret at once: a key has at most two secrets", async () => {
    const first = await createKey(server, reg.key);
    const second = (await rotate(server, reg.key, first.id, { grace_seconds: 3600 })).body as Rotated;
    expect((await whoAmI(server, first.key)).status).toBe(200);
    const third = (await rotate(server, reg.key, first.id, { grace_seconds: 3600 })).body as Rotated;
    expect(third.id).toBe(first.id);
    // The first secret is forgotten (not merely past a grace): it is no longer this key's.
    expectRefused(await whoAmI(server, first.key), "invalid_api_key");
    expect((await whoAmI(server, second.key)).status).toBe(200);
    expect((await whoAmI(server, third.key)).status).toBe(200);
  });

  it("a key may rotate itself; its old secret keeps working until the grace ends", async () => {
    const agent = await registerTenant(server, { active: true });
    const res = await rotate(server, agent.key, agent.keyId, { grace_seconds: 3600 });
    expect(res.status).toBe(200);
    expect((await whoAmI(server, agent.key)).status).toBe(200);
    expect((await whoAmI(server, res.body.key)).status).toBe(200);
    const again = await rotate(server, res.body.key, agent.keyId, { grace_seconds: 0 });
    expect(again.status).toBe(200);
    expectRefused(await whoAmI(server, res.body.key), "api_key_rotated");
    expectRefused(await whoAmI(server, agent.key), "invalid_api_key");
  });

  it.each([[{ grace_seconds: -1 }], [{ grace_seconds: 86_401 }], [{ grace_seconds: 1.5 }], [{ grace_seconds: "60" }], [{ grace: 60 }]])(
    "refuses %j with 400 and changes nothing",
    async (body) => {
      const key = await createKey(server, reg.key);
      const res = await rotate(server, reg.key, key.id, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      const row = await server.deps.db.asPlatform((tx) =>
        tx.selectFrom("api_keys").select(["prefix", "rotated_at", "previous_key_hash"]).where("id", "=", key.id).executeTakeFirstOrThrow(),
      );
      expect(row).toEqual({ prefix: key.prefix, rotated_at: null, previous_key_hash: null });
      expect((await whoAmI(server, key.key)).status).toBe(200);
    },
  );

  it("answers another tenant's key id with 404 api_key_not_found on both routes, and that key keeps its secret", async () => {
    const theirs = await ownedTenant(server);
    const { reg: mine, owner } = await ownedTenant(server);
    const viaKey = await rotate(server, mine.key, theirs.reg.keyId, { grace_seconds: 0 });
    expect(viaKey.status).toBe(404);
    expect(viaKey.body.error.code).toBe("api_key_not_found");
    const viaDashboard = await asMember(server, owner, mine.tenantId, `/auth/api-keys/${theirs.reg.keyId}/rotate`, {
      method: "POST",
      body: {},
    });
    expect(viaDashboard.status).toBe(404);
    expect(viaDashboard.body.error.code).toBe("api_key_not_found");
    expect((await whoAmI(server, theirs.reg.key)).status).toBe(200);
  });

  it("refuses to rotate a revoked key (409 api_key_already_revoked); revoking a rotated key ends both secrets", async () => {
    const gone = await createKey(server, reg.key);
    expect((await server.request(`/v1/tenant/api-keys/${gone.id}`, { method: "DELETE", token: reg.key })).status).toBe(200);
    const res = await rotate(server, reg.key, gone.id, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("api_key_already_revoked");

    const key = await createKey(server, reg.key);
    const rotated = (await rotate(server, reg.key, key.id, { grace_seconds: 3600 })).body as Rotated;
    expect((await server.request(`/v1/tenant/api-keys/${key.id}`, { method: "DELETE", token: reg.key })).status).toBe(200);
    expectRefused(await whoAmI(server, key.key), "api_key_revoked");
    expectRefused(await whoAmI(server, rotated.key), "api_key_revoked");
  });

  it("writes api_key.rotated with the prefixes and the grace end, never a secret", async () => {
    const key = await createKey(server, reg.key);
    const rotated = (await rotate(server, reg.key, key.id, { grace_seconds: 30 })).body as Rotated;
    const audit = await server.request(`/v1/tenant/audit?action=api_key.rotated`, { token: reg.key });
    const row = audit.body.data.find((e: { target: { id: string } }) => e.target.id === key.id);
    expect(row).toMatchObject({
      action: "api_key.rotated",
      via: "api",
      actor: { kind: "api_key", id: reg.keyId },
      target: { type: "api_key", id: key.id },
      changes: { prefix: [key.prefix, rotated.prefix], previous_secret_expires_at: [null, rotated.previous_secret_expires_at] },
    });
    const text = JSON.stringify(audit.body);
    for (const secret of [key.key, rotated.key]) expect(text).not.toContain(secret.slice(8));
  });

  it("needs the power to create the key: a platform-admin key only by a platform admin", async () => {
    const agent = await registerTenant(server, { active: true });
    const plain = await createKey(server, agent.key, { role: "admin" });
    const admins = server.deps.config.platformAdminIds as Set<string>;
    const machineUser = await server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom("api_keys").select("user_id").where("id", "=", agent.keyId).executeTakeFirstOrThrow()).user_id!,
    );
    admins.add(machineUser);
    let platformKey: { id: string; key: string };
    try {
      platformKey = await createKey(server, agent.key, { role: "admin", platform_admin: true });
    } finally {
      admins.delete(machineUser);
    }
    // `plain` is a tenant admin key (minted without the flag, by a key holding the power then).
    const res = await rotate(server, plain.key, platformKey.id, { grace_seconds: 0 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("not_platform_admin");
    expect((await whoAmI(server, platformKey.key)).status).toBe(200);
  });

  it("an ordinary admin key cannot rotate the registration key while it acts for the owner (403 owner_required)", async () => {
    const agent = await registerTenant(server, { active: true });
    const helper = await createKey(server, agent.key, { role: "admin" });
    const res = await rotate(server, helper.key, agent.keyId, { grace_seconds: 0 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("owner_required");
    expect((await whoAmI(server, agent.key)).status).toBe(200);
  });
});

describe.runIf(HAS_REDIS && RACE_ENGINES.length > 0)("API key rotation across two server processes (PostgreSQL + Redis)", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 90_000);
  afterAll(() => cluster?.close());

  const whoAmIVia = (url: string, key: string) => request(`${url}/v1/tenant`, { token: key });
  const rotateVia = (url: string, by: string, id: string, grace_seconds: number) =>
    request(`${url}/v1/tenant/api-keys/${id}/rotate`, { token: by, body: { grace_seconds } });
  async function registerVia(url: string) {
    const res = await request(`${url}/v1/register`, {
      body: { tenant_name: "Rotation lab", admin_email: "rotate@lab.test", accept_tos: true },
    });
    expect(res.status).toBe(201);
    return { key: res.body.api_key.key as string, keyId: res.body.api_key.id as string };
  }

  it("grace 0 through instance A: instance B refuses the old secret it had cached as current", async () => {
    const { a, b } = cluster;
    const t = await registerVia(a.url);
    // B caches the secret as the key's current one: without the broadcast it would serve it until the TTL.
    expect((await whoAmIVia(b.url, t.key)).status).toBe(200);
    const rotated = await rotateVia(a.url, t.key, t.keyId, 0);
    expect(rotated.status).toBe(200);
    await vi.waitFor(
      async () => {
        const refused = await whoAmIVia(b.url, t.key);
        expect(refused.status).toBe(401);
        expect(refused.body.error.code).toBe("api_key_rotated");
      },
      { timeout: 5_000, interval: 5 },
    );
    expect((await whoAmIVia(b.url, rotated.body.key)).status).toBe(200);
  });

  it("a grace through instance A holds on instance B, which then refuses the old secret on its own", async () => {
    const { a, b } = cluster;
    const t = await registerVia(a.url);
    expect((await whoAmIVia(b.url, t.key)).status).toBe(200);
    const rotated = await rotateVia(a.url, t.key, t.keyId, 2);
    expect(rotated.status).toBe(200);
    const graceEnd = Date.parse(rotated.body.previous_secret_expires_at);
    // The new secret works on B at once; the old one still does, within its grace.
    expect((await whoAmIVia(b.url, rotated.body.key)).status).toBe(200);
    expect((await whoAmIVia(b.url, t.key)).status).toBe(200);
    await sleep(Math.max(0, graceEnd - Date.now()) + 50);
    for (const url of [b.url, a.url]) {
      const refused = await whoAmIVia(url, t.key);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe("api_key_rotated");
      expect((await whoAmIVia(url, rotated.body.key)).status).toBe(200);
    }
  });
});
