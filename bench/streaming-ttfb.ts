/**
 * Streaming time to first byte: `stream: true` against the mock upstream directly and through
 * BrainstormRouter (auth, metering, SSE passed through chunk by chunk). Portkey is tried once and
 * reported as it behaves.
 */
import { request } from "undici";
import { loadavg } from "node:os";
import { machine, writeSection } from "./lib/report.js";
import { fmt, percentile, sequential, type Target } from "./support/measure.js";
import { startGateways, STREAM_BODY } from "./support/setup.js";

// Other work on the machine skews every figure: the report says how busy it was.
const load = loadavg()[0]!;
const quick = process.env.BENCH_QUICK === "1";
const ROUNDS = quick ? 1 : 4;
const PER_ROUND = quick ? 50 : 500;

const gw = await startGateways();
try {
  const targets: Target[] = [gw.direct, gw.brainstormrouter];
  for (const t of targets) await sequential(t, STREAM_BODY, 100, "first-byte");
  const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) samples.get(t.name)!.push(...(await sequential(t, STREAM_BODY, PER_ROUND, "first-byte")));
  }
  const stat = (name: string) => {
    const sorted = samples.get(name)!.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const direct = stat("direct");
  const br = stat(gw.brainstormrouter.name);
  const portkey = await portkeyStream(gw.portkey);

  const md = `
## Streaming time to first byte (\`npm run bench:streaming-ttfb\`)

${machine()}; 1-minute load average ${fmt(load, 1)} before the run. \`stream: true\` against the mock upstream (first SSE frame written at once), ${ROUNDS * PER_ROUND}
sequential requests per target over one keep-alive connection, interleaved rounds; time from sending
the request to the first body chunk.

| | direct | BrainstormRouter (PGlite) | added |
|---|---|---|---|
| TTFB p50 ms | ${fmt(direct.p50)} | ${fmt(br.p50)} | ${fmt(br.p50 - direct.p50)} |
| TTFB p99 ms | ${fmt(direct.p99)} | ${fmt(br.p99)} | ${fmt(br.p99 - direct.p99)} |

BrainstormRouter ÷ direct at p50: ${fmt(br.p50 / direct.p50, 2)}×.

Portkey (same upstream, same request): ${portkey}
`;
  console.log(md);
  if (!quick) await writeSection("streaming-ttfb", md);
} finally {
  await gw.stop();
}

async function portkeyStream(t: Target): Promise<string> {
  const res = await request(t.url, { method: "POST", headers: { "content-type": "application/json", ...t.headers }, body: STREAM_BODY });
  const text = await res.body.text();
  if (res.statusCode === 200 && text.startsWith("data:")) return "streams (not measured here).";
  return `does not stream on Node in this version — HTTP ${res.statusCode} \`${text.slice(0, 80)}\`; its log shows
\`TypeError: immutable\` from \`ResponseService.updateHeaders\` appending headers to the upstream fetch
Response (Portkey-AI/gateway#1389, #1550: its \`@hono/node-server\` dependency \`^1.3.3\` resolves to
1.19.x, newer than the 1.14.2 it works with). No streaming comparison with Portkey is possible.`;
}
