/**
 * Key-cache invalidation cost: event-loop time one instance spends applying a suspension (a
 * tenant invalidation) or a revocation (a key invalidation) with 100k cached keys. Before issue 15
 * §4 every invalidation scanned the whole cache; now it deletes the entries its index names.
 * The scan is measured in the same run, over the same entries, as the reference. Target ≤ 5 ms.
 *   npm run bench:key-cache   (BENCH_KEYS cached keys, default 100000)
 */
import { loadavg } from "node:os";
import { LRUCache } from "lru-cache";
import { machine, writeSection } from "./lib/report.js";

const { KeyCache } = await import("../packages/server/src/auth/api-key/key-cache.js");
const { MemoryCache } = await import("../packages/server/src/cache/memory.js");
const { keyRecord } = await import("../packages/server/test/support/key-record.js");

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const TRIALS = 5;
// One tenant with many keys: a suspension of a busy tenant removes all of them.
const BUSY_KEYS = 1_000;

async function filledCache() {
  const cache = new KeyCache(new MemoryCache(), 600_000, undefined, KEYS + BUSY_KEYS);
  await cache.start();
  const g = cache.currentGeneration();
  for (let i = 0; i < KEYS; i++) cache.set(`h${i}`, keyRecord(`k${i}`, `t${i}`), g);
  for (let i = 0; i < BUSY_KEYS; i++) cache.set(`busy${i}`, keyRecord(`kb${i}`, "busy"), g);
  return cache;
}

/** Milliseconds of synchronous work: invalidate() applies locally before its first await. */
function timed(run: () => Promise<void>): { ms: number; done: Promise<void> } {
  const start = performance.now();
  const done = run();
  return { ms: performance.now() - start, done };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const figures = { tenant: [] as number[], busy: [] as number[], key: [] as number[], scan: [] as number[] };
for (let t = 0; t < TRIALS; t++) {
  const cache = await filledCache();
  const tenant = timed(() => cache.invalidateTenant(`t${t * 7}`));
  await tenant.done;
  const busy = timed(() => cache.invalidateTenant("busy"));
  await busy.done;
  const key = timed(() => cache.invalidateKey(`k${t * 11 + 1}`));
  await key.done;
  if (cache.get(`h${t * 7}`) !== undefined || cache.get("busy0") !== undefined) throw new Error("invalidation left an entry");
  figures.tenant.push(tenant.ms);
  figures.busy.push(busy.ms);
  figures.key.push(key.ms);
  // The reference: the loop every invalidation used to run, over an LRU cache of the same entries.
  const old = new LRUCache<string, { record: ReturnType<typeof keyRecord> }>({ max: KEYS, ttl: 600_000 });
  for (let i = 0; i < KEYS; i++) old.set(`h${i}`, { record: keyRecord(`k${i}`, `t${i}`) });
  const start = performance.now();
  for (const [hash, { record }] of old.entries()) if (record.tenantId === `t${t * 7}`) old.delete(hash);
  figures.scan.push(performance.now() - start);
  cache.close();
}

const ms = (xs: number[]) => `${median(xs).toFixed(3)} ms`;
const report = `## Key-cache invalidation (\`npm run bench:key-cache\`)

${machine()}, load average ${loadavg()
  .map((l) => l.toFixed(2))
  .join(" / ")}. ${KEYS.toLocaleString("en")} cached keys (one per tenant) plus one tenant with ${BUSY_KEYS.toLocaleString("en")}
keys, in one KeyCache; event-loop time of the local apply, median of ${TRIALS} trials (every other
instance runs the same apply when the broadcast arrives).

| invalidation | event-loop time |
| --- | --- |
| suspension of a one-key tenant | ${ms(figures.tenant)} |
| suspension of a ${BUSY_KEYS.toLocaleString("en")}-key tenant | ${ms(figures.busy)} |
| revocation of one key | ${ms(figures.key)} |
| reference: the old scan of ${KEYS.toLocaleString("en")} LRU entries for one tenant | ${ms(figures.scan)} |

Target (issue 15 §4): ≤ 5 ms for a suspension with 100k cached keys.`;

process.stdout.write(`${report}\n`);
if (process.env.BENCH_QUICK !== "1") await writeSection("key-cache", report);
