import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_PREFIX, generateToken } from "../../src/lib/tokens.js";
import type { Database } from "../../src/store/db.js";
import { registerTenant, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";

describe.each(ENGINES)("API-key auth boundary on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // Background pollers off, so the query counter sees only what requests do.
    server = await startTestServer({ engine, env: { BR_EVENTS_POLL_MS: "600000", BR_USAGE_FLUSH_MS: "600000" } });
  });
  afterAll(() => server.close());

  it("GET /v1/tenant returns the caller's tenant and key", async () => {
    const reg = await registerTenant(server, { active: true, name: "Key Lab" });
    const res = await server.request("/v1/tenant", { token: reg.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: { id: reg.tenantId, slug: reg.slug, name: "Key Lab", status: "active" },
      key: { id: reg.keyId, prefix: reg.key.slice(0, 12), role: "admin" },
    });
  });

  it("refuses a missing credential or another scheme with 401", async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: "Basic abc" }, { authorization: "Bearer" }];
    for (const headers of attempts) {
      const res = await server.request("/v1/tenant", { headers });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: "authentication_error", code: "missing_api_key" });
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    }
  });

  it("refuses 'Bearer <key> <junk>': a header with more than one token is malformed", async () => {
    const reg = await registerTenant(server, { active: true });
    for (const authorization of [`Bearer ${reg.key} junk`, `Bearer ${reg.key} ${reg.key}`, `Bearer\t${reg.key}`]) {
      const res = await server.request("/v1/tenant", { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe("authentication_error");
    }
    expect((await server.request("/v1/tenant", { headers: { authorization: `bearer  ${reg.key}` } })).status).toBe(200);
  });

  it("refuses a key with a bad checksum or prefix without any database query", async () => {
    const reg = await registerTenant(server, { active: true });
    const last = reg.key.at(-1) === "A" ? "B" : "A";
    const forged = [reg.key.slice(0, -1) + last, reg.key.replace("br_live_", "br_test_"), "br_live_short", generateToken("brct_")];
    const before = server.deps.db.queryCount;
    for (const key of forged) {
      const res = await server.request("/v1/tenant", { token: key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("invalid_api_key");
    }
    expect(server.deps.db.queryCount).toBe(before);
  });

  it("refuses a well-formed unknown key, and remembers it briefly instead of asking again", async () => {
    const unknown = generateToken(API_KEY_PREFIX);
    const first = await server.request("/v1/tenant", { token: unknown });
    expect(first.status).toBe(401);
    const before = server.deps.db.queryCount;
    const second = await server.request("/v1/tenant", { token: unknown });
    expect(second.status).toBe(401);
    expect(server.deps.db.queryCount).toBe(before);
  });

  it("makes no database query per request once the key cache is warm", async () => {
    const reg = await registerTenant(server, { active: true });
    await server.request("/v1/tenant", { token: reg.key });
    const before = server.deps.db.queryCount;
    for (let i = 0; i < 25; i++) expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    expect(server.deps.db.queryCount).toBe(before);
  });

  it.each([
    ["pending", "tenant_pending", "wait"],
    ["rejected", "tenant_rejected", "escalate"],
    ["suspended", "tenant_suspended", "escalate"],
  ] as const)("refuses keys of a %s tenant with 403 %s", async (status, code, action) => {
    const reg = await registerTenant(server, { active: true });
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    await setTenantStatus(server, reg.tenantId, status);
    const res = await server.request("/v1/tenant", { token: reg.key });
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({ type: "permission_error", code, message: expect.any(String), recovery: { action } });
  });

  it("serves a status change only after the tenant's cached keys are invalidated", async () => {
    const reg = await registerTenant(server, { active: true });
    await server.request("/v1/tenant", { token: reg.key });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("tenants").set({ status: "suspended" }).where("id", "=", reg.tenantId).execute(),
    );
    // Cached: the change is invisible until someone invalidates (admin suspend does).
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    await server.deps.keyCache.invalidateTenant(reg.tenantId);
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(403);
  });

  it("refuses a revoked key at once after invalidating it, and an expired key", async () => {
    const reg = await registerTenant(server, { active: true });
    await server.request("/v1/tenant", { token: reg.key });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("api_keys").set({ revoked_at: new Date() }).where("id", "=", reg.keyId).execute(),
    );
    await server.deps.keyCache.invalidateKey(reg.keyId);
    const revoked = await server.request("/v1/tenant", { token: reg.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("api_key_revoked");

    const other = await registerTenant(server, { active: true });
    await server.deps.db.asPlatform((tx) =>
      tx
        .updateTable("api_keys")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("id", "=", other.keyId)
        .execute(),
    );
    const expired = await server.request("/v1/tenant", { token: other.key });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("api_key_expired");
  });

  it("records last use in a batch, off the request path", async () => {
    const reg = await registerTenant(server, { active: true });
    await server.request("/v1/tenant", { token: reg.key });
    const read = () =>
      server.deps.db.asPlatform((tx) =>
        tx.selectFrom("api_keys").select("last_used_at").where("id", "=", reg.keyId).executeTakeFirstOrThrow(),
      );
    expect((await read()).last_used_at).toBeNull();
    await server.deps.keyUsage.flush();
    expect((await read()).last_used_at).toBeInstanceOf(Date);
  });
});

describe.each(ENGINES)("cold key look-ups on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      env: { BR_EVENTS_POLL_MS: "600000", BR_USAGE_FLUSH_MS: "600000", BR_TRUST_PROXY: "true", BR_UNKNOWN_KEYS_PER_ADDRESS: "5" },
    });
  });
  afterAll(() => server.close());

  const queriesFor = async (fn: () => Promise<unknown>) => {
    const before = server.deps.db.queryCount;
    await fn();
    return server.deps.db.queryCount - before;
  };

  it("50 concurrent requests for a key whose entry expired share one database look-up", async () => {
    const reg = await registerTenant(server, { active: true });
    const from = { "x-forwarded-for": "192.0.2.10" };
    const db = server.deps.db;
    const oneTrip = db.asAppInOneTrip.bind(db);
    let lookups = 0;
    // A slow look-up, so all 50 requests arrive while the first is still in the database.
    db.asAppInOneTrip = (async (statement: string) => {
      lookups++;
      await new Promise((r) => setTimeout(r, 300));
      return oneTrip(statement);
    }) as Database["asAppInOneTrip"];
    try {
      server.deps.keyCache.clear();
      const results = await Promise.all(Array.from({ length: 50 }, () => server.request("/v1/tenant", { token: reg.key, headers: from })));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    } finally {
      db.asAppInOneTrip = oneTrip;
    }
    expect(lookups).toBe(1);
  });

  it("refuses a flood of well-formed unknown keys from one address with 429 once its budget is spent, without a query each", async () => {
    const from = { "x-forwarded-for": "192.0.2.66" };
    const reg = await registerTenant(server, { active: true });
    await server.request("/v1/tenant", { token: reg.key, headers: from }); // warm
    for (let i = 0; i < 5; i++)
      expect((await server.request("/v1/tenant", { token: generateToken(API_KEY_PREFIX), headers: from })).status).toBe(401);
    const refused: number[] = [];
    const spent = await queriesFor(async () => {
      for (let i = 0; i < 10; i++)
        refused.push((await server.request("/v1/tenant", { token: generateToken(API_KEY_PREFIX), headers: from })).status);
    });
    expect(refused).toEqual(Array(10).fill(429));
    expect(spent).toBe(0);
    // A key this instance already knows still works from there, and other addresses are unaffected.
    expect((await server.request("/v1/tenant", { token: reg.key, headers: from })).status).toBe(200);
    expect(
      (await server.request("/v1/tenant", { token: generateToken(API_KEY_PREFIX), headers: { "x-forwarded-for": "192.0.2.67" } })).status,
    ).toBe(401);
  });
});
