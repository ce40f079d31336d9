import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanToken, registerTenant, setTenantStatus, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { founderToken, startAdminServer } from "./support.js";

type Status = "active" | "pending" | "rejected" | "suspended";

/**
 * Three-layer enforcement (DESIGN.md §6): the answer each boundary gives a tenant in each status.
 * Pending tenants may still be claimed (a human can link to them and wait) and provision answers
 * them 202; everything else that is not active is refused with the status's code.
 */
const EXPECTED: Record<Status, Record<"apiKey" | "jwtRoute" | "provision" | "claim" | "deviceConfirm", [number, string?]>> = {
  active: { apiKey: [200], jwtRoute: [200], provision: [200], claim: [201], deviceConfirm: [200] },
  pending: {
    apiKey: [403, "tenant_pending"],
    jwtRoute: [403, "tenant_pending"],
    provision: [202],
    claim: [201],
    deviceConfirm: [403, "tenant_pending"],
  },
  rejected: {
    apiKey: [403, "tenant_rejected"],
    jwtRoute: [403, "tenant_rejected"],
    provision: [403, "tenant_rejected"],
    claim: [403, "tenant_rejected"],
    deviceConfirm: [403, "tenant_rejected"],
  },
  suspended: {
    apiKey: [403, "tenant_suspended"],
    jwtRoute: [403, "tenant_suspended"],
    provision: [403, "tenant_suspended"],
    claim: [403, "tenant_suspended"],
    deviceConfirm: [403, "tenant_suspended"],
  },
};

describe.each(ENGINES)("three-layer enforcement on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(engine);
  });
  afterAll(() => server.close());

  /** An active tenant with a key, a human owner, an unused claim link and a waiting device code. */
  async function tenantWithEverything() {
    const reg = await registerTenant(server, { active: true });
    const owner = await humanToken(`owner-${randomBytes(3).toString("hex")}@lab.test`);
    expect((await server.request("/auth/claim", { token: owner, body: { token: reg.claimToken } })).status).toBe(201);
    const link = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member" } });
    expect(link.status).toBe(201);
    const device = await server.request("/v1/auth/device/authorize", { token: reg.key, body: {} });
    expect(device.status).toBe(200);
    // Warm the key cache: a status change must reach cached keys too.
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    return { reg, owner, linkToken: link.body.token as string, userCode: device.body.user_code as string };
  }

  async function moveTo(tenantId: string, status: Status) {
    const admin = await founderToken();
    if (status === "suspended") {
      expect((await server.request(`/v1/admin/tenants/${tenantId}/suspend`, { token: admin, method: "POST" })).status).toBe(200);
    } else if (status !== "active") {
      // No admin transition leads from active back to pending or rejected; set it directly.
      await setTenantStatus(server, tenantId, status);
    }
  }

  it.each(Object.keys(EXPECTED) as Status[])("answers a %s tenant as documented at every boundary", async (status) => {
    const t = await tenantWithEverything();
    await moveTo(t.reg.tenantId, status);
    const newcomer = () => humanToken(`new-${randomBytes(3).toString("hex")}@lab.test`);
    const answers = {
      apiKey: await server.request("/v1/tenant", { token: t.reg.key }),
      jwtRoute: await server.request("/auth/members", { token: t.owner, headers: { "x-br-tenant-id": t.reg.tenantId } }),
      provision: await server.request("/auth/provision", { token: t.owner, body: {} }),
      claim: await server.request("/auth/claim", { token: await newcomer(), body: { token: t.linkToken } }),
      deviceConfirm: await server.request("/auth/device/confirm", { token: await newcomer(), body: { user_code: t.userCode } }),
    };
    const got = Object.fromEntries(
      Object.entries(answers).map(([k, r]) => [k, r.status >= 400 ? [r.status, r.body.error.code] : [r.status]]),
    );
    expect(got).toEqual(EXPECTED[status]);
  });
});
