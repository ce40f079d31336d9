import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { human } from "./helpers.js";

// Issue 3, "Done when": the whole Identity Bridge story over HTTP.
describe.each(ENGINES)("Identity Bridge story on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("register → claim → /auth/me → member link → second identity → device flow → switch tenants", async () => {
    // An agent registers a tenant and hands the claim URL to its human.
    const agent = await registerTenant(server, { active: true, name: "Agent Lab" });
    const token = new URL(agent.claimUrl).searchParams.get("claim")!;
    expect(token).toBe(agent.claimToken);

    // The human signs in (JWT) and claims it.
    const alice = await human("alice");
    const claimed = await server.request("/auth/claim", { token: alice.jwt, body: { token } });
    expect(claimed.status).toBe(201);
    const me = await server.request("/auth/me", { token: alice.jwt });
    expect(me.body.tenant).toMatchObject({ id: agent.tenantId, name: "Agent Lab", role: "owner" });

    // Alice mints a member link on the dashboard; Bob claims it.
    const link = await server.request("/auth/claim-links", {
      token: alice.jwt,
      headers: { "x-br-tenant-id": agent.tenantId },
      body: { role: "member" },
    });
    expect(link.status).toBe(201);
    const bob = await human("bob");
    const bobClaim = await server.request("/auth/claim", { token: bob.jwt, body: { token: link.body.token } });
    expect(bobClaim.status).toBe(201);
    expect(bobClaim.body.membership.role).toBe("member");

    // A second agent's terminal links Bob by the device flow.
    const second = await registerTenant(server, { active: true, name: "Second Lab" });
    const auth = await server.request("/v1/auth/device/authorize", { method: "POST", token: second.key });
    expect(auth.status).toBe(200);
    const confirmed = await server.request("/auth/device/confirm", { token: bob.jwt, body: { user_code: auth.body.user_code } });
    expect(confirmed.status).toBe(200);
    const polled = await server.request("/v1/auth/device/token", { token: second.key, body: { device_code: auth.body.device_code } });
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ status: "linked", tenant: { id: second.tenantId }, user: { subject: bob.subject } });

    // Bob now belongs to both tenants and picks one per request.
    const inFirst = await server.request("/auth/me", { token: bob.jwt, headers: { "x-br-tenant-id": agent.tenantId } });
    const inSecond = await server.request("/auth/me", { token: bob.jwt, headers: { "x-br-tenant-id": second.tenantId } });
    expect(inFirst.body.memberships).toHaveLength(2);
    expect(inFirst.body.tenant).toMatchObject({ id: agent.tenantId, role: "member" });
    expect(inSecond.body.tenant).toMatchObject({ id: second.tenantId, role: "owner" });
    const membersFirst = await server.request("/auth/members", { token: bob.jwt, headers: { "x-br-tenant-id": agent.tenantId } });
    const membersSecond = await server.request("/auth/members", { token: bob.jwt, headers: { "x-br-tenant-id": second.tenantId } });
    expect(membersFirst.body.data.map((m: { subject: string }) => m.subject)).toEqual([alice.subject, bob.subject]);
    expect(membersSecond.body.data.map((m: { subject: string }) => m.subject)).toEqual([bob.subject]);

    // Events for the agents' operators.
    const events = await server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("platform_events")
        .select(["type", "tenant_id"])
        .where("type", "in", ["tenant.claimed", "device.linked"])
        .orderBy("created_at")
        .execute(),
    );
    expect(events).toEqual([
      { type: "tenant.claimed", tenant_id: agent.tenantId },
      { type: "tenant.claimed", tenant_id: agent.tenantId },
      { type: "device.linked", tenant_id: second.tenantId },
    ]);

    // No secret in the logs.
    const logs = server.logs.join("");
    for (const secret of [agent.key, token, link.body.token, auth.body.device_code]) expect(logs).not.toContain(secret);
  });
});
