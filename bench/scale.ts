/**
 * Usage reads at scale (decisions.md #130-#133): the digest (24h, 30d), the admin tenant list's
 * first page, a busy tenant's admin detail and its /auth/usage per day, key and model, over
 * 100,000 tenants and 1M then 10M usage events with their rollups. Target: each ≤ 100 ms at 10M
 * events, growing sub-linearly with the events.
 *   npm run bench:scale   (BENCH_SCALE_SIZES=1000000,10000000; BENCH_SCALE_URL: a superuser's
 *                          postgres:// URL, default postgres://postgres@127.0.0.1:5432/postgres)
 *
 * It creates a database of its own on that server, migrates it, seeds it with generate_series
 * (a few busy tenants carry half the traffic, a thousand the next 30 %, the rest is spread thin
 * over 99,000, in sessions), adds each million to the four rollups as the meter's upsert does,
 * and drops the database at the end. Each figure is the median of 3 HTTP requests after one
 * warm-up, measured from the client over loopback (so it includes auth and JSON).
 */
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { Writable } from "node:stream";
import pg from "pg";
import { machine } from "./lib/report.js";

const ADMIN_URL = process.env.BENCH_SCALE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SIZES = (process.env.BENCH_SCALE_SIZES ?? "1000000,10000000").split(",").map(Number);
const TENANTS = Number(process.env.BENCH_SCALE_TENANTS ?? 100_000);
const BUSY = 10;
const MEDIUM = 990;
const DAYS = 90;
const RUNS = 3;
const TARGET_MS = 100;

const { loadConfig } = await import("../packages/server/src/config.js");
const { createLogger } = await import("../packages/server/src/logger.js");
const { startServer } = await import("../packages/server/src/server.js");
const { humanToken, JWT_SECRET } = await import("../packages/server/test/support/harness.js");
const digestStore = await import("../packages/server/src/store/digest.js");
const { proposalFigures } = await import("../packages/server/src/store/proposals.js");
const { PLATFORM_SHARDS } = await import("../packages/server/src/store/usage-rollups.js");

const withDatabase = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
const ADMIN_SUBJECT = "user|founder@bench.test";
const MEMBER_EMAIL = "owner@busy.bench.test";
const tenantId = (n: number) => `bench_uuid('t' || ${n})`;

async function seedTenants(db: pg.Client) {
  // Deterministic ids that are valid RFC 4122 uuids (the routes check the version and variant).
  await db.query(`CREATE FUNCTION bench_uuid(text) RETURNS uuid IMMUTABLE LANGUAGE sql
                    AS $$ SELECT overlay(overlay(md5($1) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid $$`);
  // Every 50th tenant pending; every 200th with a monthly budget, every 100th key a daily one.
  await db.query(`
    INSERT INTO tenants (id, slug, name, status, admin_email, source, created_at, activated_at, budget_usd, budget_period)
    SELECT bench_uuid('t' || n), 'bench-' || n, 'Bench ' || n, CASE WHEN n % 50 = 0 THEN 'pending' ELSE 'active' END,
           'owner' || n || '@bench.test', 'machine', now() - (n % 365) * interval '1 day' - (n % 86400) * interval '1 second',
           CASE WHEN n % 50 = 0 THEN NULL ELSE now() - (n % 365) * interval '1 day' END,
           CASE WHEN n % 200 = 0 THEN 25 END, CASE WHEN n % 200 = 0 THEN 'monthly' END
      FROM generate_series(1, ${TENANTS}) n`);
  await db.query(`
    INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, role, budget_usd, budget_period)
    SELECT bench_uuid('k' || t.n || '-' || k), bench_uuid('t' || t.n), 'key ' || k, 'br_live_' || left(md5('p' || t.n || k), 8),
           md5('h' || t.n || '-' || k), 'admin', CASE WHEN t.n % 100 = 0 THEN 1 END, CASE WHEN t.n % 100 = 0 THEN 'daily' END
      FROM generate_series(1, ${TENANTS}) t(n), LATERAL generate_series(1, CASE WHEN t.n <= ${BUSY} THEN 20 ELSE 1 END) k`);
  // The human who reads the busy tenant's usage on the dashboard.
  await db.query(`
    WITH u AS (INSERT INTO users (tenant_id, kind, external_id, email, role)
               VALUES (bench_uuid('t1'), 'human', 'user|${MEMBER_EMAIL}', '${MEMBER_EMAIL}', 'admin') RETURNING id)
    INSERT INTO tenant_memberships (external_id, tenant_id, user_id, role) SELECT 'user|${MEMBER_EMAIL}', bench_uuid('t1'), id, 'owner' FROM u`);
}

/**
 * Events first+1 … last, in sessions as agents make them: half to the 10 busy tenants (20 keys,
 * 8 models, all day long), 30 % to the next 990 (sessions of 12 requests over up to 3 models),
 * 20 % to the other 99,000 (sessions of 16 requests, 1 of 2 models); sessions spread over 90
 * days; 2 % errors; model-7 has no price. Each million is added to the rollups as the meter's
 * upsert adds a batch (INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE).
 */
async function seedEvents(db: pg.Client, first: number, last: number) {
  for (let from = first + 1; from <= last; from += 1_000_000) {
    const to = Math.min(last, from + 999_999);
    const before = await count(db, "SELECT coalesce(max(id), 0) AS n FROM usage_events");
    await db.query(`
      INSERT INTO usage_events (tenant_id, key_id, model, prompt_tokens, completion_tokens, latency_ms, status, created_at, cost_usd, priced)
      SELECT bench_uuid('t' || tn), bench_uuid('k' || tn || '-' || kn), 'model-' || m, pt, ct, 100,
             CASE WHEN g % 50 = 0 THEN 500 ELSE 200 END, now() - at * interval '1 second',
             CASE WHEN m = 7 THEN 0 ELSE pt * 0.000001 + ct * 0.000004 END, m <> 7
        FROM (SELECT g, pt, ct,
                     CASE WHEN busy THEN 1 + h % ${BUSY}
                          WHEN medium THEN ${BUSY + 1} + (h / 4 * 7919) % ${MEDIUM}
                          ELSE ${BUSY + MEDIUM + 1} + (h / 8 * 7919) % ${TENANTS - BUSY - MEDIUM} END AS tn,
                     CASE WHEN busy THEN 1 + (h / ${BUSY}) % 20 ELSE 1 END AS kn,
                     CASE WHEN busy THEN (h / 7) % 8 WHEN medium THEN (h / 4 + g) % 3 ELSE (h / 8) % 2 END AS m,
                     CASE WHEN busy THEN (g * 7919) % (${DAYS} * 86400)
                          WHEN medium THEN (h / 4 * 104729) % (${DAYS} * 86400 - 600) + g % 300
                          ELSE (h / 8 * 104729) % (${DAYS} * 86400 - 600) + g % 600 END AS at
                FROM (SELECT g, g / 10 AS h, g % 10 < 5 AS busy, g % 10 BETWEEN 5 AND 7 AS medium,
                             100 + g % 900 AS pt, 20 + g % 200 AS ct
                        FROM generate_series(${from}::bigint, ${to}::bigint) g) s) e`);
    const sums = `count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd),
                  count(*) FILTER (WHERE NOT priced)`;
    const add =
      "requests = t.requests + EXCLUDED.requests, errors = t.errors + EXCLUDED.errors, " +
      "prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens, " +
      "cost_usd = t.cost_usd + EXCLUDED.cost_usd, unpriced = t.unpriced + EXCLUDED.unpriced";
    await db.query(`INSERT INTO usage_daily AS t SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date,
                      coalesce(key_id, '00000000-0000-0000-0000-000000000000'), model, ${sums}
                      FROM usage_events WHERE id > ${before} GROUP BY 1, 2, 3, 4
                    ON CONFLICT (tenant_id, day, key_id, model) DO UPDATE SET ${add}`);
    await db.query(`INSERT INTO usage_hourly AS t SELECT tenant_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                      coalesce(key_id, '00000000-0000-0000-0000-000000000000'), model, ${sums}
                      FROM usage_events WHERE id > ${before} GROUP BY 1, 2, 3, 4
                    ON CONFLICT (tenant_id, hour, key_id, model) DO UPDATE SET ${add}`);
    await db.query(`INSERT INTO usage_tenant_daily AS t SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, count(*),
                      sum(prompt_tokens), sum(completion_tokens), sum(cost_usd)
                      FROM usage_events WHERE id > ${before} GROUP BY 1, 2
                    ON CONFLICT (tenant_id, day) DO UPDATE SET requests = t.requests + EXCLUDED.requests,
                      prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                      completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens, cost_usd = t.cost_usd + EXCLUDED.cost_usd`);
    await db.query(`INSERT INTO usage_platform_hourly AS t SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                      (id % ${PLATFORM_SHARDS})::smallint, count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens)
                      FROM usage_events WHERE id > ${before} GROUP BY 1, 2
                    ON CONFLICT (hour, shard) DO UPDATE SET requests = t.requests + EXCLUDED.requests, errors = t.errors + EXCLUDED.errors,
                      prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens`);
  }
  // The meter appends each flush's groups for the current hour and day, so in production the
  // rollups lie in time order; seeding a million events spread over 90 days at once scatters
  // them instead (a 24 h window then read a page per row). CLUSTER puts them back in that order.
  await db.query("CLUSTER usage_hourly USING usage_hourly_hour_idx");
  await db.query("CLUSTER usage_daily USING usage_daily_day_idx");
  await db.query("CLUSTER usage_tenant_daily USING usage_tenant_daily_rank_idx");
  // What autovacuum would have done by the time anyone reads: statistics and the visibility map.
  await db.query("VACUUM ANALYZE");
}

async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const res = await fetch(url, { headers });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
    if (i > 0) times.push(performance.now() - start); // the first is the warm-up
    bytes = text.length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, bytes };
}

async function count(db: pg.Client, sql: string): Promise<number> {
  return Number((await db.query(sql)).rows[0].n);
}

const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(", ");
let pgVersion = "?";
const name = `br_bench_scale_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
pgVersion = (await admin.query("SHOW server_version")).rows[0].server_version;
const url = withDatabase(ADMIN_URL, name);
const silent = new Writable({ write: (_c, _e, done) => done() });
const results: { size: number; rows: Record<string, number>; figures: Record<string, number> }[] = [];
let server: Awaited<ReturnType<typeof startServer>> | undefined;
const db = new pg.Client({ connectionString: url });
try {
  const config = loadConfig({
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: url,
    BR_AUTH_JWT_SECRET: JWT_SECRET,
    BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: ADMIN_SUBJECT,
    BR_PUBLIC_URL: "http://br.bench",
    REDIS_URL: "",
  });
  // The server migrates the new database; every query then runs as br_app / br_platform.
  server = await startServer(config, createLogger("warn", silent));
  await db.connect();
  await seedTenants(db);
  const base = `http://127.0.0.1:${server.port}`;
  const founder = { authorization: `Bearer ${await humanToken("founder@bench.test")}` };
  const member = {
    authorization: `Bearer ${await humanToken(MEMBER_EMAIL)}`,
    "x-br-tenant-id": (await db.query(`SELECT ${tenantId(1)} AS id`)).rows[0].id,
  };
  const busy = member["x-br-tenant-id"];
  let seeded = 0;
  for (const size of SIZES) {
    const seedStart = performance.now();
    await seedEvents(db, seeded, size);
    seeded = size;
    const seedS = (performance.now() - seedStart) / 1000;
    const rows = {
      events: await count(db, "SELECT count(*) AS n FROM usage_events"),
      daily: await count(db, "SELECT count(*) AS n FROM usage_daily"),
      hourly: await count(db, "SELECT count(*) AS n FROM usage_hourly"),
      daily30: await count(db, "SELECT count(*) AS n FROM usage_daily WHERE day >= current_date - 30"),
      tenantDaily30: await count(db, "SELECT count(*) AS n FROM usage_tenant_daily WHERE day >= current_date - 30"),
      seedS,
    };
    const figures: Record<string, number> = {};
    for (const [label, path, headers] of [
      ["digest 24h", "/v1/admin/digest?window=24h", founder],
      ["digest 30d", "/v1/admin/digest?window=30d", founder],
      ["admin tenants page 1", "/v1/admin/tenants", founder],
      ["busy tenant detail", `/v1/admin/tenants/${busy}`, founder],
      ["/auth/usage day", "/auth/usage", member],
      ["/auth/usage key", "/auth/usage?group_by=key", member],
      ["/auth/usage model", "/auth/usage?group_by=model", member],
    ] as const) {
      figures[label] = (await timed(base + path, headers)).ms;
    }
    // The digest's parts, each in a platform transaction of its own (median of 3): where its time goes.
    const since30 = new Date(Math.floor((Date.now() - 30 * 86_400_000) / 3_600_000) * 3_600_000);
    const days = { today: new Date().toISOString().slice(0, 10), monthStart: `${new Date().toISOString().slice(0, 7)}-01` };
    const parts: [string, (tx: import("../packages/server/src/store/db.js").Tx) => Promise<unknown>][] = [
      ["tenantsByStatus", (tx) => digestStore.tenantsByStatus(tx)],
      ["activeKeyCount", (tx) => digestStore.activeKeyCount(tx)],
      ["usageSince 30d", (tx) => digestStore.usageSince(tx, since30)],
      ["tenantsOverBudget", (tx) => digestStore.tenantsOverBudget(tx, days, 50)],
      ["keysOverBudget", (tx) => digestStore.keysOverBudget(tx, days, 50)],
      [
        "the other five",
        async (tx) => {
          await digestStore.signupsSince(tx, since30);
          await digestStore.decisionsSince(tx, since30);
          await digestStore.oldestPending(tx);
          await digestStore.inviteRedemptionsSince(tx, since30);
          await digestStore.deliveriesSince(tx, since30);
          await proposalFigures(tx, since30);
        },
      ],
    ];
    for (const [label, part] of parts) {
      const times: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const start = performance.now();
        await server.deps.db.asPlatform(part);
        if (i > 0) times.push(performance.now() - start);
      }
      figures[`digest part: ${label}`] = times.sort((x, y) => x - y)[1]!;
    }
    // What the same reads cost over the raw events (the code before the rollups), for contrast.
    for (const [label, sql] of [
      ["raw: digest 30d totals", "SELECT count(*), sum(prompt_tokens) FROM usage_events WHERE created_at >= now() - interval '30 days'"],
      [
        "raw: busy tenant 30 days",
        `SELECT count(*) FROM usage_events WHERE tenant_id = ${tenantId(1)} AND created_at >= now() - interval '30 days'`,
      ],
    ] as const) {
      const start = performance.now();
      await db.query(sql);
      figures[label] = performance.now() - start;
    }
    results.push({ size, rows, figures });
    console.log(
      JSON.stringify({ size, rows, figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 10) / 10])) }),
    );
  }
} finally {
  await db.end().catch(() => undefined);
  await server?.close();
  // BENCH_SCALE_KEEP=1 leaves the database for EXPLAIN (drop it by hand afterwards).
  if (process.env.BENCH_SCALE_KEEP === "1") console.log(`kept database ${name}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

const labels = Object.keys(results[0]!.figures);
const ms = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));
const lines = [
  "## Usage reads at scale (`npm run bench:scale`)",
  "",
  `${machine()}, PostgreSQL ${pgVersion}, load average ${load} before the run. ${TENANTS.toLocaleString("en-US")} tenants; ` +
    "events over 90 days, half to 10 busy tenants (20 keys × 8 models, all day), 30 % to 990 more (sessions of 12 requests, ≤ 3 models), " +
    "20 % to the other 99,000 (sessions of 16, 1 model); each million added to the rollups with the meter's upsert. Median of 3 requests after a warm-up, over loopback, milliseconds.",
  "",
  `| read | ${results.map((r) => `${(r.size / 1e6).toLocaleString("en-US")}M events`).join(" | ")} | growth | ≤ ${TARGET_MS} ms at ${(results.at(-1)!.size / 1e6).toLocaleString("en-US")}M |`,
  `|---|${results.map(() => "---:").join("|")}|---:|:---:|`,
  ...labels.map((label) => {
    const first = results[0]!.figures[label]!;
    const last = results.at(-1)!.figures[label]!;
    const raw = label.startsWith("raw:");
    const note = raw
      ? "(raw SQL, not served)"
      : label.startsWith("digest part:")
        ? "(part of the digest)"
        : last <= TARGET_MS
          ? "yes"
          : "**no**";
    return `| ${label} | ${results.map((r) => ms(r.figures[label]!)).join(" | ")} | ×${(last / first).toFixed(1)} | ${note} |`;
  }),
  "",
  `Rows: ${results.map((r) => `${(r.size / 1e6).toLocaleString("en-US")}M events → ${r.rows.daily.toLocaleString("en-US")} daily (${r.rows.daily30.toLocaleString("en-US")} in the last 30 days; ${r.rows.tenantDaily30.toLocaleString("en-US")} per tenant), ${r.rows.hourly.toLocaleString("en-US")} hourly; seeded in ${Math.round(r.rows.seedS)} s`).join("; ")}.`,
];
console.log(lines.join("\n"));
