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

async function cacheOn(shared: SharedCache, ttlMs = 30_000, max?: number) {
  closers.push(shared);
  const cache = new KeyCache(shared, ttlMs, undefined, max);
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

  it("tenant invalidation removes exactly that tenant's entries, the other tenants' stay", async () => {
    const cache = await cacheOn(new MemoryCache());
    const g = cache.currentGeneration();
    for (let i = 0; i < 30; i++) cache.set(`h${i}`, record(`k${i}`, `t${i % 3}`), g);
    cache.set("unknown", null, g);
    await cache.invalidateTenant("t1");
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 1) expect(cache.get(`h${i}`)).toBeUndefined();
      else expect(cache.get(`h${i}`)).toMatchObject({ keyId: `k${i}` });
    }
    expect(cache.get("unknown")).toBeNull();
    expect(cache.indexSize()).toEqual({ keys: 20, tenants: 2 });
    // Re-cached under another tenant (a key moved): invalidating the old tenant leaves it alone.
    cache.set("h0", record("k0", "t9"), cache.currentGeneration());
    await cache.invalidateTenant("t0");
    expect(cache.get("h0")).toMatchObject({ tenantId: "t9" });
    await cache.invalidateKey("k0");
    expect(cache.get("h0")).toBeUndefined();
  });

  it("evicted and expired entries leave the invalidation index (no stale hashes pile up)", async () => {
    const cache = await cacheOn(new MemoryCache(), 30_000, 3);
    const g = cache.currentGeneration();
    for (let i = 0; i < 10; i++) cache.set(`h${i}`, record(`k${i}`, `t${i}`), g);
    expect(cache.stats().entries).toBe(3);
    expect(cache.indexSize()).toEqual({ keys: 3, tenants: 3 });
    // An evicted hash cached again must be indexed again, and invalidation still finds it.
    cache.set("h0", record("k0", "t0"), g);
    await cache.invalidateTenant("t0");
    expect(cache.get("h0")).toBeUndefined();
    expect(cache.indexSize()).toEqual({ keys: 2, tenants: 2 });

    const short = await cacheOn(new MemoryCache(), 20);
    short.set("x", record("kx", "tx"), short.currentGeneration());
    await new Promise((r) => setTimeout(r, 60));
    expect(short.get("x")).toBeUndefined();
    expect(short.indexSize()).toEqual({ keys: 0, tenants: 0 });
  });

  it("counts hits and misses on look-up, remembered unknown hashes as hits", async () => {
    const cache = await cacheOn(new MemoryCache());
    const g = cache.currentGeneration();
    cache.set("h1", record("k1", "t1"), g);
    cache.set("nope", null, g);
    cache.get("h1");
    cache.get("nope");
    cache.get("h2");
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, entries: 2 });
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
