import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryCache } from "../../src/cache/memory.js";
import { ADMISSION_READ_MS, type BudgetCrossing, SpendLedger } from "../../src/governance/spend-ledger.js";
import type { Budget } from "../../src/governance/policy.js";
import { createLogger } from "../../src/logger.js";
import { Database } from "../../src/store/db.js";

/** The shared counters, with their reads and increments counted: each one a command to Redis. */
class CountedCache extends MemoryCache {
  reads = 0;
  increments = 0;
  override async counters(keys: readonly string[]) {
    this.reads++;
    return super.counters(keys);
  }
  override async incrBy(key: string, by: number, ttlMs: number) {
    this.increments++;
    return super.incrBy(key, by, ttlMs);
  }
}

const budget: Budget = {
  scope: "key",
  id: "0c6f5b8e-4c1e-4f55-9a51-0d3b6f0f6a01",
  tenantId: "7d0f2b4a-1f7e-4b8e-8a3c-2f5d9e1c0b02",
  usd: 1,
  period: "daily",
};
const settled = () => new Promise((r) => setImmediate(r));

// Not used by these calls (no start, no reconcile), but the ledger's own and real.
let db: Database;
beforeAll(async () => {
  db = await Database.open({ dataDir: "memory://" });
});
afterAll(() => db.close());

const ledger = (cache: MemoryCache, onCrossing: (c: BudgetCrossing) => void = () => undefined) =>
  new SpendLedger(cache, db, createLogger("silent"), onCrossing);

/**
 * Admission reads a budget's counter at most once per ADMISSION_READ_MS on each instance, and sees
 * its own charges at once (decisions.md #155).
 */
describe("SpendLedger admission", () => {
  it("reads the counter once for the requests of one window, and again after it", async () => {
    const cache = new CountedCache();
    const spend = ledger(cache);
    const now = Date.now();
    for (let i = 0; i < 20; i++) await spend.assertWithin([budget], now + (i % ADMISSION_READ_MS));
    expect(cache.reads).toBe(1);
    await spend.assertWithin([budget], now + ADMISSION_READ_MS);
    expect(cache.reads).toBe(2);
  });

  it("refuses right after its own charge spends the budget, without another read", async () => {
    const cache = new CountedCache();
    const spend = ledger(cache);
    const now = Date.now();
    await spend.assertWithin([budget], now);
    spend.charge([budget], 1.5, now);
    await settled();
    await expect(spend.assertWithin([budget], now + 1)).rejects.toMatchObject({ code: "budget_exceeded" });
    expect(cache.reads).toBe(1);
  });

  it("sees another instance's charges once its window has passed", async () => {
    const shared = new CountedCache();
    const [a, b] = [ledger(shared), ledger(shared)];
    const now = Date.now();
    await b.assertWithin([budget], now);
    a.charge([budget], 1.5, now);
    await settled();
    // Admitted from B's read of a moment ago: the overshoot the window allows.
    await b.assertWithin([budget], now + ADMISSION_READ_MS - 1);
    await expect(b.assertWithin([budget], now + ADMISSION_READ_MS)).rejects.toMatchObject({ code: "budget_exceeded" });
  });

  it("keeps reading the shared counter where nothing has been seen: a display is never served from the window", async () => {
    const cache = new CountedCache();
    const spend = ledger(cache);
    const now = Date.now();
    await spend.assertWithin([budget], now);
    await spend.spentUsd([budget], now);
    await spend.spentUsd([budget], now);
    expect(cache.reads).toBe(3);
  });
});

describe("SpendLedger charges", () => {
  it("adds the charges of one event-loop turn to a counter with one increment, and reports a crossing once", async () => {
    const cache = new CountedCache();
    const crossings: BudgetCrossing[] = [];
    const spend = ledger(cache, (c) => crossings.push(c));
    const tenantBudget: Budget = { ...budget, scope: "tenant", id: budget.tenantId };
    for (let i = 0; i < 5; i++) spend.charge([budget, tenantBudget], 0.2);
    await settled();
    expect(cache.increments).toBe(2);
    expect(await spend.spentUsd([budget, tenantBudget])).toEqual([1, 1]);
    // 0 → 1 USD in one increment: each budget reached, reported once (no threshold crossing of its own).
    expect(crossings.map((c) => `${c.budget.scope} ${c.level}`).sort()).toEqual(["key exceeded", "tenant exceeded"]);
  });
});
