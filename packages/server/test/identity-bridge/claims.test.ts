import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, setTenantStatus, signJwt, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { claim, eventsOf, human, ownedTenant } from "./helpers.js";

const expireToken = (server: TestServer, tenantId: string) =>
  server.deps.db.asPlatform((tx) =>
    tx
      .updateTable("claim_tokens")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("tenant_id", "=", tenantId)
      .execute(),
  );

describe.each(ENGINES)("POST /auth/claim on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("links the identity as owner: actor row (admin), membership, one use counted, tenant.claimed emitted", async () => {
    const reg = await registerTenant(server, { active: true });
    const me = await human();
    const res = await claim(server, me, { token: reg.claimToken });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toEqual({ id: reg.tenantId, slug: reg.slug, name: expect.any(String), status: "active" });
    expect(res.body.membership).toMatchObject({ role: "owner", user_id: expect.any(String), id: expect.any(String) });
    const stored = await server.deps.db.asPlatform(async (tx) => ({
      user: await tx.selectFrom("users").selectAll().where("id", "=", res.body.membership.user_id).executeTakeFirstOrThrow(),
      token: await tx.selectFrom("claim_tokens").select("used_count").where("tenant_id", "=", reg.tenantId).executeTakeFirstOrThrow(),
    }));
    expect(stored.user).toMatchObject({ tenant_id: reg.tenantId, kind: "human", external_id: me.subject, email: me.email, role: "admin" });
    expect(stored.token.used_count).toBe(1);
    const events = await eventsOf(server, reg.tenantId, "tenant.claimed");
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ tenantId: reg.tenantId, subject: me.subject, role: "owner", via: "token" });
    expect(JSON.stringify(events[0]!.data)).not.toContain("brct_");
    const meRes = await server.request("/auth/me", { token: me.jwt });
    expect(meRes.body.tenant).toMatchObject({ id: reg.tenantId, role: "owner" });
  });

  it("maps a member link to users.role developer", async () => {
    const { reg } = await ownedTenant(server);
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member" } });
    const res = await claim(server, await human(), { token: link.body.token });
    expect(res.status).toBe(201);
    const user = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("users").select("role").where("id", "=", res.body.membership.user_id).executeTakeFirstOrThrow(),
    );
    expect(user.role).toBe("developer");
  });

  it("answers the same identity claiming twice with 409 already_member, spending nothing", async () => {
    const { reg, owner } = await ownedTenant(server);
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { max_uses: 5 } });
    const res = await claim(server, owner, { token: link.body.token });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ type: "conflict_error", code: "already_member" });
    const again = await claim(server, owner, { token: reg.claimToken });
    expect(again.status).toBe(409);
    const used = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("claim_tokens").select("used_count").where("id", "=", link.body.id).executeTakeFirstOrThrow(),
    );
    expect(used.used_count).toBe(0);
  });

  it("lets an email other than admin_email claim with a valid token (proof of possession)", async () => {
    const reg = await registerTenant(server, { active: true, email: "agent-owner@corp.test" });
    const res = await claim(server, await human("someone-else"), { token: reg.claimToken });
    expect(res.status).toBe(201);
  });

  it("keeps an identity's other tenants: both memberships coexist and X-BR-Tenant-Id selects", async () => {
    const me = await human();
    const a = await registerTenant(server, { active: true });
    const b = await registerTenant(server, { active: true });
    expect((await claim(server, me, { token: a.claimToken })).status).toBe(201);
    expect((await claim(server, me, { token: b.claimToken })).status).toBe(201);
    const meRes = await server.request("/auth/me", { token: me.jwt, headers: { "x-br-tenant-id": b.tenantId } });
    expect(meRes.body.memberships.map((m: { tenant: { id: string } }) => m.tenant.id).sort()).toEqual([a.tenantId, b.tenantId].sort());
    expect(meRes.body.tenant.id).toBe(b.tenantId);
  });

  it.each([
    [
      "used up",
      "claim_token_fully_redeemed",
      "fully redeemed",
      async (s: TestServer) => {
        const reg = await registerTenant(s, { active: true });
        await claim(s, await human(), { token: reg.claimToken });
        return reg;
      },
    ],
    [
      "expired",
      "claim_token_expired",
      "expired",
      async (s: TestServer) => {
        const reg = await registerTenant(s, { active: true });
        await expireToken(s, reg.tenantId);
        return reg;
      },
    ],
    [
      "revoked",
      "claim_token_invalid",
      "not valid",
      async (s: TestServer) => {
        const reg = await registerTenant(s, { active: true });
        await s.deps.db.asPlatform((tx) =>
          tx.updateTable("claim_tokens").set({ revoked_at: new Date() }).where("tenant_id", "=", reg.tenantId).execute(),
        );
        return reg;
      },
    ],
  ])("refuses a %s token with 400 %s and creates nothing", async (_, code, words, make) => {
    const reg = await make(server);
    const me = await human();
    const res = await claim(server, me, { token: reg.claimToken });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code });
    expect(res.body.error.message).toContain(words);
    expect((await server.request("/auth/me", { token: me.jwt })).body.memberships).toEqual([]);
  });

  it("refuses unknown and mistyped tokens with claim_token_invalid", async () => {
    const reg = await registerTenant(server, { active: true });
    const other = await registerTenant(server, { active: true });
    // Well formed (checksum right) but never issued: the other tenant's token with this one's hash is not a thing.
    await server.deps.db.asPlatform((tx) => tx.deleteFrom("claim_tokens").where("tenant_id", "=", other.tenantId).execute());
    const mistyped = `${reg.claimToken.slice(0, -1)}${reg.claimToken.endsWith("x") ? "y" : "x"}`;
    for (const token of [other.claimToken, mistyped, "brct_nope"]) {
      const res = await claim(server, await human(), { token });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("claim_token_invalid");
    }
  });

  it.each(["rejected", "suspended"] as const)("refuses a claim into a %s tenant with its status code", async (status) => {
    const reg = await registerTenant(server, { active: true });
    await setTenantStatus(server, reg.tenantId, status);
    const res = await claim(server, await human(), { token: reg.claimToken });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: "permission_error", code: `tenant_${status}` });
    const used = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("claim_tokens").select("used_count").where("tenant_id", "=", reg.tenantId).executeTakeFirstOrThrow(),
    );
    expect(used.used_count).toBe(0);
  });

  it("lets a pending tenant be claimed; the owner then waits (dashboard routes answer tenant_pending)", async () => {
    const reg = await registerTenant(server);
    expect(reg.status).toBe("pending");
    const me = await human();
    const res = await claim(server, me, { token: reg.claimToken });
    expect(res.status).toBe(201);
    expect(res.body.tenant.status).toBe("pending");
    const members = await server.request("/auth/members", { token: me.jwt });
    expect(members.status).toBe(403);
    expect(members.body.error).toMatchObject({ code: "tenant_pending", recovery: { action: "wait" } });
  });

  describe("by verified email", () => {
    it("claims an unclaimed tenant whose admin_email is the verified email, listed as claimable first", async () => {
      const me = await human("admin");
      const reg = await registerTenant(server, { active: true, email: me.email });
      const before = await server.request("/auth/me", { token: me.jwt });
      expect(before.body.claimable.map((t: { id: string }) => t.id)).toEqual([reg.tenantId]);
      const res = await claim(server, me, { tenant_id: reg.tenantId });
      expect(res.status).toBe(201);
      expect(res.body.membership.role).toBe("owner");
      const after = await server.request("/auth/me", { token: me.jwt });
      expect(after.body.claimable).toEqual([]);
      expect(after.body.tenant.id).toBe(reg.tenantId);
      expect((await eventsOf(server, reg.tenantId, "tenant.claimed"))[0]!.data).toMatchObject({ via: "email" });
    });

    it("refuses an unverified email, another email, and an already claimed tenant", async () => {
      const me = await human("admin");
      const reg = await registerTenant(server, { active: true, email: me.email });
      const unverified = { ...me, jwt: await signJwt({ sub: me.subject, email: me.email, email_verified: false }) };
      const cases = [
        await claim(server, unverified, { tenant_id: reg.tenantId }),
        await claim(server, await human(), { tenant_id: reg.tenantId }),
      ];
      await claim(server, await human(), { token: reg.claimToken });
      cases.push(await claim(server, me, { tenant_id: reg.tenantId }));
      for (const res of cases) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe("email_claim_not_allowed");
      }
      const already = await claim(server, (await ownedTenant(server)).owner, { tenant_id: reg.tenantId });
      expect(already.body.error.code).toBe("email_claim_not_allowed");
    });

    it("answers 409 already_member to the claimer repeating it", async () => {
      const me = await human("admin");
      const reg = await registerTenant(server, { active: true, email: me.email });
      expect((await claim(server, me, { tenant_id: reg.tenantId })).status).toBe(201);
      const again = await claim(server, me, { tenant_id: reg.tenantId });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("already_member");
    });
  });

  it.each([
    ["malformed JSON", { rawBody: '{"token":' }],
    ["wrong type", { body: { token: 42 } }],
    ["unknown field", { body: { token: "brct_x", role: "owner" } }],
    ["both token and tenant_id", { body: { token: "brct_x", tenant_id: "8b0c1f4e-3d7a-4b7e-9d55-0a1f2b3c4d5e" } }],
    ["neither", { body: {} }],
    ["tenant_id not a uuid", { body: { tenant_id: "acme" } }],
  ])("answers %s with a 400 envelope", async (_, init) => {
    const me = await human();
    const res = await server.request("/auth/claim", { token: me.jwt, ...init });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe("invalid_request_error");
  });

  it("requires a sign-in token", async () => {
    const reg = await registerTenant(server, { active: true });
    const res = await server.request("/auth/claim", { body: { token: reg.claimToken } });
    expect(res.status).toBe(401);
    const withKey = await server.request("/auth/claim", { token: reg.key, body: { token: reg.claimToken } });
    expect(withKey.status).toBe(401);
  });
});
