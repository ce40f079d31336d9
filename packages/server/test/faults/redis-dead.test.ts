import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyCache } from "../../src/auth/api-key/key-cache.js";
import { keyRecord as record } from "../support/key-record.js";
import { MemoryCache } from "../../src/cache/memory.js";
import { asMember, human, joinAs, ownedTenant } from "../identity-bridge/helpers.js";
import { humanToken, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { startOwnRedis, type OwnRedis } from "../support/own-redis.js";
import { SLACK_SIGNING_SECRET, slackRequest } from "../admin/support.js";

/** A shared cache whose broadcasts fail while `failing` is set. */
class FailingPublish extends MemoryCache {
  failing = false;
  override async publish(channel: string, message: string) {
    if (this.failing) throw new Error("publish failed");
    await super.publish(channel, message);
  }
}

describe("KeyCache when a broadcast fails", () => {
  it("resolves anyway, drops the entry here, stops caching, and resumes once a probe comes back", async () => {
    const shared = new FailingPublish();
    const cache = new KeyCache(shared, 30_000);
    await cache.start();
    cache.set("h1", record("k1", "t1"), cache.currentGeneration());
    cache.set("h2", record("k2", "t2"), cache.currentGeneration());
    shared.failing = true;
    await expect(cache.invalidate({ keyIds: ["k1"] })).resolves.toBeUndefined();
    expect(cache.get("h1")).toBeUndefined();
    // Other instances may not have heard of it; this one may be deaf too: nothing is cached.
    expect(cache.isCaching()).toBe(false);
    expect(cache.get("h2")).toBeUndefined();
    cache.set("h3", record("k3", "t3"), cache.currentGeneration());
    expect(cache.get("h3")).toBeUndefined();
    shared.failing = false;
    await expect.poll(() => cache.isCaching(), { timeout: 3_000 }).toBe(true);
    cache.set("h3", record("k3", "t3"), cache.currentGeneration());
    expect(cache.get("h3")).toBeDefined();
    cache.close();
  });
});

describe("committed changes while Redis is dead", () => {
  let redis: OwnRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startTestServer({
      env: { REDIS_URL: redis.url, BR_REDIS_PREFIX: "brt:dead:", BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: "user|founder@br.test" },
    });
  });
  afterAll(async () => {
    await server.close();
    await redis.kill();
  });

  it("answer revoke, member removal and suspension as the successes they are, never 500, and the keys stop working", async () => {
    const { reg, owner } = await ownedTenant(server);
    const teammate = await human("teammate");
    const membership = await joinAs(server, reg, teammate, "admin");
    const teammateKey = await asMember(server, teammate, reg.tenantId, "/auth/api-keys", { body: { name: "teammate-ci" } });
    const spare = await asMember(server, owner, reg.tenantId, "/auth/api-keys", { body: { name: "spare" } });
    const other = await registerTenant(server, { active: true });
    for (const key of [reg.key, teammateKey.body.key, spare.body.key, other.key]) {
      expect((await server.request("/v1/tenant", { token: key })).status).toBe(200);
    }

    await redis.kill();

    const revoke = await asMember(server, owner, reg.tenantId, `/auth/api-keys/${spare.body.id}`, { method: "DELETE" });
    expect(revoke.status).toBe(200);
    expect((await server.request("/v1/tenant", { token: spare.body.key })).status).toBe(401);

    const removal = await asMember(server, owner, reg.tenantId, `/auth/members/${membership.id}`, { method: "DELETE" });
    expect(removal.status).toBe(200);
    expect((await server.request("/v1/tenant", { token: teammateKey.body.key })).status).toBe(401);

    const founder = await humanToken("founder@br.test");
    const suspend = await server.request(`/v1/admin/tenants/${other.tenantId}/suspend`, { token: founder, body: {} });
    expect(suspend.status).toBe(200);
    expect((await server.request("/v1/tenant", { token: other.key })).status).toBe(403);
    expect(server.logs.join("")).toContain("could not broadcast a key-cache invalidation");
  });
});

describe("rate limits while Redis is dead", () => {
  it("fall back to in-process limiters: registration answers 202 then 429, never 500", async () => {
    const redis = await startOwnRedis();
    const server = await startTestServer({
      env: { REDIS_URL: redis.url, BR_REDIS_PREFIX: "brt:dead-limits:", BR_REGISTER_RATE_PER_MIN: "3" },
    });
    try {
      await redis.kill();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await server.request("/v1/register", { body: { tenant_name: `Dead ${i}`, admin_email: "d@lab.test", accept_tos: true } }))
            .status,
        );
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
    } finally {
      await server.close();
    }
  });
});

describe("device flow and Slack while Redis is dead", () => {
  let redis: OwnRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startTestServer({
      env: { REDIS_URL: redis.url, BR_REDIS_PREFIX: "brt:dead-device:", SLACK_SIGNING_SECRET },
    });
  });
  afterAll(async () => {
    await server.close();
    await redis.kill();
  });

  it("authorizes, polls and approves a device from the database: the poll cache is only an optimisation", async () => {
    const reg = await registerTenant(server, { active: true });
    expect((await server.request("/ready")).body).toEqual({ status: "ready", database: "ok", cache: "ok", rate_limits: "shared" });
    await redis.kill();
    // Liveness stays up; readiness says what is failing and that limits are per instance now.
    expect((await server.request("/health")).status).toBe(200);
    const ready = await server.request("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: "not_ready", database: "ok", cache: "failing", rate_limits: "local" });
    const auth = await server.request("/v1/auth/device/authorize", { method: "POST", token: reg.key });
    expect(auth.status).toBe(200);
    const pending = await server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: auth.body.device_code } });
    expect(pending.body.error).toBe("authorization_pending");
    const me = await human("device-approver");
    const confirm = await server.request("/auth/device/confirm", { token: me.jwt, body: { user_code: auth.body.user_code } });
    expect(confirm.status).toBe(200);
    const linked = await server.request("/v1/auth/device/token", { token: reg.key, body: { device_code: auth.body.device_code } });
    expect(linked.status).toBe(200);
    expect(linked.body.status).toBe("linked");
  });

  it("answers a Slack click it cannot check for replays with 503 service_unavailable and Retry-After, not 500", async () => {
    const signed = slackRequest({ type: "block_actions", user: { id: "UNOBODY" }, actions: [{ action_id: "approve_tenant", value: "x" }] });
    const res = await server.request("/webhooks/slack/action", { method: "POST", headers: signed.headers, rawBody: signed.rawBody });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ type: "api_error", code: "service_unavailable", recovery: { action: "retry" } });
    expect(res.headers.get("retry-after")).toBe("2");
  });
});
