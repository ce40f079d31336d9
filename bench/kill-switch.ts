/**
 * Kill-switch propagation between two instances sharing PostgreSQL and Redis: B has the tenant's
 * key cached as active; the tenant is suspended through A; a client hammers B over one keep-alive
 * connection until it is refused. Two figures per trial: propagation proper (A's invalidation
 * message seen on Redis → B's first refusal; a third subscriber in this process timestamps the
 * message) and end to end (suspension sent to A → B's first refusal, including A's database
 * write and admin work). 100 trials.
 *
 * Needs DATABASE_URL (a database it may create others from) and REDIS_URL.
 */
import { Redis } from "ioredis";
import { Pool } from "undici";
import { loadavg } from "node:os";
import { machine, writeSection } from "./lib/report.js";
import { fmt, percentile } from "./support/measure.js";

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error(
    "bench:kill-switch needs DATABASE_URL and REDIS_URL, e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:kill-switch",
  );
  process.exit(1);
}
// Imported after the check: the test support reads the service URLs when it loads.
// Other work on the machine skews every figure: the report says how busy it was.
const load = loadavg()[0]!;
const { startCluster, suspendThrough } = await import("../packages/server/test/data-plane/support/instances.js");

const TRIALS = process.env.BENCH_QUICK === "1" ? 10 : 100;
const BODY = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "ping" }] });

const cluster = await startCluster({ BR_LOG_LEVEL: "warn" });
const b = new Pool(cluster.b.url, { connections: 1 });
const watcher = new Redis(process.env.REDIS_URL);
let published = 0;
let armed = false;
await watcher.subscribe(`${cluster.redisPrefix}key-invalidation`);
watcher.on("message", () => {
  if (armed && !published) published = performance.now();
});
try {
  const reg = await fetch(`${cluster.a.url}/v1/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant_name: "Kill switch bench", admin_email: "bench@lab.test", accept_tos: true }),
  }).then((r) => r.json() as Promise<{ tenant: { id: string }; api_key: { key: string } }>);
  const tenantId = reg.tenant.id;
  const headers = { "content-type": "application/json", authorization: `Bearer ${reg.api_key.key}` };
  const callB = async () => {
    const res = await b.request({ method: "POST", path: "/v1/chat/completions", headers, body: BODY });
    await res.body.text();
    return res.statusCode;
  };

  const times: number[] = [];
  const propagation: number[] = [];
  const lowerBound: number[] = [];
  const refusalMs: number[] = [];
  let servedAfterConfirm = 0;
  let via = "";
  for (let trial = 0; trial < TRIALS; trial++) {
    await cluster.a.command("set-status", { tenantId, status: "active" });
    // Warm B: the active entry is in its key cache. Until B has applied the re-activation's own
    // invalidation it may still answer from the "suspended" entry of the previous trial.
    let warm = 0;
    for (let tries = 0; warm < 2; tries++) {
      if (tries > 1000) throw new Error("B does not serve the re-activated tenant");
      warm = (await callB()) === 200 ? warm + 1 : 0;
    }
    published = 0;
    armed = true;
    const start = performance.now();
    let refusedAt = 0;
    const suspended = suspendThrough(cluster.a, tenantId).then((how) => {
      via = how;
      return performance.now();
    });
    let lastServedStart = start;
    while (!refusedAt) {
      const sent = performance.now();
      const status = await callB();
      if (status === 403) {
        refusedAt = performance.now();
        refusalMs.push(refusedAt - sent);
      } else if (status === 200) lastServedStart = sent;
      else throw new Error(`B answered ${status}`);
    }
    const suspendReturned = await suspended;
    armed = false;
    if (!published) throw new Error("no invalidation message was seen on Redis");
    propagation.push(refusedAt - published);
    // B applied the invalidation after its last served request began: a lower bound.
    lowerBound.push(Math.max(0, lastServedStart - published));
    // The guarantee a caller can rely on: once A has answered, no request B receives is served.
    if (lastServedStart >= suspendReturned) servedAfterConfirm++;
    times.push(refusedAt - start);
  }
  times.sort((x, y) => x - y);
  propagation.sort((x, y) => x - y);
  lowerBound.sort((x, y) => x - y);
  refusalMs.sort((x, y) => x - y);
  const p50 = percentile(propagation, 50);
  const p99 = percentile(propagation, 99);
  const md = `
## Kill-switch propagation (\`npm run bench:kill-switch\`)

${machine()}; 1-minute load average ${fmt(load, 1)} before the run. Two BrainstormRouter processes sharing one PostgreSQL database and Redis
(pub/sub invalidation); ${TRIALS} trials. Each trial: re-activate, warm instance B's key cache, suspend
through instance A (${via === "admin API" ? "`POST /v1/admin/tenants/:id/suspend` as a platform admin" : "the instance's test hook: the status update, then the key-cache invalidation"}),
and poll B over one keep-alive connection until it refuses. *Propagation*: from the invalidation
message appearing on Redis (timestamped by a third subscriber in the benchmark process) to B's first
refusal received (an upper bound, since that request itself takes time), and from the message to
the start of B's last request still served (a lower bound). *End to end*: from sending the suspension to A
until B's first refusal, so it also holds A's PostgreSQL commit and the admin route's own work.

| | p50 ms | p99 ms | max ms |
|---|---|---|---|
| propagation (upper bound): published on Redis → B's first refusal received | ${fmt(p50, 2)} | ${fmt(p99, 2)} | ${fmt(propagation.at(-1)!, 2)} |
| propagation (lower bound): published on Redis → B's last served request sent | ${fmt(percentile(lowerBound, 50), 2)} | ${fmt(percentile(lowerBound, 99), 2)} | ${fmt(lowerBound.at(-1)!, 2)} |
| duration of B's refusing request (a cold key look-up on PostgreSQL) | ${fmt(percentile(refusalMs, 50), 2)} | ${fmt(percentile(refusalMs, 99), 2)} | ${fmt(refusalMs.at(-1)!, 2)} |
| end to end: suspend sent to A → refused on B | ${fmt(percentile(times, 50), 2)} | ${fmt(percentile(times, 99), 2)} | ${fmt(times.at(-1)!, 2)} |

Target p99 ≤ 50 ms for propagation (upper bound): ${p99 <= 50 ? "**met**" : "**not met**"}; end to end: ${percentile(times, 99) <= 50 ? "**met**" : "**not met**"}. Trials in which B still served a request sent after
A had answered the suspension: ${servedAfterConfirm} of ${TRIALS}.
`;
  console.log(md);
  if (process.env.BENCH_QUICK !== "1") await writeSection("kill-switch", md);
} finally {
  await b.close();
  watcher.disconnect();
  await cluster.close();
}
