/**
 * What a budget costs a proxied completion, with the in-process cache and with Redis: the same
 * PGlite server called with its plain key and with a key that has a daily budget and an
 * allow-list (decisions.md #121, #154). With Redis, a budgeted request reads its spend counters
 * (MGET) before the upstream call and charges them after; a plain one touches Redis not at all.
 *   npm run bench:budget-cost   (BENCH_SECONDS per round, BENCH_ROUNDS pairs, BENCH_CONNECTIONS)
 *
 * The two keys alternate, taking turns to go first, and each round's pair is back to back on one
 * instance; the reported cost is the median pair's. Server CPU per request is the server process's.
 */
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { startBenchServer, type BenchServer } from "./lib/child.js";
import { machine, writeSection } from "./lib/report.js";
import { fmt } from "./support/measure.js";
import { startMockUpstream } from "./support/processes.js";
import { CHAT_BODY, pricedProviders } from "./support/setup.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function load(server: BenchServer, key: string, seconds: number) {
  const cpu0 = await server.cpuMicros();
  const result = await autocannon({
    url: `${server.url}/v1/chat/completions`,
    method: "POST",
    body: CHAT_BODY,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
  });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} completions failed`);
  return { rps: result.requests.average, cpu: ((await server.cpuMicros()) - cpu0) / result.requests.total };
}

async function measure(cache: "memory" | "redis", upstreamUrl: string) {
  const server = await startBenchServer({
    BR_PROVIDERS: pricedProviders(upstreamUrl),
    DATABASE_URL: "",
    BR_MIGRATION_DATABASE_URL: "",
    REDIS_URL: cache === "redis" ? REDIS_URL : "",
  });
  try {
    await load(server, server.key, 3);
    await load(server, server.policyKey, 3);
    const pairs: { plain: Awaited<ReturnType<typeof load>>; policy: Awaited<ReturnType<typeof load>> }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        const plain = await load(server, server.key, SECONDS);
        pairs.push({ plain, policy: await load(server, server.policyKey, SECONDS) });
      } else {
        const policy = await load(server, server.policyKey, SECONDS);
        pairs.push({ policy, plain: await load(server, server.key, SECONDS) });
      }
    }
    return {
      cache,
      plainRps: median(pairs.map((p) => p.plain.rps)),
      policyRps: median(pairs.map((p) => p.policy.rps)),
      cost: median(pairs.map((p) => 1 - p.policy.rps / p.plain.rps)),
      plainCpu: median(pairs.map((p) => p.plain.cpu)),
      policyCpu: median(pairs.map((p) => p.policy.cpu)),
    };
  } finally {
    await server.stop();
  }
}

const before = loadavg()[0]!;
const upstream = await startMockUpstream(1024);
try {
  const rows = [await measure("memory", upstream.url), await measure("redis", upstream.url)];
  const md = [
    "## What a budget costs a completion (`npm run bench:budget-cost`)",
    "",
    `${machine()}, load ${before.toFixed(2)} before the run. One BrainstormRouter process (PGlite, metering on, log level warn) in front of the mock upstream (~1 kB completion, priced model), autocannon c=${CONNECTIONS}; its plain key against a key of the same tenant with a daily budget of $1M and \`allowed_models: ["mock-*", "echo*"]\`, in ${ROUNDS} back-to-back pairs of ${SECONDS} s, the keys taking turns to go first; medians of the pairs. With Redis the budgeted request reads its counters before the upstream call and charges them after (one MGET, one EVALSHA; decisions.md #154). Target (issue 12): ≤ 5 % fewer requests/s.`,
    "",
    "| cache | plain key req/s | budgeted key req/s | fewer req/s | server CPU µs per request, plain / budgeted |",
    "|---|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.cache} | ${fmt(r.plainRps, 0)} | ${fmt(r.policyRps, 0)} | **${fmt(r.cost * 100, 1)} %** | ${fmt(r.plainCpu, 1)} / ${fmt(r.policyCpu, 1)} |`,
    ),
  ].join("\n");
  console.log(md);
  if (process.env.BENCH_QUICK !== "1") await writeSection("budget-cost", md);
} finally {
  await upstream.stop();
}
