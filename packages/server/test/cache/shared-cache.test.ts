import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SharedCache } from "../../src/cache/interface.js";
import { MemoryCache } from "../../src/cache/memory.js";
import { RedisCache } from "../../src/cache/redis.js";
import { RateLimitError } from "../../src/errors/index.js";
import type { Limits } from "../../src/limits/interface.js";
import { memoryLimits } from "../../src/limits/memory.js";
import { redisLimits } from "../../src/limits/redis.js";
import { startOwnRedis, type OwnRedis } from "../support/own-redis.js";
import { HAS_REDIS, REDIS_URL } from "../support/services.js";

const prefix = `brt:${randomBytes(4).toString("hex")}:`;
const caches: [string, () => SharedCache][] = [["memory", () => new MemoryCache()]];
if (HAS_REDIS) caches.push(["redis", () => new RedisCache(REDIS_URL!, { prefix })]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(caches)("SharedCache (%s)", (_, make) => {
  const cache = make();
  afterAll(() => cache.close());

  it("stores values until their time to live runs out", async () => {
    await cache.set("a", "1", 150);
    expect(await cache.get("a")).toBe("1");
    await sleep(300);
    expect(await cache.get("a")).toBeNull();
  });

  it("add stores only when absent", async () => {
    expect(await cache.add("once", "x", 5_000)).toBe(true);
    expect(await cache.add("once", "y", 5_000)).toBe(false);
    expect(await cache.get("once")).toBe("x");
    await cache.delete("once");
    expect(await cache.get("once")).toBeNull();
  });

  it("counters add atomically, read 0 when missing, and expire with their time to live", async () => {
    expect(await cache.counters(["c:missing"])).toEqual([0]);
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.incrBy("c:spend", 7, 5_000)));
    // Every increment saw its own total: no two concurrent charges read the same value.
    expect(new Set(results).size).toBe(50);
    expect(Math.max(...results)).toBe(350);
    expect(await cache.counters(["c:spend", "c:missing"])).toEqual([350, 0]);
    await cache.incrBy("c:short", 1, 150);
    await sleep(300);
    expect(await cache.counters(["c:short"])).toEqual([0]);
  });

  it("raiseCounter only ever raises a counter", async () => {
    await cache.raiseCounter("c:raise", 100, 5_000);
    expect(await cache.counters(["c:raise"])).toEqual([100]);
    await cache.raiseCounter("c:raise", 40, 5_000);
    expect(await cache.counters(["c:raise"])).toEqual([100]);
    await cache.incrBy("c:raise", 5, 5_000);
    await cache.raiseCounter("c:raise", 200, 5_000);
    expect(await cache.counters(["c:raise"])).toEqual([200]);
  });

  it("delivers published messages to subscribers", async () => {
    const received: string[] = [];
    await cache.subscribe(
      "chan",
      (m) => received.push(m),
      () => undefined,
    );
    await cache.publish("chan", "hello");
    await expect.poll(() => received, { timeout: 2000 }).toEqual(["hello"]);
  });
});

const limitsKinds: [string, () => Limits][] = [["memory", () => memoryLimits()]];
let redis: Redis | undefined;
if (HAS_REDIS) {
  limitsKinds.push([
    "redis",
    () => {
      redis = new Redis(REDIS_URL!);
      return redisLimits(redis);
    },
  ]);
}
afterAll(() => redis?.quit());

describe.each(limitsKinds)("Limits (%s)", (_, make) => {
  const limits = make();

  it("refuses past the budget with a RateLimitError carrying Retry-After", async () => {
    const limiter = limits.limiter({ name: `t-${randomBytes(3).toString("hex")}`, points: 2, durationSeconds: 60 });
    await limiter.consume("k");
    await limiter.assertNotBlocked("k");
    await limiter.consume("k");
    const err = await limiter.consume("k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(Number((err as RateLimitError).headers!["Retry-After"])).toBeGreaterThan(0);
    await expect(limiter.assertNotBlocked("k")).rejects.toBeInstanceOf(RateLimitError);
    await limiter.consume("other-key");
    await limiter.reset("k");
    await limiter.consume("k");
  });
});

describe.runIf(HAS_REDIS)("Limits over Redis are shared between instances", () => {
  it("two instances spend from one budget", async () => {
    const a = new Redis(REDIS_URL!);
    const b = new Redis(REDIS_URL!);
    try {
      const spec = { name: `shared-${randomBytes(3).toString("hex")}`, points: 2, durationSeconds: 60 };
      await redisLimits(a).limiter(spec).consume("ip");
      await redisLimits(b).limiter(spec).consume("ip");
      await expect(redisLimits(a).limiter(spec).consume("ip")).rejects.toBeInstanceOf(RateLimitError);
      // Another deployment on the same Redis (another BR_REDIS_PREFIX) has its own budget.
      await redisLimits(a, `brt:${randomBytes(4).toString("hex")}:`)
        .limiter(spec)
        .consume("ip");
    } finally {
      await a.quit();
      await b.quit();
    }
  });
});

/**
 * A budgeted request reads its counters and charges them in Redis (decisions.md #154): each charge
 * one command, and the commands of concurrent requests in one write. A redis-server of the test's
 * own, so that its statistics count this test's commands alone.
 */
describe("RedisCache's writes to Redis", () => {
  let redis: OwnRedis;
  let cache: RedisCache;
  let stats: Redis;
  beforeAll(async () => {
    redis = await startOwnRedis();
    cache = new RedisCache(redis.url, { prefix });
    stats = new Redis(redis.url);
    await cache.incrBy("warm", 1, 5_000);
  });
  afterAll(async () => {
    await cache.close();
    stats.disconnect();
    await redis.kill();
  });

  const info = async () => {
    const lines = (await stats.info("all")).split("\r\n").filter((l) => l.includes(":"));
    return new Map(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)] as const));
  };
  const calls = (stat: string | undefined) => Number(/calls=(\d+)/.exec(stat ?? "")?.[1] ?? 0);

  it("charges a counter with one command, no MULTI", async () => {
    const before = await info();
    await cache.incrBy("c:one", 7, 5_000);
    const after = await info();
    // One script call by its SHA; the INCRBY and PEXPIRE it runs are not commands sent.
    expect(calls(after.get("cmdstat_evalsha")) - calls(before.get("cmdstat_evalsha"))).toBe(1);
    expect(calls(after.get("cmdstat_incrby")) - calls(before.get("cmdstat_incrby"))).toBe(1);
    expect(calls(after.get("cmdstat_multi"))).toBe(0);
    expect(await stats.pttl(`${prefix}c:one`)).toBeGreaterThan(4_000);
  });

  it("sends the commands of concurrent callers in one write", async () => {
    const before = Number((await info()).get("total_reads_processed"));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? cache.incrBy(`c:${i}`, 1, 5_000) : cache.counters([`c:${i}`, "c:one"]))),
    );
    const reads = Number((await info()).get("total_reads_processed")) - before;
    // One read event for the 40 commands (a large write may arrive in two), one for the INFO.
    expect(reads).toBeLessThanOrEqual(4);
  });
});
