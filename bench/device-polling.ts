/**
 * Device-token polling (RFC 8628): 1,000 simulated agents, each with its own pending device
 * authorization, poll POST /v1/auth/device/token every 5 s (and back off on `slow_down`, as the RFC
 * asks). Reports the server's CPU (its process only, from /proc) and the poll latency.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Pool } from "undici";
import { createTestDatabase } from "../packages/server/test/support/databases.js";
import { startBenchServer } from "./lib/child.js";
import { machine, writeSection } from "./lib/report.js";
import { fmt, percentile } from "./support/measure.js";

const quick = process.env.BENCH_QUICK === "1";
const AGENTS = quick ? 100 : 1000;
const INTERVAL_MS = 5_000;
const WINDOW_MS = quick ? 10_000 : 60_000;

interface Row {
  engine: string;
  polls: number;
  perSecond: number;
  cpu: number;
  p50: number;
  p99: number;
  answers: Map<string, number>;
}

async function run(engine: string, env: Record<string, string>): Promise<Row> {
  const server = await startBenchServer(env);
  const pool = new Pool(server.url, { connections: 64 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${server.key}` };
  const post = async (path: string, body: unknown) => {
    const res = await pool.request({ method: "POST", path, headers, body: JSON.stringify(body) });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  try {
    const codes: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const res = await post("/v1/auth/device/authorize", {});
      if (res.status !== 200 && res.status !== 201) throw new Error(`authorize: ${res.status} ${JSON.stringify(res.body)}`);
      codes.push(res.body.device_code as string);
    }
    const latencies: number[] = [];
    const answers = new Map<string, number>();
    let measuring = false;
    let stopped = false;
    const agent = async (code: string, startDelay: number) => {
      let interval = INTERVAL_MS;
      await sleep(startDelay);
      while (!stopped) {
        const started = performance.now();
        const res = await post("/v1/auth/device/token", { device_code: code });
        const answer = String(res.body.error ?? res.body.status ?? res.status);
        if (answer === "slow_down") interval += 5_000;
        if (measuring) {
          latencies.push(performance.now() - started);
          answers.set(answer, (answers.get(answer) ?? 0) + 1);
        }
        // As CLI clients do: wait the interval after each answer, so polls are never closer than it.
        await sleep(interval);
      }
    };
    // Agents start spread over one interval, as independent terminals would.
    const running = codes.map((code, i) => agent(code, (i / AGENTS) * INTERVAL_MS));
    await sleep(INTERVAL_MS + 1_000);
    const cpuBefore = cpuSeconds(server.process.pid!);
    measuring = true;
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = (cpuSeconds(server.process.pid!) - cpuBefore) / elapsed;
    stopped = true;
    await Promise.all(running);
    latencies.sort((a, b) => a - b);
    return {
      engine,
      polls: latencies.length,
      perSecond: latencies.length / elapsed,
      cpu,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      answers,
    };
  } finally {
    await pool.close();
    await server.stop();
  }
}

const load = loadavg()[0]!;
// The embedded default (PGlite) even when the shell has DATABASE_URL set; then PostgreSQL on a
// fresh database when DATABASE_URL is given.
const rows = [await run("PGlite (embedded)", { DATABASE_URL: "", BR_MIGRATION_DATABASE_URL: "" })];
if (process.env.DATABASE_URL) {
  const database = await createTestDatabase("postgres");
  try {
    rows.push(await run("PostgreSQL", database.env));
  } finally {
    await database.drop();
  }
}
const md = `
## Device-token polling (\`npm run bench:device-polling\`)

${machine()}; 1-minute load average ${fmt(load, 1)} before the run. ${AGENTS} pending device
authorizations (one tenant), one simulated agent each polling \`POST /v1/auth/device/token\`
${INTERVAL_MS / 1000} s after each answer (backing off on \`slow_down\` as RFC 8628 asks; at most
${AGENTS / (INTERVAL_MS / 1000)} polls/s), agents staggered over one interval, 64 keep-alive connections
shared by the agents; ${WINDOW_MS / 1000} s window after a warm-up interval. A poll of a device nobody
has decided on is answered from the shared cache (\`services/device-poll-cache.ts\`; ${process.env.REDIS_URL ? "Redis" : "in memory"} in this run)
without a database transaction; decisions and cache misses go to the database. CPU is the server
process's own (user + system), as a share of one core.

| database | polls | polls/s | server CPU | p50 ms | p99 ms | answers |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.engine} | ${r.polls} | ${fmt(r.perSecond, 1)} | ${fmt(r.cpu * 100, 1)} % | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${[...r.answers].map(([k, v]) => `${k}: ${v}`).join(", ")} |`).join("\n")}
`;
console.log(md);
if (!quick) await writeSection("device-polling", md);

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** User + system CPU seconds of a process so far (Linux /proc, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
