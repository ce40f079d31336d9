import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/lib/tokens.js";
import { registerTenant, setTenantStatus, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS } from "../support/services.js";
import { eventsOf, human, ownedTenant, type Human } from "./helpers.js";

const authorize = (server: TestServer, key: string, body?: unknown) =>
  server.request("/v1/auth/device/authorize", { method: "POST", token: key, ...(body ? { body } : {}) });
const poll = (server: TestServer, key: string, device_code: string) =>
  server.request("/v1/auth/device/token", { token: key, body: { device_code } });
const confirm = (server: TestServer, who: Human, user_code: string, action?: "approve" | "deny", headers?: Record<string, string>) =>
  server.request("/auth/device/confirm", { token: who.jwt, headers, body: { user_code, ...(action ? { action } : {}) } });

/** Pretends the last poll was long ago, instead of waiting out the interval. */
const forgetLastPoll = (server: TestServer) =>
  server.deps.db.asPlatform((tx) =>
    tx
      .updateTable("device_authorizations")
      .set({ last_polled_at: new Date(Date.now() - 3_600_000) })
      .execute(),
  );

describe.each(ENGINES)("device flow on %s", (engine) => {
  let server: TestServer;
  let reg: Registered;
  beforeAll(async () => {
    server = await startTestServer({ engine });
    reg = await registerTenant(server, { active: true });
  });
  afterAll(() => server.close());

  it("authorizes with the RFC 8628 fields: 8-character user code shown XXXX-XXXX, 900 s, interval 5", async () => {
    const res = await authorize(server, reg.key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      device_code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
      verification_uri: "http://br.test/dashboard/device",
      verification_uri_complete: `http://br.test/dashboard/device?user_code=${res.body.user_code}`,
      expires_in: 900,
      interval: 5,
    });
    const stored = await server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("device_authorizations")
        .selectAll()
        .where("user_code", "=", res.body.user_code.replace("-", ""))
        .executeTakeFirstOrThrow(),
    );
    expect(stored).toMatchObject({ tenant_id: reg.tenantId, role: "owner", status: "pending" });
    expect(stored.device_code_hash).not.toContain(res.body.device_code);
  });

  it("refuses a developer key (admin role required)", async () => {
    const { owner } = await ownedTenant(server);
    const me = await server.request("/auth/me", { token: owner.jwt });
    const key = await server.request("/auth/api-keys", {
      token: owner.jwt,
      headers: { "x-br-tenant-id": me.body.tenant.id },
      body: { name: "dev", role: "developer" },
    });
    const res = await authorize(server, key.body.key);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("insufficient_role");
  });

  it("answers slow_down from the database when the poll cache has forgotten the device (say, after a restart)", async () => {
    const auth = await authorize(server, reg.key);
    const hash = sha256(auth.body.device_code);
    const forgetCache = async () => {
      await server.deps.cache.delete(`device:${hash}:state`);
      await server.deps.cache.delete(`device:${hash}:poll`);
    };
    await forgetCache();
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("authorization_pending");
    await forgetCache();
    const fast = await poll(server, reg.key, auth.body.device_code);
    expect(fast.status).toBe(400);
    expect(fast.body.error).toBe("slow_down");
    const row = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("device_authorizations").select("interval").where("device_code_hash", "=", hash).executeTakeFirstOrThrow(),
    );
    expect(row.interval).toBe(10);
  });

  it("walks pending → slow_down (interval +5 s, persisted) → approved → linked once → invalid_grant", async () => {
    const auth = await authorize(server, reg.key);
    expect(auth.headers.get("cache-control")).toBe("no-store");
    const first = await poll(server, reg.key, auth.body.device_code);
    expect(first.status).toBe(400);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toEqual({ error: "authorization_pending", error_description: expect.any(String) });
    const fast = await poll(server, reg.key, auth.body.device_code);
    expect(fast.body.error).toBe("slow_down");
    const interval = () =>
      server.deps.db.asPlatform((tx) =>
        tx
          .selectFrom("device_authorizations")
          .select("interval")
          .where("user_code", "=", auth.body.user_code.replace("-", ""))
          .executeTakeFirstOrThrow(),
      );
    expect((await interval()).interval).toBe(10);
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("slow_down");
    expect((await interval()).interval).toBe(15);

    const me = await human();
    // Lower case without the dash is the same code.
    const ok = await confirm(server, me, auth.body.user_code.replace("-", "").toLowerCase());
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: "linked", tenant: expect.objectContaining({ id: reg.tenantId }), role: "owner" });

    await forgetLastPoll(server);
    const linked = await poll(server, reg.key, auth.body.device_code);
    expect(linked.status).toBe(200);
    expect(linked.headers.get("cache-control")).toBe("no-store");
    expect(linked.body).toEqual({
      status: "linked",
      tenant: { id: reg.tenantId, slug: reg.slug, name: expect.any(String), status: "active" },
      user: { id: expect.any(String), subject: me.subject, email: me.email, role: "owner" },
    });
    const again = await poll(server, reg.key, auth.body.device_code);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");

    const meRes = await server.request("/auth/me", { token: me.jwt });
    expect(meRes.body.tenant).toMatchObject({ id: reg.tenantId, role: "owner" });
    const events = await eventsOf(server, reg.tenantId, "device.linked");
    expect(events.at(-1)!.data).toMatchObject({ subject: me.subject, role: "owner", newMember: true });
  });

  it("answers another tenant's key exactly like an unknown device code, and leaves the link deliverable", async () => {
    const other = await registerTenant(server, { active: true });
    const auth = await authorize(server, reg.key);
    await confirm(server, await human(), auth.body.user_code);
    const foreign = await poll(server, other.key, auth.body.device_code);
    const unknown = await poll(server, other.key, "no-such-device-code");
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.body.error).toBe("invalid_grant");
    await forgetLastPoll(server);
    expect((await poll(server, reg.key, auth.body.device_code)).status).toBe(200);
  });

  it("answers access_denied after a deny, and creates no membership", async () => {
    const auth = await authorize(server, reg.key);
    const me = await human();
    const res = await confirm(server, me, auth.body.user_code, "deny");
    expect(res.body).toMatchObject({ status: "denied", role: null });
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("access_denied");
    expect((await server.request("/auth/me", { token: me.jwt })).body.memberships).toEqual([]);
    const reuse = await confirm(server, me, auth.body.user_code);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe("invalid_user_code");
  });

  it("answers a pending poll from the shared cache, without a database query", async () => {
    const auth = await authorize(server, reg.key);
    const before = server.deps.db.queryCount;
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("authorization_pending");
    expect(server.deps.db.queryCount).toBe(before);
    // Another tenant's key learns nothing from the cache either.
    const other = await registerTenant(server, { active: true });
    expect((await poll(server, other.key, auth.body.device_code)).body.error).toBe("invalid_grant");
  });

  it("falls back to the database when the cached state is gone, then caches again", async () => {
    const auth = await authorize(server, reg.key);
    const hash = sha256(auth.body.device_code);
    await server.deps.cache.delete(`device:${hash}:state`); // as after a restart of an in-memory instance
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("authorization_pending");
    const before = server.deps.db.queryCount;
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("slow_down");
    expect(server.deps.db.queryCount - before).toBeGreaterThan(0); // slow_down persists the interval
    const me = await human();
    expect((await confirm(server, me, auth.body.user_code)).status).toBe(200);
    expect((await poll(server, reg.key, auth.body.device_code)).body.status).toBe("linked");
  });

  it("answers expired_token past expiry, and refuses to confirm an expired code", async () => {
    const auth = await authorize(server, reg.key);
    await server.deps.db.asPlatform((tx) =>
      tx
        .updateTable("device_authorizations")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("user_code", "=", auth.body.user_code.replace("-", ""))
        .execute(),
    );
    // Time travel by 15 minutes: the cached pending state (30 s at most) would be long gone too.
    await server.deps.devicePolls.decided(sha256(auth.body.device_code));
    const late = await confirm(server, await human(), auth.body.user_code);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe("user_code_expired");
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("expired_token");
    expect((await poll(server, reg.key, auth.body.device_code)).body.error).toBe("expired_token");
  });

  it("keeps an existing member's role when they approve a device", async () => {
    const { reg: mine, owner } = await ownedTenant(server);
    const auth = await authorize(server, mine.key, { role: "member" });
    const res = await confirm(server, owner, auth.body.user_code);
    expect(res.body).toMatchObject({ status: "linked", role: "owner" });
    const newcomer = await human();
    const auth2 = await authorize(server, mine.key, { role: "member" });
    expect((await confirm(server, newcomer, auth2.body.user_code)).body.role).toBe("member");
  });

  it("refuses to confirm into a tenant suspended after the device was authorized", async () => {
    const mine = await registerTenant(server, { active: true });
    const auth = await authorize(server, mine.key);
    await setTenantStatus(server, mine.tenantId, "suspended");
    const res = await confirm(server, await human(), auth.body.user_code);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("tenant_suspended");
  });

  it.each([
    ["malformed JSON", '{"device_code":'],
    ["missing device_code", "{}"],
    ["wrong type", '{"device_code":5}'],
    ["unknown field", '{"device_code":"x","grant_type":"y"}'],
  ])("answers %s on the token route in the RFC body shape (invalid_request)", async (_, rawBody) => {
    const res = await server.request("/v1/auth/device/token", { token: reg.key, rawBody });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "invalid_request", error_description: expect.any(String) });
  });

  it("keeps the envelope for credential errors on the token route", async () => {
    const res = await server.request("/v1/auth/device/token", { body: { device_code: "x" } });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe("authentication_error");
  });

  it.each([
    ["authorize: unknown role", "/v1/auth/device/authorize", { role: "root" }],
    ["authorize: unknown field", "/v1/auth/device/authorize", { scope: "all" }],
  ])("answers %s with a 400 envelope", async (_, path, body) => {
    const res = await server.request(path, { token: reg.key, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });

  it.each([
    ["unknown action", { user_code: "BCDF-GHJK", action: "maybe" }],
    ["wrong type", { user_code: 12345678 }],
    ["unknown field", { user_code: "BCDF-GHJK", tenant_id: "x" }],
  ])("answers confirm with %s as a 400 envelope", async (_, body) => {
    const res = await server.request("/auth/device/confirm", { token: (await human()).jwt, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });
});

describe.each(ENGINES)("device confirm rate limits on %s", (engine) => {
  let server: TestServer;
  // A fresh address per run: Redis-backed counters outlive the server (and the test run).
  const from = { "x-forwarded-for": `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}` };
  const attempt = (who: Human, code: string) => confirm(server, who, code, undefined, from);
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      redis: HAS_REDIS,
      env: { BR_TRUST_PROXY: "true", BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: "3", BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS: "5" },
    });
  });
  afterAll(() => server.close());

  it("limits wrong codes per identity (429 + Retry-After), even for a right code afterwards", async () => {
    const reg = await registerTenant(server, { active: true });
    const auth = await authorize(server, reg.key);
    const me = await human();
    const statuses = [];
    for (const code of ["BBBB-BBBB", "nonsense", "CCCC-CCCC"]) statuses.push((await attempt(me, code)).status);
    expect(statuses).toEqual([400, 400, 400]);
    const blocked = await attempt(me, auth.body.user_code);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.type).toBe("rate_limit_error");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another identity on the same address still has budget left.
    expect((await attempt(await human(), auth.body.user_code)).status).toBe(200);
  });

  it("does not charge a signed-in identity's wrong codes to its address (decisions.md #102)", async () => {
    // 3 failures spent above; 3 more from fresh identities would have exhausted the address's 5.
    for (let i = 0; i < 3; i++) expect((await attempt(await human(), "DDDD-DDDD")).status).toBe(400);
  });
});
