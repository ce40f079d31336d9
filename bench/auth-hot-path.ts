/**
 * Auth hot path: GET /v1/tenant with a valid API key (checksum, cache, status check) against
 * GET /health (no auth) on the same server in the same run, with the in-process cache and with
 * Redis. Target: authenticated ≥ 85 % of unauthenticated throughput, zero queries once warm.
 *   npm run bench:auth-hot-path   (BENCH_SECONDS per round, BENCH_ROUNDS, BENCH_CONNECTIONS)
 *
 * The two routes alternate for several rounds and the median round ratio is reported: on a small
 * machine the load generator shares the CPUs with the server, and one long run per route let a
 * single noisy stretch decide the ratio. The server's own CPU time per request is reported too —
 * the ratio the throughput converges to once the server, not the load generator, is the bottleneck.
 */
import autocannon from "autocannon";
import { startBenchServer, type BenchServer } from "./lib/child.js";
import { machine, writeSection } from "./lib/report.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface Round {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  cpuMicros: number;
  queries: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function round(server: BenchServer, url: string, headers: Record<string, string> = {}): Promise<Round> {
  const [cpu0, q0] = [await server.cpuMicros(), await server.queries()];
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  const [cpu1, q1] = [await server.cpuMicros(), await server.queries()];
  if (result.non2xx > 0) throw new Error(`${result.non2xx} requests to ${url} failed`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuMicros: cpu1 - cpu0,
    queries: q1 - q0,
  };
}

function summarise(rounds: Round[]) {
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requests,
    cpuPerRequest: rounds.reduce((n, r) => n + r.cpuMicros, 0) / requests,
    queries: rounds.reduce((n, r) => n + r.queries, 0),
  };
}

async function measure(mode: "memory" | "redis") {
  // Always the embedded database, even when the shell has DATABASE_URL set: warm requests make no
  // query, and a shared database must not collect benchmark tenants.
  const cache = mode === "redis" ? { REDIS_URL, BR_REDIS_PREFIX: `brbench:${process.pid}:` } : { REDIS_URL: "" };
  const server = await startBenchServer({ DATABASE_URL: "", BR_MIGRATION_DATABASE_URL: "", ...cache });
  try {
    const auth = { authorization: `Bearer ${server.key}` };
    // Warm both paths (JIT, key cache, heap sizing) at full load before measuring: the first
    // seconds of a fresh process run at half speed and would otherwise land in round one.
    await autocannon({ url: `${server.url}/v1/tenant`, connections: CONNECTIONS, duration: 3, headers: auth });
    await autocannon({ url: `${server.url}/health`, connections: CONNECTIONS, duration: 3 });
    const health: Round[] = [];
    const tenant: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      health.push(await round(server, `${server.url}/health`));
      tenant.push(await round(server, `${server.url}/v1/tenant`, auth));
    }
    return {
      mode,
      health: summarise(health),
      tenant: summarise(tenant),
      ratio: median(tenant.map((t, i) => t.rps / health[i]!.rps)),
    };
  } finally {
    await server.stop();
  }
}

const results = [await measure("memory"), await measure("redis")];
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const row = (r: (typeof results)[number]) =>
  `| ${r.mode} | ${r.health.rps.toFixed(0)} | ${r.health.p50} / ${r.health.p99} | ${r.tenant.rps.toFixed(0)} | ${r.tenant.p50} / ${r.tenant.p99} | **${pct(r.ratio)}** | ${r.health.cpuPerRequest.toFixed(1)} / ${r.tenant.cpuPerRequest.toFixed(1)} (**${pct(r.health.cpuPerRequest / r.tenant.cpuPerRequest)}**) | ${r.health.queries} / ${r.tenant.queries} (${r.tenant.requests} requests) |`;
const markdown = `## Auth hot path (\`npm run bench:auth-hot-path\`)

${machine()}; autocannon, ${CONNECTIONS} connections, server in its own process. \`GET /v1/tenant\`
(API key: checksum, key cache, tenant status) against \`GET /health\` (no auth) on the same server,
alternating for ${ROUNDS} rounds of ${SECONDS} s per route; req/s and latencies are medians over the
rounds, the ratio is the median round's. Server CPU per request is the server process's CPU time
over all rounds divided by the requests served: its ratio is where throughput lands once the server,
not the load generator on the same CPUs, is the bottleneck. Target: ≥ 85 % of the unauthenticated
throughput, 0 queries warm. Both routes see the same background queries (event dispatcher and
metering timers, not counted); 0 means the authenticated requests added none.

| cache | /health req/s | p50 / p99 ms | /v1/tenant req/s | p50 / p99 ms | auth ÷ no-auth req/s | server CPU µs per request, /health / /v1/tenant (ratio) | DB queries, /health / /v1/tenant |
|---|---|---|---|---|---|---|---|
${results.map(row).join("\n")}
`;
console.log(markdown);
await writeSection("auth-hot-path", markdown);
