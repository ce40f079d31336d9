import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLAIM_TOKEN_PREFIX, generateToken } from "../../src/lib/tokens.js";
import { registerTenant, setTenantStatus, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS } from "../support/services.js";
import { claim, eventsOf, human, joinAs, ownedTenant, type Human } from "./helpers.js";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A fresh client address per call site: wrong-code budgets are per address, and Redis outlives runs. */
const address = () => ({ "x-forwarded-for": `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}` });

const preview = (server: TestServer, who: Human, body: unknown) => server.request("/auth/claim/preview", { token: who.jwt, body });
const lookup = (server: TestServer, who: Human, user_code: unknown, from = address()) =>
  server.request("/auth/device/lookup", { token: who.jwt, headers: from, body: { user_code } });
const confirm = (server: TestServer, who: Human, user_code: string, from = address()) =>
  server.request("/auth/device/confirm", { token: who.jwt, headers: from, body: { user_code } });
const authorize = async (server: TestServer, key: string, body: Record<string, unknown> = {}) => {
  const res = await server.request("/v1/auth/device/authorize", { token: key, body });
  expect(res.status).toBe(200);
  return res.body as { device_code: string; user_code: string };
};
const usedCount = (server: TestServer, tenantId: string) =>
  server.deps.db.asPlatform((tx) =>
    tx.selectFrom("claim_tokens").select(["id", "used_count"]).where("tenant_id", "=", tenantId).orderBy("created_at").execute(),
  );
const deviceRow = (server: TestServer, userCode: string) =>
  server.deps.db.asPlatform((tx) =>
    tx.selectFrom("device_authorizations").selectAll().where("user_code", "=", userCode.replace("-", "")).executeTakeFirstOrThrow(),
  );

describe.each(ENGINES)("POST /auth/claim/preview on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("shows the tenant, role, expiry and uses left, and spends nothing: the claim afterwards still works", async () => {
    const reg = await registerTenant(server, { active: true, name: "Preview Lab" });
    const me = await human();
    const res = await preview(server, me, { token: reg.claimToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: { id: reg.tenantId, slug: reg.slug, name: "Preview Lab", status: "active" },
      role: "owner",
      expires_at: expect.stringMatching(ISO),
      uses_left: 1,
      already_member: false,
    });
    // Twice, to be sure: a preview is no use.
    expect((await preview(server, me, { token: reg.claimToken })).status).toBe(200);
    expect((await usedCount(server, reg.tenantId)).map((t) => t.used_count)).toEqual([0]);
    expect(await eventsOf(server, reg.tenantId, "tenant.claimed")).toEqual([]);
    expect((await server.request("/auth/me", { token: me.jwt })).body.memberships).toEqual([]);
    expect((await claim(server, me, { token: reg.claimToken })).status).toBe(201);
  });

  it("reports a link's role and uses left, and already_member for an identity that is in", async () => {
    const { reg, owner } = await ownedTenant(server);
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member", max_uses: 3 } });
    await joinAs(server, reg, await human(), "member");
    await claim(server, await human(), { token: link.body.token });
    const mine = await preview(server, owner, { token: link.body.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ role: "member", uses_left: 2, already_member: true, expires_at: link.body.expires_at });
    // The claim agrees with what the preview said.
    expect((await claim(server, owner, { token: link.body.token })).body.error.code).toBe("already_member");
    expect((await preview(server, await human(), { token: link.body.token })).body.already_member).toBe(false);
  });

  it("previews another tenant's token for an identity that belongs elsewhere: holding the token is the proof", async () => {
    const { owner } = await ownedTenant(server);
    const other = await registerTenant(server, { active: true });
    const res = await preview(server, owner, { token: other.claimToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenant: { id: other.tenantId }, role: "owner", already_member: false });
    expect((await usedCount(server, other.tenantId))[0]!.used_count).toBe(0);
  });

  it("shows a rejected or suspended tenant with its status; the claim is then refused with it", async () => {
    const reg = await registerTenant(server, { active: true });
    await setTenantStatus(server, reg.tenantId, "suspended");
    const me = await human();
    const res = await preview(server, me, { token: reg.claimToken });
    expect(res.status).toBe(200);
    expect(res.body.tenant.status).toBe("suspended");
    expect((await claim(server, me, { token: reg.claimToken })).body.error.code).toBe("tenant_suspended");
  });

  it.each([
    [
      "claim_token_expired",
      async (reg: Registered) => {
        await server.deps.db.asPlatform((tx) =>
          tx
            .updateTable("claim_tokens")
            .set({ expires_at: new Date(Date.now() - 1000) })
            .where("tenant_id", "=", reg.tenantId)
            .execute(),
        );
        return reg.claimToken;
      },
    ],
    [
      "claim_token_fully_redeemed",
      async (reg: Registered) => {
        await claim(server, await human(), { token: reg.claimToken });
        return reg.claimToken;
      },
    ],
    [
      "claim_token_invalid",
      async (reg: Registered) => {
        await server.deps.db.asPlatform((tx) =>
          tx.updateTable("claim_tokens").set({ revoked_at: new Date() }).where("tenant_id", "=", reg.tenantId).execute(),
        );
        return reg.claimToken;
      },
    ],
    ["claim_token_invalid", async () => generateToken(CLAIM_TOKEN_PREFIX)],
    ["claim_token_invalid", async (reg: Registered) => `${reg.claimToken.slice(0, -1)}${reg.claimToken.endsWith("A") ? "B" : "A"}`],
  ])("answers 400 %s exactly as POST /auth/claim does, spending nothing", async (code, prepare) => {
    const reg = await registerTenant(server, { active: true });
    const token = await prepare(reg);
    const before = await usedCount(server, reg.tenantId);
    const me = await human();
    const res = await preview(server, me, { token });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code });
    expect(await usedCount(server, reg.tenantId)).toEqual(before);
    const claimed = await claim(server, me, { token });
    expect([claimed.status, claimed.body.error.code]).toEqual([400, code]);
  });

  it.each([
    ["no body", { method: "POST" }],
    ["malformed JSON", { rawBody: '{"token":' }],
    ["missing token", { body: {} }],
    ["empty token", { body: { token: "" } }],
    ["wrong type", { body: { token: 42 } }],
    ["unknown field", { body: { token: "brct_x", tenant_id: "00000000-0000-4000-8000-000000000000" } }],
  ])("answers %s with a 400 envelope", async (_, init) => {
    const me = await human();
    const res = await server.request("/auth/claim/preview", { token: me.jwt, ...init });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe("invalid_request_error");
  });

  it("needs a signed-in identity", async () => {
    const reg = await registerTenant(server, { active: true });
    const res = await server.request("/auth/claim/preview", { body: { token: reg.claimToken } });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe("authentication_error");
  });
});

describe.each(ENGINES)("POST /auth/device/lookup on %s", (engine) => {
  let server: TestServer;
  let reg: Registered;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      redis: HAS_REDIS,
      env: { BR_TRUST_PROXY: "true", BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: "3", BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS: "5" },
    });
    reg = await registerTenant(server, { active: true, name: "Terminal Lab" });
  });
  afterAll(() => server.close());

  it("shows the terminal's tenant and role for a code in any case and without the dash, deciding nothing", async () => {
    const device = await authorize(server, reg.key);
    const me = await human();
    const res = await lookup(server, me, device.user_code.replace("-", "").toLowerCase());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: { id: reg.tenantId, slug: reg.slug, name: "Terminal Lab", status: "active" },
      role: "owner",
      expires_at: expect.stringMatching(ISO),
    });
    expect(await deviceRow(server, device.user_code)).toMatchObject({ status: "pending", linked_external_id: null });
    const poll = await server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: device.device_code } });
    expect(poll.body.error).toBe("authorization_pending");
    expect((await server.request("/auth/me", { token: me.jwt })).body.memberships).toEqual([]);
    expect((await confirm(server, me, device.user_code)).body).toMatchObject({ status: "linked", role: "owner" });
  });

  it("reports the role the identity will have: a member keeps its own, a newcomer gets the device's", async () => {
    const { reg: mine, owner } = await ownedTenant(server);
    const device = await authorize(server, mine.key, { role: "admin" });
    expect((await lookup(server, owner, device.user_code)).body.role).toBe("owner");
    expect((await lookup(server, await human(), device.user_code)).body.role).toBe("admin");
  });

  it("shows a tenant suspended since the code was issued with its status; confirm then refuses", async () => {
    const mine = await registerTenant(server, { active: true });
    const device = await authorize(server, mine.key);
    await setTenantStatus(server, mine.tenantId, "suspended");
    const me = await human();
    const res = await lookup(server, me, device.user_code);
    expect([res.status, res.body.tenant?.status]).toEqual([200, "suspended"]);
    expect((await confirm(server, me, device.user_code)).body.error.code).toBe("tenant_suspended");
  });

  it.each([
    ["an unknown code", "invalid_user_code", async () => "BCDF-GHJK"],
    ["a code that cannot exist", "invalid_user_code", async () => "AEIO-U123"],
    [
      "a used code",
      "invalid_user_code",
      async () => {
        const device = await authorize(server, reg.key);
        await confirm(server, await human(), device.user_code);
        return device.user_code;
      },
    ],
    [
      "an expired code",
      "user_code_expired",
      async () => {
        const device = await authorize(server, reg.key);
        await server.deps.db.asPlatform((tx) =>
          tx
            .updateTable("device_authorizations")
            .set({ expires_at: new Date(Date.now() - 1000) })
            .where("user_code", "=", device.user_code.replace("-", ""))
            .execute(),
        );
        return device.user_code;
      },
    ],
  ])("answers %s with 400 %s, as confirm does", async (_, code, prepare) => {
    const userCode = await prepare();
    const looked = await lookup(server, await human(), userCode);
    const confirmed = await confirm(server, await human(), userCode);
    expect([looked.status, looked.body.error.code]).toEqual([400, code]);
    expect([confirmed.status, confirmed.body.error.code]).toEqual([400, code]);
  });

  it("spends the identity's wrong-code budget shared with confirm (429 + Retry-After), for both routes", async () => {
    const device = await authorize(server, reg.key);
    const me = await human();
    // 3 wrong codes in all, mixed, each from its own address: only the identity's budget runs out.
    expect((await lookup(server, me, "BBBB-BBBB")).status).toBe(400);
    expect((await confirm(server, me, "CCCC-CCCC")).status).toBe(400);
    expect((await lookup(server, me, "DDDD-DDDD")).status).toBe(400);
    for (const res of [await lookup(server, me, device.user_code), await confirm(server, me, device.user_code)]) {
      expect(res.status).toBe(429);
      expect(res.body.error.type).toBe("rate_limit_error");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Another identity still has its budget.
    expect((await lookup(server, await human(), device.user_code)).status).toBe(200);
  });

  it("does not spend a shared address budget: other identities' wrong codes never refuse a newcomer (decisions.md #102)", async () => {
    const device = await authorize(server, reg.key);
    const from = address();
    for (let i = 0; i < 3; i++) expect((await lookup(server, await human(), "FFFF-FFFF", from)).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await confirm(server, await human(), "GGGG-GGGG", from)).status).toBe(400);
    const notBlocked = [
      await lookup(server, await human(), device.user_code, from),
      await confirm(server, await human(), device.user_code, from),
    ];
    expect(notBlocked.map((r) => r.status)).toEqual([200, 200]);
  });

  it("does not spend the budget on a right code", async () => {
    const device = await authorize(server, reg.key);
    const me = await human();
    const from = address();
    for (let i = 0; i < 4; i++) expect((await lookup(server, me, device.user_code, from)).status).toBe(200);
    expect((await confirm(server, me, device.user_code, from)).status).toBe(200);
  });

  it.each([
    ["no body", { method: "POST" }],
    ["malformed JSON", { rawBody: '{"user_code":' }],
    ["missing user_code", { body: {} }],
    ["empty user_code", { body: { user_code: "" } }],
    ["wrong type", { body: { user_code: 12345678 } }],
    ["too long", { body: { user_code: "B".repeat(33) } }],
    ["unknown field", { body: { user_code: "BCDF-GHJK", action: "approve" } }],
  ])("answers %s with a 400 envelope, spending no budget", async (_, init) => {
    const me = await human();
    const from = address();
    // One more than the identity's budget of 3: none of them counts as a wrong code.
    for (let i = 0; i < 4; i++) {
      const res = await server.request("/auth/device/lookup", { token: me.jwt, headers: from, ...init });
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe("invalid_request_error");
    }
  });

  it("needs a signed-in identity", async () => {
    const res = await server.request("/auth/device/lookup", { body: { user_code: "BCDF-GHJK" } });
    expect(res.status).toBe(401);
  });
});
