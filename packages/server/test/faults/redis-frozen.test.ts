import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server.js";
import { founderToken, requestTo, startSharedInstance } from "../admin/support.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { startOwnRedis, type OwnRedis } from "../support/own-redis.js";
import { POSTGRES_URL } from "../support/services.js";

/**
 * Two instances on one PostgreSQL and a Redis of the test's own, frozen with SIGSTOP: its sockets
 * stay open, so nothing closes and nothing answers. Before the fix the other instance served a
 * suspended tenant's key for the whole key-cache TTL and admin calls hung for ~46 s.
 */
describe.runIf(POSTGRES_URL)("Redis frozen (SIGSTOP) under two instances", () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    redis = await startOwnRedis();
    const start = () => startSharedInstance({ database, redisUrl: redis.url });
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    redis?.thaw();
    await a?.close();
    await b?.close();
    await redis?.kill();
    await database?.drop();
  });

  const on = requestTo;

  it("refuses a suspended tenant's key on the other instance within 2 s, and the suspension answers in time", async () => {
    const admin = await founderToken();
    const invite = await on(a, "/v1/admin/invite-codes", { token: admin, body: { max_uses: 1 } });
    const reg = await on(a, "/v1/register", {
      body: { tenant_name: "Frozen", admin_email: "f@lab.test", accept_tos: true, invite_code: invite.body.code },
    });
    const key = reg.body.api_key.key;
    expect((await on(b, "/v1/tenant", { token: key })).status).toBe(200);
    expect((await on(b, "/v1/tenant", { token: key })).status).toBe(200);

    redis.freeze();
    const asked = Date.now();
    const suspend = await on(a, `/v1/admin/tenants/${reg.body.tenant.id}/suspend`, { token: admin, method: "POST" });
    const answeredAfterMs = Date.now() - asked;
    expect(suspend.status).toBe(200);
    expect(answeredAfterMs).toBeLessThan(5_000);

    const committed = Date.now();
    let res = await on(b, "/v1/tenant", { token: key });
    while (res.status === 200 && Date.now() - committed < 2_000) {
      await new Promise((r) => setTimeout(r, 50));
      res = await on(b, "/v1/tenant", { token: key });
    }
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("tenant_suspended");
    expect(Date.now() - committed).toBeLessThanOrEqual(2_000);
  });
});
