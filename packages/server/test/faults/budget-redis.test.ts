import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { startOwnRedis, type OwnRedis } from "../support/own-redis.js";
import { PRICED_PROVIDERS } from "../data-plane/support/priced-echo.js";

const chat = { model: "echo", messages: [{ role: "user", content: "how much is left in my budget today?" }] };

describe("budgets while Redis dies and comes back empty (decisions.md #121, #122)", () => {
  let redis: OwnRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startTestServer({
      env: {
        REDIS_URL: redis.url,
        BR_REDIS_PREFIX: "brt:budget:",
        BR_PROVIDERS: PRICED_PROVIDERS,
        BR_SPEND_RECONCILE_MS: "200",
        BR_USAGE_FLUSH_MS: "50",
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await redis.kill();
  });

  it("admits while the counters cannot be read, then refuses again once reconciliation restores them", async () => {
    const reg = await registerTenant(server, { active: true });
    const created = await server.request("/v1/tenant/api-keys", {
      token: reg.key,
      body: { name: "budgeted", budget_usd: 0.01, budget_period: "daily" },
    });
    const key: string = created.body.key;
    let status = 200;
    for (let i = 0; i < 30 && status === 200; i++)
      status = (await server.request("/v1/chat/completions", { token: key, body: chat })).status;
    expect(status).toBe(429);

    const port = Number(new URL(redis.url).port);
    await redis.kill();
    // A cache outage is not a platform outage: admitted, not a 500 or 503.
    const during = await server.request("/v1/chat/completions", { token: key, body: chat });
    expect(during.status).toBe(200);
    expect(server.logs.some((l) => l.includes("spend counters unreadable"))).toBe(true);

    // Back, with nothing in it: the counters are raised from the usage rollup, outage spend included.
    redis = await startOwnRedis(port);
    await expect
      .poll(async () => (await server.request("/v1/chat/completions", { token: key, body: chat })).status, {
        timeout: 15_000,
        interval: 300,
      })
      .toBe(429);
  });
});
