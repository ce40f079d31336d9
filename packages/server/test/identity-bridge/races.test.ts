import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { RACE_ENGINES } from "../support/services.js";
import { asMember, claim, human, joinAs, ownedTenant } from "./helpers.js";

const memberCount = (server: TestServer, tenantId: string) =>
  server.deps.db.asPlatform(async (tx) =>
    Number(
      (
        await tx
          .selectFrom("tenant_memberships")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("tenant_id", "=", tenantId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

const statusCounts = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe.each(RACE_ENGINES)("Identity Bridge races on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("50 identities redeeming a max_uses 5 link at once make exactly 5 memberships", async () => {
    const reg = await registerTenant(server, { active: true });
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { max_uses: 5 } });
    const people = await Promise.all(Array.from({ length: 50 }, () => human()));
    const results = await Promise.all(people.map((p) => claim(server, p, { token: link.body.token })));
    expect(statusCounts(results.map((r) => r.status))).toEqual({ 201: 5, 400: 45 });
    expect(new Set(results.filter((r) => r.status === 400).map((r) => r.body.error.code))).toEqual(new Set(["claim_token_fully_redeemed"]));
    expect(await memberCount(server, reg.tenantId)).toBe(5);
    const token = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("claim_tokens").select("used_count").where("id", "=", link.body.id).executeTakeFirstOrThrow(),
    );
    expect(token.used_count).toBe(5);
  });

  it("one identity redeeming a single-use token 20 times at once gets exactly 1 membership", async () => {
    const reg = await registerTenant(server, { active: true });
    const me = await human();
    const results = await Promise.all(Array.from({ length: 20 }, () => claim(server, me, { token: reg.claimToken })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(["already_member", "claim_token_fully_redeemed"]).toContain(r.body.error.code);
    }
    expect(await memberCount(server, reg.tenantId)).toBe(1);
  });

  it("one identity redeeming a 5-use link 20 times at once still gets 1 membership and spends 1 use", async () => {
    const reg = await registerTenant(server, { active: true });
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { max_uses: 5 } });
    const me = await human();
    const results = await Promise.all(Array.from({ length: 20 }, () => claim(server, me, { token: link.body.token })));
    expect(statusCounts(results.map((r) => r.status))).toEqual({ 201: 1, 409: 19 });
    const token = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("claim_tokens").select("used_count").where("id", "=", link.body.id).executeTakeFirstOrThrow(),
    );
    expect(token.used_count).toBe(1);
  });

  it("20 polls right after approval: exactly one 200 linked, the rest invalid_grant", async () => {
    const reg = await registerTenant(server, { active: true });
    const auth = await server.request("/v1/auth/device/authorize", { method: "POST", token: reg.key });
    expect(
      (await server.request("/auth/device/confirm", { token: (await human()).jwt, body: { user_code: auth.body.user_code } })).status,
    ).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: auth.body.device_code } }),
      ),
    );
    expect(statusCounts(results.map((r) => r.status))).toEqual({ 200: 1, 400: 19 });
    expect(results.find((r) => r.status === 200)!.body.status).toBe("linked");
    expect(new Set(results.filter((r) => r.status === 400).map((r) => r.body.error))).toEqual(new Set(["invalid_grant"]));
  });

  it.each([1, 2, 3, 4, 5])("approve and deny racing on one code end in one terminal state (round %i)", async () => {
    const reg = await registerTenant(server, { active: true });
    const auth = await server.request("/v1/auth/device/authorize", { method: "POST", token: reg.key });
    const approver = await human();
    const denier = await human();
    const [approve, deny] = await Promise.all([
      server.request("/auth/device/confirm", { token: approver.jwt, body: { user_code: auth.body.user_code, action: "approve" } }),
      server.request("/auth/device/confirm", { token: denier.jwt, body: { user_code: auth.body.user_code, action: "deny" } }),
    ]);
    const winners = [approve, deny].filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    const loser = [approve, deny].find((r) => r.status !== 200)!;
    expect([400, 409]).toContain(loser.status);
    const row = await server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("device_authorizations")
        .select(["status", "linked_external_id"])
        .where("tenant_id", "=", reg.tenantId)
        .executeTakeFirstOrThrow(),
    );
    expect(row.status).toBe(winners[0]!.body.status);
    expect(await memberCount(server, reg.tenantId)).toBe(row.status === "linked" ? 1 : 0);
    const polled = await server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: auth.body.device_code } });
    expect(polled.status === 200 ? "linked" : polled.body.error).toBe(row.status === "linked" ? "linked" : "access_denied");
  });

  it("two owners demoting each other at once leave exactly one owner", async () => {
    const { reg, owner } = await ownedTenant(server);
    const second = await human();
    const m2 = await joinAs(server, reg, second, "owner", owner);
    const [m1] = (await asMember(server, owner, reg.tenantId, "/auth/members")).body.data;
    const [a, b] = await Promise.all([
      asMember(server, owner, reg.tenantId, `/auth/members/${m2.id}`, { method: "PATCH", body: { role: "member" } }),
      asMember(server, second, reg.tenantId, `/auth/members/${m1.id}`, { method: "PATCH", body: { role: "member" } }),
    ]);
    // The loser either lost the race for the last owner (409) or was already demoted when its
    // request was authorised (403); both keep one owner.
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const owners = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("tenant_memberships").select("id").where("tenant_id", "=", reg.tenantId).where("role", "=", "owner").execute(),
    );
    expect(owners).toHaveLength(1);
  });
});
