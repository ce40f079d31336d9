import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { KeyCache } from "../../src/auth/api-key/key-cache.js";
import { keyRecord as record } from "../support/key-record.js";
import type { SharedCache } from "../../src/cache/interface.js";
import { MemoryCache } from "../../src/cache/memory.js";
import { RedisCache } from "../../src/cache/redis.js";
import { HAS_REDIS, REDIS_URL } from "../support/services.js";

const closers: SharedCache[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

async function cacheOn(shared: SharedCache) {
  closers.push(shared);
  const cache = new KeyCache(shared, 30_000);
  await cache.start();
  return cache;
}

describe("KeyCache", () => {
  it("drops one key, or every key of one tenant, on invalidation", async () => {
    const cache = await cacheOn(new MemoryCache());
    const g = cache.currentGeneration();
    cache.set("h1", record("k1", "t1"), g);
    cache.set("h2", record("k2", "t1"), g);
    cache.set("h3", record("k3", "t2"), g);
    await cache.invalidateKey("k1");
    expect(cache.get("h1")).toBeUndefined();
    expect(cache.get("h2")).toBeDefined();
    await cache.invalidateTenant("t1");
    expect(cache.get("h2")).toBeUndefined();
    expect(cache.get("h3")).toBeDefined();
  });

  it("does not store a look-up that began before an invalidation (no stale write-back)", async () => {
    const cache = await cacheOn(new MemoryCache());
    const startedAt = cache.currentGeneration();
    await cache.invalidateTenant("t1"); // suspension lands while the look-up is in flight
    cache.set("h1", record("k1", "t1"), startedAt);
    expect(cache.get("h1")).toBeUndefined();
  });
});

describe.runIf(HAS_REDIS)("KeyCache over Redis", () => {
  const prefix = () => `brt:${randomBytes(4).toString("hex")}:`;

  it("an invalidation on one instance reaches another through pub/sub", async () => {
    const p = prefix();
    const a = await cacheOn(new RedisCache(REDIS_URL!, { prefix: p }));
    const b = await cacheOn(new RedisCache(REDIS_URL!, { prefix: p }));
    b.set("h1", record("k1", "t1"), b.currentGeneration());
    await a.invalidateTenant("t1");
    await expect.poll(() => b.get("h1"), { timeout: 2000 }).toBeUndefined();
  });

  it("flushes everything when its subscription connection drops and comes back", async () => {
    const p = prefix();
    const shared = new RedisCache(REDIS_URL!, { prefix: p });
    const cache = await cacheOn(shared);
    cache.set("h1", record("k1", "t1"), cache.currentGeneration());
    // Kill only this instance's subscriber connection, not other suites' ones.
    const clients = String(await shared.client.call("CLIENT", "LIST", "TYPE", "pubsub"));
    const id = clients
      .split("\n")
      .find((line) => line.includes(`name=brainstormrouter-${p}`))
      ?.match(/id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await shared.client.call("CLIENT", "KILL", "ID", id!);
    await expect.poll(() => cache.get("h1"), { timeout: 5000 }).toBeUndefined();
    // And it still receives invalidations after reconnecting.
    const other = await cacheOn(new RedisCache(REDIS_URL!, { prefix: p }));
    await new Promise((r) => setTimeout(r, 300));
    cache.set("h2", record("k2", "t2"), cache.currentGeneration());
    await other.invalidateKey("k2");
    await expect.poll(() => cache.get("h2"), { timeout: 5000 }).toBeUndefined();
  });
});
