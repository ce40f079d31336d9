/**
 * Idle resident memory of the compiled server (`npm start`'s `node dist/main.js`), read from
 * /proc/<pid>/status five seconds after /ready answers: on PGlite when it creates its data
 * directory, when it restarts on that directory, and on PostgreSQL when DATABASE_URL is set. The
 * reference row is a bare PGlite process that creates a directory and stays open — what the
 * server did before it reopened a new directory (issue 15 §5). Target ≤ 400 MB on PGlite.
 *   npm run build && npm run bench:pglite-memory
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine, writeSection } from "./lib/report.js";

const SERVER = fileURLToPath(new URL("../packages/server/dist/main.js", import.meta.url));
const SERVER_DIR = fileURLToPath(new URL("../packages/server/", import.meta.url));
const IDLE_MS = 5_000;
if (!existsSync(SERVER)) throw new Error("packages/server/dist is missing: run `npm run build` first");

const rssMb = (pid: number) => {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return Math.round(kb / 1024);
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the compiled server with `env`, waits for /ready, idles, and returns its RSS. */
async function serverRss(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  // The PGlite rows must not inherit the PostgreSQL row's database.
  const { DATABASE_URL: _db, BR_MIGRATION_DATABASE_URL: _migrations, ...inherited } = process.env;
  const child = spawn(process.execPath, [SERVER], {
    cwd: SERVER_DIR,
    env: { ...inherited, HOST: "127.0.0.1", PORT: String(port), BR_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error("the server did not become ready in 60 s");
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return rssMb(child.pid!);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

/** The pre-fix path: one PGlite that runs initdb and stays open. */
async function bareCreatorRss(dir: string): Promise<number> {
  const script = `const { PGlite } = await import("@electric-sql/pglite"); const db = new PGlite(${JSON.stringify(dir)}); await db.waitReady; await db.query("select 1"); await new Promise((r) => setTimeout(r, ${IDLE_MS})); const kb = /VmRSS:\\s+(\\d+)/.exec((await import("node:fs")).readFileSync("/proc/self/status", "utf8"))[1]; console.log(kb); process.exit(0);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: SERVER_DIR, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await new Promise((r) => child.once("exit", r));
  return Math.round(Number(out.trim()) / 1024);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** RUNS measurements, each of a data directory of its own. */
async function runs<T>(measure: (dir: string) => Promise<T>): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = await mkdtemp(join(tmpdir(), "br-rss-"));
    try {
      all.push(await measure(join(dir, "data")));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return all;
}

const load = loadavg()[0]!;
// Each run: a first start on a new directory, then a restart on it.
const servers = await runs(async (dir) => [await serverRss({ BR_DATA_DIR: dir }), await serverRss({ BR_DATA_DIR: dir })] as const);
const rows: [string, number[]][] = [
  ["PGlite, first start (creates the data directory)", servers.map(([first]) => first)],
  ["PGlite, restart on that directory", servers.map(([, restart]) => restart)],
];
if (process.env.DATABASE_URL) {
  const { DATABASE_URL, BR_MIGRATION_DATABASE_URL } = process.env;
  const env = { DATABASE_URL, ...(BR_MIGRATION_DATABASE_URL ? { BR_MIGRATION_DATABASE_URL } : {}) };
  rows.push(["PostgreSQL (DATABASE_URL)", await runs(() => serverRss(env))]);
}
rows.push(["reference: a bare PGlite that created its directory and stayed open", await runs(bareCreatorRss)]);
const md = [
  "## Idle memory (`npm run bench:pglite-memory`)",
  "",
  `${machine()}, load ${load.toFixed(2)} before the run. The compiled server (\`node dist/main.js\`, as \`npm start\`), RSS ${IDLE_MS / 1000} s after \`/ready\` answered; median of ${RUNS} runs, each on a new data directory (all runs in brackets). Target ≤ 400 MB on PGlite.`,
  "",
  "| server | idle RSS | runs |",
  "|---|---:|---:|",
  ...rows.map(([name, mbs]) => `| ${name} | ${median(mbs)} MB | [${mbs.join(", ")}] |`),
].join("\n");
console.log(md);
if (process.env.BENCH_QUICK !== "1") await writeSection("pglite-memory", md);
