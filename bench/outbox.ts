/**
 * Outbox throughput: deliveries per second to one subscriber whose receiver answers at once — a
 * webhook-style subscriber POSTing each event to a fake receiver on 127.0.0.1 — with the
 * dispatcher's default settings (BR_EVENTS_POLL_MS 1000, 8 in flight per subscriber). Before
 * issue 15 §3 this was 8 per poll interval: 8/s whatever the receiver did. Target: ≥ 500/s.
 *   npm run bench:outbox   (BENCH_EVENTS events per run, BENCH_BATCH per emitting transaction;
 *                           PostgreSQL too when DATABASE_URL is set)
 *
 * The server, the emitter and the dispatcher share one event loop, as they do in production; the
 * receiver runs in a process of its own, as a real one would (until 2026-12-03 it shared the loop
 * too, and its HTTP server's CPU counted against the dispatcher). The clock runs from the first
 * emit to the last receipt.
 */
import { loadavg } from "node:os";
import { Writable } from "node:stream";
import { machine, writeSection } from "./lib/report.js";
import { startProcess } from "./support/processes.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? (process.env.BENCH_QUICK === "1" ? 500 : 3000));
const BATCH = Number(process.env.BENCH_BATCH ?? 50);
// Imported late: the test support reads the service URLs when it loads.
const { loadConfig } = await import("../packages/server/src/config.js");
const { createLogger } = await import("../packages/server/src/logger.js");
const { startServer } = await import("../packages/server/src/server.js");
const { emit } = await import("../packages/server/src/events/outbox.js");
const { createTestDatabase } = await import("../packages/server/test/support/databases.js");
type Subscriber = import("../packages/server/src/events/bus.js").Subscriber;

/** The receiver, in a process of its own: its HTTP server's CPU is not the dispatcher's. */
async function startReceiver() {
  const child = await startProcess(["--import", "tsx", new URL("./support/instant-receiver.ts", import.meta.url).pathname]);
  const count = async () => (await (await fetch(child.url)).json()) as { received: number; lastAt: number };
  return { url: child.url, count, close: child.stop };
}

/** When the last of EVENTS arrived (epoch ms); asked every 50 ms, a load too small to matter. */
async function allReceived(receiver: { count(): Promise<{ received: number; lastAt: number }> }): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { received, lastAt } = await receiver.count();
    if (received >= EVENTS) return lastAt;
    if (Date.now() > deadline) throw new Error(`only ${received} of ${EVENTS} delivered in 120 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function webhook(url: string): Subscriber {
  return {
    name: "bench-webhook",
    patterns: ["tenant.claimed"],
    async handle(event, ctx) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": ctx.deliveryId },
        body: JSON.stringify(event),
        signal: ctx.signal,
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`receiver answered ${res.status}`);
    },
  };
}

const data = (n: number) => ({
  tenantId: "00000000-0000-4000-8000-000000000001",
  tenantSlug: `bench-${n}`,
  tenantName: "Bench",
  subject: `bench-${n}`,
  email: null,
  role: "member" as const,
  via: "token" as const,
  kind: "link" as const,
});

async function run(engine: "pglite" | "postgres") {
  const database = await createTestDatabase(engine);
  const receiver = await startReceiver();
  const silent = new Writable({ write: (_c, _e, done) => done() });
  const config = loadConfig({
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    BR_DATA_DIR: "memory://",
    BR_AUTH_JWT_SECRET: "bench-secret-bench-secret-bench-secret",
    BR_PUBLIC_URL: "http://br.bench",
    REDIS_URL: "",
    ...database.env,
  });
  const server = await startServer(config, createLogger("warn", silent), { subscribers: [webhook(receiver.url)] });
  try {
    const start = Date.now();
    for (let sent = 0; sent < EVENTS; sent += BATCH) {
      await server.deps.db.asPlatform(async (tx) => {
        for (let i = sent; i < Math.min(EVENTS, sent + BATCH); i++) await emit(tx, "tenant.claimed", data(i));
      });
    }
    const emittedMs = Date.now() - start;
    const totalMs = (await allReceived(receiver)) - start;
    return { engine, perSecond: (EVENTS / totalMs) * 1000, totalMs, emittedMs, pollMs: config.BR_EVENTS_POLL_MS };
  } finally {
    await server.close();
    await receiver.close();
    await database.drop();
  }
}

const RUNS = process.env.BENCH_QUICK === "1" ? 1 : 3;

/** The median run by deliveries/s, of RUNS runs on one engine after a warm-up: the figure is noisy on a shared host. */
async function medianRun(engine: "pglite" | "postgres") {
  // A run first whose figure is dropped: the first one also compiles the code paths (JIT) and
  // was 20–30 % slower than the next on the same engine.
  if (RUNS > 1) await run(engine);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(engine));
  runs.sort((a, b) => a.perSecond - b.perSecond);
  return { ...runs[Math.floor(runs.length / 2)]!, all: runs.map((r) => Math.round(r.perSecond)) };
}

const load = loadavg()[0]!;
const results = [await medianRun("pglite")];
if (process.env.DATABASE_URL) results.push(await medianRun("postgres"));
const lines = [
  "## Outbox throughput (`npm run bench:outbox`)",
  "",
  `${machine()}, load ${load.toFixed(2)} before the run. ${EVENTS} events, ${BATCH} per emitting transaction, one webhook subscriber to an instant receiver on 127.0.0.1, default dispatcher settings; median of ${RUNS} runs after a warm-up run (all ${RUNS} in brackets).`,
  "",
  "| engine | deliveries/s | runs | all delivered after | emitting took | poll interval |",
  "|---|---:|---:|---:|---:|---:|",
  ...results.map(
    (r) =>
      `| ${r.engine} | ${Math.round(r.perSecond)} | [${r.all.join(", ")}] | ${Math.round(r.totalMs)} ms | ${Math.round(r.emittedMs)} ms | ${r.pollMs} ms |`,
  ),
];
console.log(lines.join("\n"));
if (process.env.BENCH_QUICK !== "1") await writeSection("outbox", lines.join("\n"));
