import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { HAS_REDIS, POSTGRES_URL, REDIS_URL } from "../support/services.js";
import { founderToken, requestTo, startSharedInstance } from "./support.js";

/** Two instances behind one database and one Redis, as a scaled-out deployment runs. */
describe.runIf(HAS_REDIS && POSTGRES_URL)("suspension across instances (PostgreSQL + Redis)", () => {
  let database: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const shared = { database, redisUrl: REDIS_URL!, redisPrefix: `brt:${randomBytes(4).toString("hex")}:` };
    const start = () => startSharedInstance(shared);
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  const on = requestTo;

  it("stops the tenant's keys on the other instance too, on its very next request", async () => {
    const admin = await founderToken();
    const invite = await on(a, "/v1/admin/invite-codes", { token: admin, body: { max_uses: 1 } });
    const reg = await on(a, "/v1/register", {
      body: { tenant_name: "Scaled", admin_email: "s@lab.test", accept_tos: true, invite_code: invite.body.code },
    });
    const key = reg.body.api_key.key;
    // Cached on B.
    expect((await on(b, "/v1/tenant", { token: key })).status).toBe(200);
    expect((await on(b, "/v1/tenant", { token: key })).status).toBe(200);
    expect((await on(a, `/v1/admin/tenants/${reg.body.tenant.id}/suspend`, { token: admin, method: "POST" })).status).toBe(200);
    // Pub/sub is asynchronous: allow the message its flight, then B must refuse.
    let res = await on(b, "/v1/tenant", { token: key });
    for (let i = 0; i < 40 && res.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      res = await on(b, "/v1/tenant", { token: key });
    }
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("tenant_suspended");
  });
});
