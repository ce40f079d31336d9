import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInviteCode, humanToken, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS, RACE_ENGINES } from "../support/services.js";

const freshAddress = () => ({ "x-forwarded-for": `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}` });
const freshToken = () => humanToken(`new-${randomBytes(4).toString("hex")}@lab.test`);

describe.each(ENGINES)("POST /auth/provision and GET /auth/me on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: "user|founder@br.test" } });
  });
  afterAll(() => server.close());

  it("creates a pending tenant (202) behind the beta gate, owned by the identity", async () => {
    const token = await humanToken("pending@lab.test");
    const res = await server.request("/auth/provision", { token, body: { tenant_name: "Pending Lab" } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ created: true, role: "owner", tenant: { name: "Pending Lab", status: "pending" } });
    const again = await server.request("/auth/provision", { token, body: {} });
    expect(again.status).toBe(202);
    expect(again.body.created).toBe(false);
    expect(again.body.memberships).toHaveLength(1);
  });

  it("activates at once (201) with an invite code, and for a platform admin", async () => {
    const code = await createInviteCode(server, { maxUses: 1 });
    const invited = await server.request("/auth/provision", { token: await humanToken("invited@lab.test"), body: { invite_code: code } });
    expect(invited.status).toBe(201);
    expect(invited.body.tenant.status).toBe("active");
    // Counted as an invite redemption by the digest, like a machine registration with a code.
    const signup = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("platform_events").select("data").where("tenant_id", "=", invited.body.tenant.id).executeTakeFirstOrThrow(),
    );
    expect(signup.data).toMatchObject({ source: "oauth", viaInvite: true });
    const admin = await server.request("/auth/provision", { method: "POST", token: await humanToken("founder@br.test") });
    expect(admin.status).toBe(201);
    const me = await server.request("/auth/me", { token: await humanToken("founder@br.test") });
    expect(me.body.is_platform_admin).toBe(true);
  });

  it("refuses a bad invite code with 400 and creates nothing", async () => {
    const token = await humanToken("badcode@lab.test");
    const res = await server.request("/auth/provision", { token, body: { invite_code: "nope" } });
    expect(res.status).toBe(400);
    const me = await server.request("/auth/me", { token });
    expect(me.body.memberships).toEqual([]);
  });

  it("refuses an identity whose only tenant was rejected with 403 tenant_rejected", async () => {
    const token = await humanToken("rejected@lab.test");
    const created = await server.request("/auth/provision", { method: "POST", token });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("tenants").set({ status: "rejected" }).where("id", "=", created.body.tenant.id).execute(),
    );
    const res = await server.request("/auth/provision", { method: "POST", token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("tenant_rejected");
  });

  it("creates an active tenant (201) when the beta gate is off", async () => {
    const open = await startTestServer({ engine, env: { BR_BETA_GATE: "off" } });
    try {
      const res = await open.request("/auth/provision", { method: "POST", token: await humanToken("open@lab.test") });
      expect(res.status).toBe(201);
      expect(res.body.tenant.status).toBe("active");
    } finally {
      await open.close();
    }
  });

  it("lists claimable tenants for a verified email only", async () => {
    const reg = await registerTenant(server, { email: "claimer@lab.test" });
    const verified = await server.request("/auth/me", { token: await humanToken("claimer@lab.test") });
    expect(verified.body.claimable.map((t: { id: string }) => t.id)).toContain(reg.tenantId);
    const unverified = await server.request("/auth/me", { token: await humanToken("claimer@lab.test", { email_verified: false }) });
    expect(unverified.body.claimable).toEqual([]);
  });

  it("selects the tenant named by X-BR-Tenant-Id, and refuses one the identity is not a member of", async () => {
    const token = await humanToken("selector@lab.test");
    const own = await server.request("/auth/provision", { method: "POST", token });
    const me = await server.request("/auth/me", { token, headers: { "x-br-tenant-id": own.body.tenant.id } });
    expect(me.status).toBe(200);
    expect(me.body.tenant).toMatchObject({ id: own.body.tenant.id, role: "owner" });
    const stranger = await registerTenant(server);
    const refused = await server.request("/auth/me", { token, headers: { "x-br-tenant-id": stranger.tenantId } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("not_a_member");
    const malformed = await server.request("/auth/me", { token, headers: { "x-br-tenant-id": "not-a-uuid" } });
    expect(malformed.status).toBe(400);
  });

  it("answers bad provision input with 400 envelopes", async () => {
    const token = await humanToken("input@lab.test");
    for (const init of [{ rawBody: "{" }, { body: { tenant_name: 5 } }, { body: { unexpected: true } }]) {
      const res = await server.request("/auth/provision", { token, ...init });
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe("invalid_request_error");
    }
  });
});

describe.each(ENGINES)("POST /auth/provision guessing limits on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      redis: HAS_REDIS,
      env: {
        BR_TRUST_PROXY: "true",
        BR_INVITE_FAILURES_PER_IDENTITY: "3",
        BR_INVITE_FAILURES_PER_ADDRESS: "5",
        BR_PROVISION_RATE_PER_MIN: "10",
      },
    });
  });
  afterAll(() => server.close());

  const provisionWith = (token: string, from: Record<string, string>, invite_code?: string) =>
    server.request("/auth/provision", { token, headers: from, body: invite_code ? { invite_code } : {} });

  it("refuses the 4th wrong invite code of an identity with 429, and then even the right one", async () => {
    const code = await createInviteCode(server, { maxUses: 5 });
    const token = await freshToken();
    // A different address each time: the identity's budget alone stops the guessing.
    for (const guess of ["guess-1", "guess-2", "guess-3"]) {
      const res = await provisionWith(token, freshAddress(), guess);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invite_code_invalid");
    }
    expect((await provisionWith(token, freshAddress(), "guess-4")).status).toBe(429);
    const right = await provisionWith(token, freshAddress(), code);
    expect(right.status).toBe(429);
    expect(right.body.error.type).toBe("rate_limit_error");
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await server.request("/auth/me", { token })).body.memberships).toEqual([]);
    // The code itself is fine, and the refused attempt did not spend a use of it.
    expect((await provisionWith(await freshToken(), freshAddress(), code)).status).toBe(201);
    const invite = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("invite_codes").select("used_count").where("code", "=", code).executeTakeFirstOrThrow(),
    );
    expect(invite.used_count).toBe(1);
  });

  it("refuses wrong invite codes from one address past its budget, across identities; right codes spend none of it", async () => {
    const code = await createInviteCode(server, { maxUses: 5 });
    const from = freshAddress();
    for (let i = 0; i < 4; i++) expect((await provisionWith(await freshToken(), from, `wrong-${i}`)).status).toBe(400);
    expect((await provisionWith(await freshToken(), from, code)).status).toBe(201);
    expect((await provisionWith(await freshToken(), from, "wrong-5")).status).toBe(400);
    const blocked = await provisionWith(await freshToken(), from, "wrong-6");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBeTruthy();
    expect((await provisionWith(await freshToken(), from, code)).status).toBe(429);
  });

  it("limits provision requests per address (429 + Retry-After), whoever sends them", async () => {
    const from = freshAddress();
    for (let i = 0; i < 10; i++) expect((await provisionWith(await freshToken(), from)).status).toBe(202);
    const limited = await provisionWith(await freshToken(), from);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await provisionWith(await freshToken(), freshAddress())).status).toBe(202);
  });
});

describe.each(RACE_ENGINES)("POST /auth/provision races on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it.each([
    ["with an invite code", true],
    ["behind the beta gate", false],
  ])("6 concurrent first sign-ins of one identity (%s) make exactly 1 tenant, 1 membership, 1 signup", async (_, invited) => {
    const email = `racer-${randomBytes(4).toString("hex")}@lab.test`;
    const token = await humanToken(email);
    const code = invited ? await createInviteCode(server, { maxUses: 10 }) : undefined;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => server.request("/auth/provision", { token, body: code ? { invite_code: code } : {} })),
    );
    const tenants = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("tenants").select("id").where("admin_email", "=", email).execute(),
    );
    expect(tenants).toHaveLength(1);
    const tenantId = tenants[0]!.id;
    const memberships = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("tenant_memberships").select("tenant_id").where("external_id", "=", `user|${email}`).execute(),
    );
    expect(memberships).toEqual([{ tenant_id: tenantId }]);
    const signups = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("platform_events").select("id").where("type", "=", "tenant.signup").where("tenant_id", "=", tenantId).execute(),
    );
    expect(signups).toHaveLength(1);
    // One creator; everyone else is told about the same tenant.
    const [creator, ...others] = [...results].sort((a, b) => Number(b.body.created) - Number(a.body.created));
    expect(creator!.status).toBe(invited ? 201 : 202);
    expect(creator!.body.created).toBe(true);
    for (const r of others) {
      expect(r.status).toBe(invited ? 200 : 202);
      expect(r.body).toMatchObject({ created: false, role: "owner", tenant: { id: tenantId } });
    }
    if (code) {
      const invite = await server.deps.db.asPlatform((tx) =>
        tx.selectFrom("invite_codes").select("used_count").where("code", "=", code).executeTakeFirstOrThrow(),
      );
      expect(invite.used_count).toBe(1);
    }
  });
});
