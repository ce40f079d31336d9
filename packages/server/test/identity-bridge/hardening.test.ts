import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES, HAS_REDIS, RACE_ENGINES } from "../support/services.js";
import { asMember, human, joinAs, ownedTenant, type Human } from "./helpers.js";

const freshAddress = () => ({ "x-forwarded-for": `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}` });
const confirm = (server: TestServer, who: Human, user_code: string, headers?: Record<string, string>) =>
  server.request("/auth/device/confirm", { token: who.jwt, headers, body: { user_code } });
const statusCounts = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe.each(ENGINES)("Identity Bridge hardening on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("a demoted owner's admin-role key stops working at once (401 api_key_revoked): an admin may not hold one", async () => {
    const { reg, owner: a } = await ownedTenant(server);
    const keyOf = async (role: string) =>
      (await asMember(server, a, reg.tenantId, "/auth/api-keys", { body: { name: `a-${role}`, role } })).body.key as string;
    const adminKey = await keyOf("admin");
    const developerKey = await keyOf("developer");
    // Used once first, so the key is in the key cache when the demotion lands. An owner's admin
    // key is still an admin key: it never mints owner links itself (services/owner-power.ts).
    expect((await server.request("/v1/tenant", { token: adminKey })).status).toBe(200);
    expect((await server.request("/v1/auth/link", { method: "POST", token: adminKey })).status).toBe(403);

    const b = await human("owner-b");
    await joinAs(server, reg, b, "owner", a);
    const members = (await asMember(server, b, reg.tenantId, "/auth/members")).body.data as { id: string; subject: string }[];
    const aMember = members.find((m) => m.subject === a.subject)!;
    const demoted = await asMember(server, b, reg.tenantId, `/auth/members/${aMember.id}`, { method: "PATCH", body: { role: "admin" } });
    expect(demoted.status).toBe(200);

    const link = await server.request("/v1/auth/link", { method: "POST", token: adminKey });
    expect(link.status).toBe(401);
    expect(link.body.error.code).toBe("api_key_revoked");
    // Only the keys an admin may not hold go: A's developer key keeps working.
    expect((await server.request("/v1/tenant", { token: developerKey })).status).toBe(200);
  });

  it.each(["removed", "demoted"] as const)(
    "a %s owner cannot rejoin as owner through the links they minted, nor finish their device flows",
    async (fate) => {
      const { reg, owner: a } = await ownedTenant(server);
      const b = await human("owner-b");
      await joinAs(server, reg, b, "owner", a);
      const link = await asMember(server, b, reg.tenantId, "/auth/claim-links", { body: { role: "owner", max_uses: 5 } });
      expect(link.status).toBe(201);
      const bKey = (await asMember(server, b, reg.tenantId, "/auth/api-keys", { body: { name: "b-admin", role: "admin" } })).body
        .key as string;
      const device = await server.request("/v1/auth/device/authorize", { method: "POST", token: bKey });
      expect(device.status).toBe(200);

      const members = (await asMember(server, a, reg.tenantId, "/auth/members")).body.data as { id: string; subject: string }[];
      const bMember = members.find((m) => m.subject === b.subject)!;
      const change =
        fate === "removed"
          ? await asMember(server, a, reg.tenantId, `/auth/members/${bMember.id}`, { method: "DELETE" })
          : await asMember(server, a, reg.tenantId, `/auth/members/${bMember.id}`, { method: "PATCH", body: { role: "member" } });
      expect(change.status).toBe(200);

      // Through a second identity of theirs (or an accomplice), the old owner link is dead.
      const alias = await human("b-alias");
      const reuse = await server.request("/auth/claim", { token: alias.jwt, body: { token: link.body.token } });
      expect(reuse.status).toBe(400);
      expect(reuse.body.error.code).toBe("claim_token_invalid");
      const approve = await confirm(server, alias, device.body.user_code);
      expect(approve.status).toBe(400);
      const list = (await asMember(server, a, reg.tenantId, "/auth/claim-links")).body.data as { id: string; revoked_at: string | null }[];
      expect(list.find((l) => l.id === link.body.id)?.revoked_at).not.toBeNull();
    },
  );

  it("an admin-by-user-id sign-in loses admin access when its tenant is suspended, like its keys", async () => {
    const who = await human("ops");
    const tenantId = (await server.request("/auth/provision", { token: who.jwt, body: { tenant_name: "Ops" } })).body.tenant.id;
    await setTenantStatus(server, tenantId, "active");
    const userId = await server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom("users").select("id").where("external_id", "=", who.subject).executeTakeFirstOrThrow()).id,
    );
    (server.deps.config.platformAdminIds as Set<string>).add(userId);
    try {
      expect((await server.request("/v1/admin/tenants", { token: who.jwt })).status).toBe(200);
      await setTenantStatus(server, tenantId, "suspended");
      const res = await server.request("/v1/admin/tenants", { token: who.jwt });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("not_platform_admin");
      expect((await server.request(`/v1/admin/tenants/${tenantId}/approve`, { token: who.jwt, method: "POST" })).status).toBe(403);
    } finally {
      (server.deps.config.platformAdminIds as Set<string>).delete(userId);
    }
  });

  it("an approved device polled after expiry still gets its link, not expired_token", async () => {
    const reg = await registerTenant(server, { active: true });
    const auth = await server.request("/v1/auth/device/authorize", { method: "POST", token: reg.key });
    const me = await human();
    expect((await confirm(server, me, auth.body.user_code)).status).toBe(200);
    await server.deps.db.asPlatform((tx) =>
      tx
        .updateTable("device_authorizations")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("tenant_id", "=", reg.tenantId)
        .execute(),
    );
    const late = await server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: auth.body.device_code } });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ status: "linked", user: { subject: me.subject } });
  });
});

describe.each(RACE_ENGINES)("device confirm budgets under concurrent wrong codes on %s", (engine) => {
  const IDENTITY_BUDGET = 3;
  const ADDRESS_BUDGET = 5;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      redis: HAS_REDIS,
      env: {
        BR_TRUST_PROXY: "true",
        BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: String(IDENTITY_BUDGET),
        BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS: String(ADDRESS_BUDGET),
      },
    });
  });
  afterAll(() => server.close());

  /** Queries one wrong-code look-up costs; a refused (429) attempt costs none. */
  async function queriesPerLookup() {
    const before = server.deps.db.queryCount;
    expect((await confirm(server, await human(), "BBBB-BBBB", freshAddress())).status).toBe(400);
    return server.deps.db.queryCount - before;
  }

  /** Sends every guess at once; answers the statuses and how many codes were looked up. */
  async function burst(guesses: { who: Human; from: Record<string, string> }[]) {
    const perLookup = await queriesPerLookup();
    const before = server.deps.db.queryCount;
    const results = await Promise.all(guesses.map((g) => confirm(server, g.who, "CCCC-CCCC", g.from)));
    return { statuses: statusCounts(results.map((r) => r.status)), lookups: (server.deps.db.queryCount - before) / perLookup };
  }

  it("12 concurrent wrong codes of one identity look up no more codes than its budget (3), the rest 429", async () => {
    const me = await human();
    // A different address each: only the identity budget can stop them.
    const { statuses, lookups } = await burst(Array.from({ length: 12 }, () => ({ who: me, from: freshAddress() })));
    expect(lookups).toBeLessThanOrEqual(IDENTITY_BUDGET);
    expect(statuses[400] ?? 0).toBeLessThanOrEqual(IDENTITY_BUDGET);
    expect((statuses[400] ?? 0) + (statuses[429] ?? 0)).toBe(12);
  });

  it("12 concurrent wrong codes of 12 identities behind one address are each their own identity's: none is refused (decisions.md #102)", async () => {
    const from = freshAddress();
    const people = await Promise.all(Array.from({ length: 12 }, () => human()));
    const { statuses } = await burst(people.map((who) => ({ who, from })));
    expect(statuses).toEqual({ 400: 12 });
    expect(ADDRESS_BUDGET).toBeLessThan(12);
  });
});
