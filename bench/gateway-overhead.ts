/**
 * Gateway overhead: the same ~1 kB completion from a local mock upstream, called directly,
 * through two floors (a raw node:http + undici proxy, a bare Hono proxy), through BrainstormRouter
 * (API key + metering; once more with a key that has a budget and an allow-list) and through
 * Portkey's open-source gateway.
 * Concurrency 1: sequential requests on one keep-alive connection, rounds interleaved so drift
 * hits every target alike. Concurrency 16 and 64: autocannon, requests per second.
 */
import { loadavg } from "node:os";
import { machine, writeSection } from "./lib/report.js";
import { fmt, percentile, sequential, throughput, type Target } from "./support/measure.js";
import { CHAT_BODY, startGateways } from "./support/setup.js";

// BENCH_QUICK=1: a smoke run of the harness itself; its figures are not worth reporting.
// Other work on the machine skews every figure: the report says how busy it was.
const load = loadavg()[0]!;
const quick = process.env.BENCH_QUICK === "1";
const RUNS = quick ? 1 : 3;
const ROUNDS = quick ? 1 : 3;
const PER_ROUND = quick ? 100 : 1000;
const SECONDS = quick ? 1 : 8;

const gw = await startGateways();
try {
  const gateways = [
    gw.rawProxy,
    gw.honoProxy,
    gw.brainstormrouter,
    gw.brainstormrouterPolicy,
    ...(gw.brainstormrouterPg ? [gw.brainstormrouterPg] : []),
    gw.portkey,
  ];
  const targets: Target[] = [gw.direct, ...gateways];
  for (const t of targets) await sequential(t, CHAT_BODY, 300);

  // Each figure is the median of RUNS whole runs (the machine's noise moves runs, not requests).
  const [plain, policy] = [gw.brainstormrouter, gw.brainstormrouterPolicy];
  const runs: {
    stats: Map<string, { p50: number; p99: number }>;
    rps: Map<string, Record<number, number>>;
    /** The PGlite instance's CPU µs per request while a target ran at c=16 (meaningful for its two keys). */
    cpu: Map<string, number>;
  }[] = [];
  const queriesBefore = await gw.br.queries();
  for (let run = 0; run < RUNS; run++) {
    const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of targets) samples.get(t.name)!.push(...(await sequential(t, CHAT_BODY, PER_ROUND)));
    }
    const runStats = new Map(
      targets.map((t) => {
        const sorted = samples.get(t.name)!.sort((a, b) => a - b);
        return [t.name, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }];
      }),
    );
    const runRps = new Map<string, Record<number, number>>(targets.map((t) => [t.name, {}]));
    // The plain and the policy key take turns going first, so drift between the two runs of a
    // pair does not always count against the same one.
    const order = run % 2 === 0 ? targets : targets.map((t) => (t === plain ? policy : t === policy ? plain : t));
    const runCpu = new Map<string, number>();
    for (const connections of [16, 64]) {
      for (const t of order) {
        const cpu0 = await gw.br.cpuMicros();
        const result = await throughput(t, CHAT_BODY, connections, SECONDS);
        runRps.get(t.name)![connections] = result.rps;
        if (connections === 16) runCpu.set(t.name, ((await gw.br.cpuMicros()) - cpu0) / result.requests);
      }
    }
    runs.push({ stats: runStats, rps: runRps, cpu: runCpu });
  }
  const queries = (await gw.br.queries()) - queriesBefore;
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const stats = new Map(
    targets.map((t) => [
      t.name,
      { p50: median(runs.map((r) => r.stats.get(t.name)!.p50)), p99: median(runs.map((r) => r.stats.get(t.name)!.p99)) },
    ]),
  );
  const rps = new Map<string, Record<number, number>>(
    targets.map((t) => [
      t.name,
      { 16: median(runs.map((r) => r.rps.get(t.name)![16]!)), 64: median(runs.map((r) => r.rps.get(t.name)![64]!)) },
    ]),
  );

  const direct = stats.get("direct")!;
  const added = (name: string) => ({ p50: stats.get(name)!.p50 - direct.p50, p99: stats.get(name)!.p99 - direct.p99 });
  const row = (label: string, f: (name: string) => string) => `| ${label} | ${targets.map((t) => f(t.name)).join(" | ")} |`;
  const addedRow = (label: string, k: "p50" | "p99") => `| ${label} | – | ${gateways.map((g) => fmt(added(g.name)[k])).join(" | ")} |`;
  const verdict = (ok: boolean) => (ok ? "**met**" : "**not met**");
  const total = RUNS * ROUNDS * PER_ROUND;
  const brs = gateways.filter((g) => g !== gw.portkey && g !== gw.rawProxy && g !== gw.honoProxy);
  const ratio = (name: string, of: Target, c: number) => rps.get(name)![c]! / rps.get(of.name)![c]!;
  const verdicts = brs
    .map((g) => {
      const a = added(g.name);
      const vsRaw = ratio(g.name, gw.rawProxy, 16);
      return `* ${g.name}: ${fmt(ratio(g.name, gw.portkey, 16), 2)}× Portkey's requests/s at c=16 (target ≥ 3×: ${verdict(ratio(g.name, gw.portkey, 16) >= 3)}), ${fmt(ratio(g.name, gw.portkey, 64), 2)}× at c=64; ${fmt(vsRaw * 100, 1)} % of the raw proxy's at c=16 (target ≥ 60 %: ${verdict(vsRaw >= 0.6)}), ${fmt(ratio(g.name, gw.honoProxy, 16) * 100, 1)} % of bare Hono's; added latency at c=1 p50 ${fmt(a.p50)} ms (target ≤ 0.5: ${verdict(a.p50 <= 0.5)}), p99 ${fmt(a.p99)} ms (target ≤ 2: ${verdict(a.p99 <= 2)}).`;
    })
    .join("\n");
  // Each run's policy/plain pair measured back to back on the same instance; the median of the pairs.
  const policyCost = 1 - median(runs.map((r) => r.rps.get(policy.name)![16]! / r.rps.get(plain.name)![16]!));
  const cpuOf = (t: Target) => median(runs.map((r) => r.cpu.get(t.name)!));

  const md = `
## Gateway overhead (\`npm run bench:gateway-overhead\`)

${machine()}; 1-minute load average ${fmt(load, 1)} before the run. Mock upstream (fixed ${"~1 kB"} completion, no delay), BrainstormRouter (API-key auth,
usage metering on, log level warn, in-process cache (Redis: \`bench:budget-cost\`); on the embedded PGlite and, when \`DATABASE_URL\` is set, on
PostgreSQL) and Portkey's gateway (\`@portkey-ai/gateway\`
from npm, \`start-server.js --headless\`, pinned to 127.0.0.1), each in its own process on the same
2-core machine as the load generator. Each figure is the median of ${RUNS} runs. Concurrency 1: ${ROUNDS * PER_ROUND}
sequential requests per target and run over one keep-alive connection, in ${ROUNDS} interleaved rounds. Concurrency 16/64:
autocannon, ${SECONDS} s per target and run.

| | ${targets.map((t) => t.name).join(" | ")} |
|${"---|".repeat(targets.length + 1)}
${row("p50 ms, c=1", (n) => fmt(stats.get(n)!.p50))}
${row("p99 ms, c=1", (n) => fmt(stats.get(n)!.p99))}
${addedRow("added p50 ms vs direct", "p50")}
${addedRow("added p99 ms vs direct", "p99")}
${row("req/s, c=16", (n) => Math.round(rps.get(n)![16]!).toString())}
${row("req/s, c=64", (n) => Math.round(rps.get(n)![64]!).toString())}

${verdicts}
* Budget + allow-list on the key (a daily budget of $1M on a priced model, \`allowed_models: ["mock-*", "echo*"]\`): ${fmt(policyCost * 100, 1)} % fewer requests/s at c=16 than the same instance with a plain key (median of the ${RUNS} runs' back-to-back pairs, the two keys taking turns to go first; target ≤ 5 %: ${verdict(policyCost <= 0.05)}); the server's CPU per request at c=16 ${fmt(cpuOf(policy), 1)} µs against ${fmt(cpuOf(plain), 1)} µs (${fmt((cpuOf(policy) / cpuOf(plain) - 1) * 100, 1)} %).
* Database queries on the request path of the PGlite instance during its 2 × ${total} concurrency-1
  requests, with and without the policy key: ${queries} (each a key look-up after its cache entry's \`BR_KEY_CACHE_TTL_MS\` of 30 s ran out, one per key
  and TTL; the usage batches and the background workers run outside the request path and are not counted).
`;
  console.log(md);
  if (!quick) await writeSection("gateway-overhead", md);
} finally {
  await gw.stop();
}
