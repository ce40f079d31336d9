/**
 * Gateway overhead: the same ~1 kB completion from a local mock upstream, called directly,
 * through BrainstormRouter (API key + metering) and through Portkey's open-source gateway.
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
const ROUNDS = quick ? 1 : 5;
const PER_ROUND = quick ? 100 : 1000;
const SECONDS = quick ? 1 : 10;

const gw = await startGateways();
try {
  const gateways = [gw.brainstormrouter, ...(gw.brainstormrouterPg ? [gw.brainstormrouterPg] : []), gw.portkey];
  const targets: Target[] = [gw.direct, ...gateways];
  for (const t of targets) await sequential(t, CHAT_BODY, 300);

  const queriesBefore = await gw.br.queries();
  const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) samples.get(t.name)!.push(...(await sequential(t, CHAT_BODY, PER_ROUND)));
  }
  const queries = (await gw.br.queries()) - queriesBefore;
  const stats = new Map(
    targets.map((t) => {
      const sorted = samples.get(t.name)!.sort((a, b) => a - b);
      return [t.name, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }];
    }),
  );

  const rps = new Map<string, Record<number, number>>(targets.map((t) => [t.name, {}]));
  for (const connections of [16, 64]) {
    for (const t of targets) rps.get(t.name)![connections] = (await throughput(t, CHAT_BODY, connections, SECONDS)).rps;
  }

  const direct = stats.get("direct")!;
  const added = (name: string) => ({ p50: stats.get(name)!.p50 - direct.p50, p99: stats.get(name)!.p99 - direct.p99 });
  const row = (label: string, f: (name: string) => string) => `| ${label} | ${targets.map((t) => f(t.name)).join(" | ")} |`;
  const addedRow = (label: string, k: "p50" | "p99") => `| ${label} | – | ${gateways.map((g) => fmt(added(g.name)[k])).join(" | ")} |`;
  const verdict = (ok: boolean) => (ok ? "**met**" : "**not met**");
  const total = ROUNDS * PER_ROUND;
  const brs = gateways.filter((g) => g !== gw.portkey);
  const vsPortkey = (name: string, c: number) => rps.get(name)![c]! / rps.get("Portkey")![c]!;
  const verdicts = brs
    .map((g) => {
      const a = added(g.name);
      return `* ${g.name}: ${fmt(vsPortkey(g.name, 16), 2)}× Portkey's requests/s at c=16 (target ≥ 3×: ${verdict(vsPortkey(g.name, 16) >= 3)}), ${fmt(vsPortkey(g.name, 64), 2)}× at c=64; added latency at c=1 p50 ${fmt(a.p50)} ms (target ≤ 0.5: ${verdict(a.p50 <= 0.5)}), p99 ${fmt(a.p99)} ms (target ≤ 2: ${verdict(a.p99 <= 2)}).`;
    })
    .join("\n");

  const md = `
## Gateway overhead (\`npm run bench:gateway-overhead\`)

${machine()}; 1-minute load average ${fmt(load, 1)} before the run. Mock upstream (fixed ${"~1 kB"} completion, no delay), BrainstormRouter (API-key auth,
usage metering on, log level warn; on the embedded PGlite and, when \`DATABASE_URL\` is set, on
PostgreSQL) and Portkey's gateway (\`@portkey-ai/gateway\`
from npm, \`start-server.js --headless\`, pinned to 127.0.0.1), each in its own process on the same
2-core machine as the load generator. Concurrency 1: ${total} sequential requests per target over one
keep-alive connection, in ${ROUNDS} interleaved rounds. Concurrency 16/64: autocannon, ${SECONDS} s per target.

| | ${targets.map((t) => t.name).join(" | ")} |
|${"---|".repeat(targets.length + 1)}
${row("p50 ms, c=1", (n) => fmt(stats.get(n)!.p50))}
${row("p99 ms, c=1", (n) => fmt(stats.get(n)!.p99))}
${addedRow("added p50 ms vs direct", "p50")}
${addedRow("added p99 ms vs direct", "p99")}
${row("req/s, c=16", (n) => Math.round(rps.get(n)![16]!).toString())}
${row("req/s, c=64", (n) => Math.round(rps.get(n)![64]!).toString())}

${verdicts}
* Database queries on the request path of the PGlite instance during its ${total} concurrency-1
  requests: ${queries} (the usage batches, one transaction per second, and the background workers'
  polling run outside the request path and are not counted).
`;
  console.log(md);
  if (!quick) await writeSection("gateway-overhead", md);
} finally {
  await gw.stop();
}
