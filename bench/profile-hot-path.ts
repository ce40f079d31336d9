/**
 * Where a proxied chat completion's server CPU goes: the same load as bench:gateway-overhead's
 * c=16 run against one BrainstormRouter child process under V8's sampling profiler, on PGlite and
 * (with DATABASE_URL) PostgreSQL. Every sample is charged to the first component found walking up
 * its stack from the leaf (PGlite's WASM is charged to PGlite, a socket write to Node's HTTP).
 *   npm run bench:profile-hot-path
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createTestDatabase } from "../packages/server/test/support/databases.js";
import { startBenchServer } from "./lib/child.js";
import { machine, writeSection } from "./lib/report.js";
import { fmt } from "./support/measure.js";
import { startMockUpstream } from "./support/processes.js";
import { CHAT_BODY, pricedProviders } from "./support/setup.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const quick = process.env.BENCH_QUICK === "1";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

// First match walking up from the leaf wins; order matters only where a frame could match two.
const COMPONENTS: [string, (url: string, fn: string) => boolean][] = [
  ["PGlite (usage batch, on the request thread)", (url) => url.includes("@electric-sql/pglite")],
  ["zod (request validation)", (url) => url.includes("/zod/")],
  ["undici (upstream client, llhttp)", (url) => url.includes("/undici/") || url.includes("deps/undici")],
  ["Hono + @hono/node-server", (url) => url.includes("/hono/") || url.includes("@hono/")],
  ["pino (logging)", (url) => url.includes("/pino")],
  ["prom-client (metrics)", (url) => url.includes("prom-client")],
  ["gateway code (packages/server/src)", (url) => url.includes("packages/server/src/")],
  ["Node HTTP server, sockets, streams", (url) => /node:(_http|net|internal\/(http|streams|stream_base))/.test(url)],
  ["garbage collector", (_, fn) => fn === "(garbage collector)"],
];

function shares(profile: { nodes: ProfileNode[]; samples: number[] }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map<string, number>();
  let busy = 0;
  for (const sample of profile.samples) {
    if (byId.get(sample)!.callFrame.functionName === "(idle)") continue;
    busy++;
    let component = "other (Node internals, microtasks, timers)";
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const { url, functionName } = byId.get(id)!.callFrame;
      const match = COMPONENTS.find(([, test]) => test(url, functionName));
      if (match) {
        component = match[0];
        break;
      }
    }
    counts.set(component, (counts.get(component) ?? 0) + 1);
  }
  return { busy, counts };
}

async function profileOf(engine: string, env: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "br-profile-"));
  const upstream = await startMockUpstream(1024);
  const server = await startBenchServer({ BR_PROVIDERS: pricedProviders(upstream.url), ...env });
  try {
    const run = (duration: number) =>
      autocannon({
        url: `${server.url}/v1/chat/completions`,
        method: "POST",
        body: CHAT_BODY,
        connections: 16,
        duration,
        headers: { "content-type": "application/json", authorization: `Bearer ${server.key}` },
      });
    await run(quick ? 1 : 3);
    // Profiled after the warm-up: start-up (module loading, migrations) is not in it.
    const profiler = await server.profile();
    const cpu0 = await server.cpuMicros();
    const result = await run(quick ? 1 : SECONDS);
    const cpuPerRequest = ((await server.cpuMicros()) - cpu0) / result.requests.total;
    const file = join(dir, "server.cpuprofile");
    await profiler.stop(file);
    await server.stop();
    return { engine, rps: result.requests.average, cpuPerRequest, ...shares(JSON.parse(await readFile(file, "utf8"))) };
  } finally {
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const load = loadavg()[0]!;
const results = [await profileOf("PGlite", { DATABASE_URL: "", BR_MIGRATION_DATABASE_URL: "" })];
if (process.env.DATABASE_URL) {
  const database = await createTestDatabase("postgres");
  try {
    results.push(await profileOf("PostgreSQL", database.env));
  } finally {
    await database.drop();
  }
}
const names = [...COMPONENTS.map(([n]) => n), "other (Node internals, microtasks, timers)"];
const row = (name: string) => `| ${name} | ${results.map((r) => `${fmt((100 * (r.counts.get(name) ?? 0)) / r.busy, 1)} %`).join(" | ")} |`;
const md = `
## Where a proxied completion's CPU goes (\`npm run bench:profile-hot-path\`)

${machine()}; 1-minute load average ${fmt(load, 1)} before the run. The c=16 chat load of
bench:gateway-overhead (mock upstream, ~1 kB completion, priced model, metering on, log level warn)
for ${SECONDS} s against one server process under V8's sampling profiler (which itself costs a little).
Shares are of the server's busy samples (idle excluded); a sample belongs to the first component on
its stack counted from the leaf.

| | ${results.map((r) => r.engine).join(" | ")} |
|${"---|".repeat(results.length + 1)}
| requests/s (profiled) | ${results.map((r) => Math.round(r.rps)).join(" | ")} |
| server CPU µs per request | ${results.map((r) => fmt(r.cpuPerRequest, 0)).join(" | ")} |
${names.map(row).join("\n")}
`;
console.log(md);
if (!quick) await writeSection("profile-hot-path", md);
