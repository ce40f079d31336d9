import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claim, human, joinAs, ownedTenant, asMember } from "../identity-bridge/helpers.js";
import { registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { FOUNDER_SUBJECT, founderToken, startAdminServer } from "./support.js";

/** DESIGN.md §9: one append-only row per mutation, in its transaction, naming no secret. */
describe.each(ENGINES)("the audit trail on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(engine);
  });
  afterAll(async () => {
    await server.close();
  });

  const rowsOf = (tenantId: string) =>
    server.deps.db.asPlatform((tx) => tx.selectFrom("audit_events").selectAll().where("tenant_id", "=", tenantId).orderBy("at").execute());
  const actions = async (tenantId: string) => (await rowsOf(tenantId)).map((r) => r.action);

  it("writes exactly one row per mutation, with actor, surface, before → after and the request id, and never a secret", async () => {
    const secrets: string[] = [];
    const reg = await registerTenant(server, { active: true });
    secrets.push(reg.key, reg.claimToken);
    const owner = await human("owner");
    expect((await claim(server, owner, { token: reg.claimToken })).status).toBe(201);
    const teammate = await human("teammate");
    const membership = await joinAs(server, reg, teammate, "member");
    const key = await asMember(server, owner, reg.tenantId, "/auth/api-keys", { body: { name: "ci-agent", role: "developer" } });
    secrets.push(key.body.key);
    expect((await asMember(server, owner, reg.tenantId, `/auth/api-keys/${key.body.id}`, { method: "DELETE" })).status).toBe(200);
    const link = await asMember(server, owner, reg.tenantId, "/auth/claim-links", { body: { role: "member" } });
    secrets.push(link.body.token);
    expect((await asMember(server, owner, reg.tenantId, `/auth/claim-links/${link.body.id}`, { method: "DELETE" })).status).toBe(200);
    const promoted = await asMember(server, owner, reg.tenantId, `/auth/members/${membership.id}`, {
      method: "PATCH",
      body: { role: "admin" },
    });
    expect(promoted.status).toBe(200);
    expect((await asMember(server, owner, reg.tenantId, `/auth/members/${membership.id}`, { method: "DELETE" })).status).toBe(200);
    for (const action of ["approve", "deny"]) {
      const device = await server.request("/v1/auth/device/authorize", { token: reg.key, body: {} });
      secrets.push(device.body.device_code, device.body.user_code);
      const confirmed = await server.request("/auth/device/confirm", {
        token: owner.jwt,
        body: { user_code: device.body.user_code, action },
      });
      expect(confirmed.status).toBe(200);
    }
    const founder = await founderToken();
    expect((await server.request(`/v1/admin/tenants/${reg.tenantId}/suspend`, { token: founder, body: { reason: "audit" } })).status).toBe(
      200,
    );
    expect((await server.request(`/v1/admin/tenants/${reg.tenantId}/approve`, { token: founder, method: "POST" })).status).toBe(200);
    // A refused mutation writes nothing.
    expect((await asMember(server, owner, reg.tenantId, `/auth/members/${membership.id}`, { method: "DELETE" })).status).toBe(404);

    expect(await actions(reg.tenantId)).toEqual([
      "tenant.signup",
      "claim.redeemed",
      "claim_link.created", // the admin key's link for the teammate
      "claim.redeemed",
      "api_key.created",
      "api_key.revoked",
      "claim_link.created",
      "claim_link.revoked",
      "member.role_changed",
      "member.removed",
      "device.approved",
      "device.denied",
      "tenant.suspended",
      "tenant.approved",
    ]);
    const rows = await rowsOf(reg.tenantId);
    const byAction = (a: string) => rows.filter((r) => r.action === a);
    expect(byAction("member.role_changed")[0]).toMatchObject({
      via: "dashboard",
      actor: { kind: "user", id: owner.subject, label: owner.email },
      target_type: "member",
      target_id: membership.id,
      changes: { role: ["member", "admin"] },
    });
    expect(byAction("claim_link.created")[0]).toMatchObject({ via: "api", actor: { kind: "api_key", id: reg.keyId } });
    expect(byAction("tenant.suspended")[0]).toMatchObject({
      via: "api",
      actor: { kind: "user", id: FOUNDER_SUBJECT },
      changes: { status: ["active", "suspended"] },
    });
    expect(byAction("tenant.signup")[0]).toMatchObject({ via: "api", changes: { status: [null, "active"] } });
    // The row carries the id the response named, on the key path and the sign-in path alike.
    const viaKey = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member" } });
    const viaSignIn = await asMember(server, owner, reg.tenantId, "/auth/claim-links", { body: { role: "member" } });
    const linkRows = (await rowsOf(reg.tenantId)).filter((r) => r.action === "claim_link.created").slice(-2);
    expect(linkRows.map((r) => r.request_id)).toEqual([viaKey.headers.get("x-br-request-id"), viaSignIn.headers.get("x-br-request-id")]);
    for (const r of rows) expect(r.request_id, r.action).toMatch(/.+/);

    const everything = JSON.stringify(await server.deps.db.asPlatform((tx) => tx.selectFrom("audit_events").selectAll().execute()));
    expect(everything.match(/.{0,60}(br_live_|brct_).{0,20}/)?.[0] ?? null).toBeNull();
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it("platform mutations write their row too: invite codes, a rejection, the browser link, a first sign-in, every proposal ending", async () => {
    const founder = await founderToken();
    const platformRows = (targetId: string) =>
      server.deps.db.asPlatform((tx) =>
        tx.selectFrom("audit_events").selectAll().where("target_id", "=", targetId).orderBy("at").execute(),
      );

    const invite = await server.request("/v1/admin/invite-codes", { token: founder, body: { note: "audit" } });
    expect((await server.request(`/v1/admin/invite-codes/${invite.body.id}`, { token: founder, method: "DELETE" })).status).toBe(200);
    const inviteRows = await platformRows(invite.body.id);
    expect(inviteRows.map((r) => [r.action, r.tenant_id, r.via])).toEqual([
      ["invite_code.created", null, "api"],
      ["invite_code.deleted", null, "api"],
    ]);
    expect(inviteRows[1]!.changes).toEqual({ status: ["active", "revoked"] });
    expect(JSON.stringify(inviteRows)).not.toContain(invite.body.code);

    const pending = await registerTenant(server);
    await server.request(`/v1/admin/tenants/${pending.tenantId}/reject`, { token: founder, body: { reason: "spam" } });
    const link = await server.request("/v1/auth/link", { token: (await registerTenant(server, { active: true })).key, method: "POST" });
    expect(link.status).toBe(201);
    const firstSignIn = await human("first");
    const provisioned = await server.request("/auth/provision", { token: firstSignIn.jwt, body: { tenant_name: "Own" } });
    expect((await platformRows(pending.tenantId)).map((r) => r.action)).toEqual(["tenant.signup", "tenant.rejected"]);
    expect((await platformRows(link.body.id)).map((r) => [r.action, r.changes])).toEqual([
      ["claim_link.created", { role: [null, "owner"] }],
    ]);
    const own = await platformRows(provisioned.body.tenant.id);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ action: "tenant.signup", via: "dashboard", actor: { kind: "user", id: firstSignIn.subject } });
    expect(own[0]!.request_id).toMatch(/.+/);

    // Each way a proposal ends: executed, declined, stale, expired (the last by the system).
    const agentActor = {
      tenantId: "",
      userId: null,
      role: "admin",
      isPlatformAdmin: false,
      isPlatformProposer: true,
      via: "jwt",
      subject: "agent|audit",
    } as const;
    const { createProposal, sweepExpiredProposals } = await import("../../src/services/admin/proposals.js");
    const target = await registerTenant(server);
    const propose = () =>
      createProposal(server.deps, agentActor, { action: "approve_tenant", target_id: target.tenantId, rationale: "audit" });
    const [executed, declined, stale, expired] = [await propose(), await propose(), await propose(), await propose()];
    await server.request(`/v1/admin/proposals/${declined.id}/decline`, { token: founder, body: { reason: "no" } });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("proposals").set({ expires_at: sql<Date>`now() - interval '1 second'` }).where("id", "=", expired.id).execute(),
    );
    await sweepExpiredProposals(server.deps);
    await server.request(`/v1/admin/proposals/${executed.id}/approve`, { token: founder, method: "POST" });
    await server.request(`/v1/admin/proposals/${stale.id}/approve`, { token: founder, method: "POST" });
    const ending = async (id: string) => (await platformRows(id)).map((r) => [r.action, r.actor.kind, r.changes]);
    expect(await ending(executed.id)).toEqual([
      ["proposal.created", "user", null],
      ["proposal.executed", "user", { status: ["open", "executed"] }],
    ]);
    expect(await ending(declined.id)).toEqual([
      ["proposal.created", "user", null],
      ["proposal.declined", "user", { status: ["open", "declined"] }],
    ]);
    expect(await ending(stale.id)).toEqual([
      ["proposal.created", "user", null],
      ["proposal.stale", "user", { status: ["open", "stale"] }],
    ]);
    expect(await ending(expired.id)).toEqual([
      ["proposal.created", "user", null],
      ["proposal.expired", "system", { status: ["open", "expired"] }],
    ]);
    const all = JSON.stringify(await server.deps.db.asPlatform((tx) => tx.selectFrom("audit_events").selectAll().execute()));
    expect(all.match(/.{0,60}(br_live_|brct_).{0,20}/)?.[0] ?? null).toBeNull();
    expect(all).not.toContain(link.body.token);
  });

  it("application roles may insert and read audit rows but never update or delete them", async () => {
    const reg = await registerTenant(server, { active: true });
    const [row] = await rowsOf(reg.tenantId);
    const attempts = [
      () => server.deps.db.asTenant(reg.tenantId, (tx) => sql`UPDATE audit_events SET action = 'x' WHERE id = ${row!.id}`.execute(tx)),
      () => server.deps.db.asTenant(reg.tenantId, (tx) => sql`DELETE FROM audit_events WHERE id = ${row!.id}`.execute(tx)),
      () => server.deps.db.asPlatform((tx) => sql`UPDATE audit_events SET action = 'x' WHERE id = ${row!.id}`.execute(tx)),
      () => server.deps.db.asPlatform((tx) => sql`DELETE FROM audit_events`.execute(tx)),
      () => server.deps.db.asPlatform((tx) => sql`TRUNCATE audit_events`.execute(tx)),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toThrow(/permission denied/);
    expect((await rowsOf(reg.tenantId))[0]).toEqual(row);
    // Another tenant's row cannot be written from a tenant's scope.
    const other = await registerTenant(server, { active: true });
    await expect(
      server.deps.db.asTenant(reg.tenantId, (tx) =>
        sql`INSERT INTO audit_events (tenant_id, action, actor, via, target_type) VALUES (${other.tenantId}, 'forged', '{}', 'api', 't')`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("/v1/tenant/audit and /auth/audit show only the caller's tenant, filtered and paged", async () => {
    const a = await ownedTenant(server);
    const b = await ownedTenant(server);
    await asMember(server, b.owner, b.reg.tenantId, "/auth/api-keys", { body: { name: "b-key" } });
    for (let i = 0; i < 3; i++) await asMember(server, a.owner, a.reg.tenantId, "/auth/api-keys", { body: { name: `a-key-${i}` } });

    const viaKey = await server.request("/v1/tenant/audit?limit=200", { token: a.reg.key });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.data.length).toBeGreaterThan(0);
    expect(new Set(viaKey.body.data.map((e: { tenant_id: string }) => e.tenant_id))).toEqual(new Set([a.reg.tenantId]));
    const viaDashboard = await asMember(server, a.owner, a.reg.tenantId, "/auth/audit?limit=200");
    expect(viaDashboard.body.data.map((e: { id: string }) => e.id)).toEqual(viaKey.body.data.map((e: { id: string }) => e.id));
    expect(JSON.stringify(viaDashboard.body)).not.toContain(b.reg.tenantId);

    const page1 = await server.request("/v1/tenant/audit?action=api_key.created&limit=2", { token: a.reg.key });
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.data.every((e: { action: string }) => e.action === "api_key.created")).toBe(true);
    const page2 = await server.request(`/v1/tenant/audit?action=api_key.created&limit=2&cursor=${page1.body.next_cursor}`, {
      token: a.reg.key,
    });
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.next_cursor).toBeNull();
    const byActor = await server.request(`/v1/tenant/audit?actor=${encodeURIComponent(a.owner.email)}`, { token: a.reg.key });
    expect(byActor.body.data.length).toBe(4); // the claim and three keys
    const future = await server.request(`/v1/tenant/audit?since=${new Date(Date.now() + 60_000).toISOString()}`, { token: a.reg.key });
    expect(future.body.data).toEqual([]);

    // The platform view filters by tenant.
    const founder = await founderToken();
    const platform = await server.request(`/v1/admin/audit?tenant_id=${b.reg.tenantId}`, { token: founder });
    expect(new Set(platform.body.data.map((e: { tenant_id: string }) => e.tenant_id))).toEqual(new Set([b.reg.tenantId]));
  });
});
