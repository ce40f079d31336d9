import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, type TestServer } from "../support/harness.js";
import { RACE_ENGINES } from "../support/services.js";
import { founderToken, startAdminServer } from "./support.js";

describe.each(RACE_ENGINES)("admin races on %s", (engine) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startAdminServer(engine);
    admin = await founderToken();
  });
  afterAll(() => server.close());

  it.each([1, 2])("50 concurrent registrations on a 3-use code made by the admin API admit exactly 3 (round %i)", async () => {
    const created = await server.request("/v1/admin/invite-codes", { token: admin, body: { max_uses: 3 } });
    expect(created.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.request("/v1/register", {
          body: { tenant_name: `Racer ${i}`, admin_email: `racer${i}@lab.test`, accept_tos: true, invite_code: created.body.code },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 400)).toHaveLength(47);
    const list = await server.request("/v1/admin/invite-codes?limit=200", { token: admin });
    expect(list.body.data.find((i: { id: string }) => i.id === created.body.id)).toMatchObject({
      used_count: 3,
      uses_left: 0,
      status: "used_up",
    });
  });

  it("lets exactly one of 20 concurrent decisions (approve vs reject) win; history and outbox record one", async () => {
    const reg = await registerTenant(server);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.request(`/v1/admin/tenants/${reg.tenantId}/${i % 2 ? "approve" : "reject"}`, { token: admin, method: "POST" }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!.body.executed.action;
    const rows = await server.deps.db.asPlatform(async (tx) => ({
      history: await tx.selectFrom("tenant_status_history").select("to_status").where("tenant_id", "=", reg.tenantId).execute(),
      events: await tx.selectFrom("platform_events").select("type").where("tenant_id", "=", reg.tenantId).execute(),
    }));
    expect(rows.history).toHaveLength(2);
    expect(rows.events.map((e) => e.type).sort()).toEqual(
      winner === "approve_tenant" ? ["tenant.activated", "tenant.approved", "tenant.signup"] : ["tenant.rejected", "tenant.signup"],
    );
  });
});
