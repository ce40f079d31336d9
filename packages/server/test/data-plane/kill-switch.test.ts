import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../../src/store/db.js";
import { registerTenant, request, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS, RACE_ENGINES } from "../support/services.js";
import { startCluster, suspendThrough, type Cluster } from "./support/instances.js";

const echo = { model: "echo", messages: [{ role: "user", content: "still there?" }] };

describe.each(ENGINES)("key cache under a racing suspension on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("a look-up that read 'active' and finishes after the suspension does not write the stale entry back", async () => {
    const t = await registerTenant(server, { active: true });
    server.deps.keyCache.clear();
    const db = server.deps.db;
    const oneTrip = db.asAppInOneTrip.bind(db);
    let readDone!: () => void;
    let release!: () => void;
    const read = new Promise<void>((r) => (readDone = r));
    const gate = new Promise<void>((r) => (release = r));
    // Pauses the cold look-up after its database read, before it can store the result.
    db.asAppInOneTrip = (async (statement: string) => {
      const result = await oneTrip(statement);
      readDone();
      await gate;
      return result;
    }) as Database["asAppInOneTrip"];
    try {
      const inFlight = server.request("/v1/chat/completions", { token: t.key, body: echo });
      await read;
      await setTenantStatus(server, t.tenantId, "suspended");
      db.asAppInOneTrip = oneTrip;
      release();
      // It began before the suspension, so it may still be served; what matters is what follows.
      expect([200, 403]).toContain((await inFlight).status);
    } finally {
      db.asAppInOneTrip = oneTrip;
      release();
    }
    const after = await server.request("/v1/chat/completions", { token: t.key, body: echo });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe("tenant_suspended");
  });
});

describe.runIf(HAS_REDIS && RACE_ENGINES.length > 0)("kill switch across two server processes (PostgreSQL + Redis)", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 90_000);
  afterAll(() => cluster?.close());

  const chatVia = (url: string, key: string) => request(`${url}/v1/chat/completions`, { token: key, body: echo });
  async function registerVia(url: string) {
    const res = await request(`${url}/v1/register`, {
      body: { tenant_name: "Kill switch lab", admin_email: "ks@lab.test", accept_tos: true },
    });
    expect(res.status).toBe(201);
    return { tenantId: res.body.tenant.id as string, key: res.body.api_key.key as string, keyId: res.body.api_key.id as string };
  }

  it("a tenant suspended through instance A is refused by instance B (its cached active entry dropped on receipt)", async () => {
    const { a, b } = cluster;
    const t = await registerVia(a.url);
    // B has the key cached as active: without the broadcast it would keep serving it for the TTL.
    expect((await chatVia(b.url, t.key)).status).toBe(200);
    expect((await chatVia(b.url, t.key)).status).toBe(200);
    const queries = (await b.command("query-count")) as number;
    expect((await chatVia(b.url, t.key)).status).toBe(200);
    expect(await b.command("query-count")).toBe(queries);

    await suspendThrough(a, t.tenantId);
    // B learns of it through Redis, asynchronously to A's answer: poll, far below the 30 s cache TTL
    // that would be the only way out without the broadcast (bench/kill-switch.ts measures the time).
    await vi.waitFor(
      async () => {
        const refused = await chatVia(b.url, t.key);
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe("tenant_suspended");
      },
      { timeout: 5_000, interval: 5 },
    );
  });

  it("a key revoked through instance A is refused by instance B (its cached entry dropped on receipt)", async () => {
    const { a, b } = cluster;
    const t = await registerVia(a.url);
    expect((await chatVia(b.url, t.key)).status).toBe(200);
    await a.command("revoke-key", { keyId: t.keyId });
    await vi.waitFor(
      async () => {
        const refused = await chatVia(b.url, t.key);
        expect(refused.status).toBe(401);
        expect(refused.body.error.code).toBe("api_key_revoked");
      },
      { timeout: 5_000, interval: 5 },
    );
  });
});
