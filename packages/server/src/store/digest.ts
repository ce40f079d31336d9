import { sql } from "kysely";
import type { Tx } from "./db.js";
import { eventField } from "./events.js";
import type { BudgetPeriod, TenantStatus } from "./schema.js";

/**
 * The read model behind the admin digest: platform-wide counts, run as br_platform. One file
 * because each figure crosses tables (tenants, history, keys, usage, outbox, deliveries).
 */
export async function tenantsByStatus(tx: Tx): Promise<Record<TenantStatus, number>> {
  const rows = await tx
    .selectFrom("tenants")
    .select(["status", sql<number>`count(*)::int`.as("n")])
    .groupBy("status")
    .execute();
  const counts: Record<TenantStatus, number> = { pending: 0, active: 0, rejected: 0, suspended: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

export async function signupsSince(tx: Tx, since: Date): Promise<number> {
  const row = await tx
    .selectFrom("tenants")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Admin decisions (history rows with a from status) in the window, by the status they led to. */
export async function decisionsSince(tx: Tx, since: Date): Promise<Partial<Record<TenantStatus, number>>> {
  const rows = await tx
    .selectFrom("tenant_status_history")
    .select(["to_status", sql<number>`count(*)::int`.as("n")])
    .where("created_at", ">=", since)
    .where("from_status", "is not", null)
    .groupBy("to_status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.to_status, r.n]));
}

export function oldestPending(tx: Tx) {
  return tx
    .selectFrom("tenants")
    .select(["id", "slug", "name", "created_at"])
    .where("status", "=", "pending")
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
}

/** Keys that would authenticate right now: live, unexpired, of an active tenant. */
export async function activeKeyCount(tx: Tx): Promise<number> {
  // Keys of tenants not refused, rather than joined to every active tenant: the refused are the
  // few (an anti-join against a small hash, not a hash of every tenant; bench:scale, decisions.md #133).
  const row = await tx
    .selectFrom("api_keys as k")
    .select(sql<number>`count(*)::int`.as("n"))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("tenants as t")
            .select(sql`1`.as("one"))
            .whereRef("t.id", "=", "k.tenant_id")
            .where("t.status", "in", ["pending", "rejected", "suspended"]),
        ),
      ),
    )
    .where("k.revoked_at", "is", null)
    .where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return row.n;
}

const DAY_MS = 86_400_000;

/**
 * The window's rollup rows with unpriced requests (decisions.md #131): the hours of its first,
 * partial UTC day from usage_hourly, every later day (today included) from usage_daily. `since`
 * is an hour boundary, so the sum equals counting the events since then. Models served without a
 * price are a few rows among millions: the partial indexes on `unpriced > 0` find them.
 */
function unpricedRollups(since: Date) {
  const firstDay = new Date(Math.ceil(since.getTime() / DAY_MS) * DAY_MS);
  return sql`(
    SELECT model, unpriced FROM usage_hourly WHERE hour >= ${since} AND hour < ${firstDay} AND unpriced > 0
    UNION ALL
    SELECT model, unpriced FROM usage_daily WHERE day >= ${firstDay.toISOString().slice(0, 10)}::date AND unpriced > 0
  )`;
}

/** Tenants the digest names as the busiest of its window. */
export const TOP_TENANTS = 5;
// Each day's busiest read first, then four times as many while the bound is not beaten.
const FIRST_DEPTH = 4 * TOP_TENANTS;

interface TenantWindowUsage {
  tenant_id: string;
  requests: number;
  tokens: number;
}

export async function usageSince(tx: Tx, since: Date) {
  // The window's totals from the platform's hours (since is an hour boundary: exact).
  const { rows: totalRows } = await sql<{ requests: number; errors: number; prompt_tokens: number; completion_tokens: number }>`
    SELECT coalesce(sum(requests), 0)::float8 AS requests, coalesce(sum(errors), 0)::float8 AS errors,
           coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens, coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens
      FROM usage_platform_hourly WHERE hour >= ${since}`.execute(tx);
  const busiest = await busiestTenants(tx, since);
  const names = busiest.length
    ? await tx
        .selectFrom("tenants")
        .select(["id", "slug", "name"])
        .where(
          "id",
          "in",
          busiest.map((b) => b.tenant_id),
        )
        .execute()
    : [];
  const byId = new Map(names.map((t) => [t.id, t]));
  const top = busiest.flatMap((b) => {
    const t = byId.get(b.tenant_id);
    return t ? [{ ...t, requests: b.requests, tokens: b.tokens }] : [];
  });
  const { rows: unpriced } = await sql<{ model: string; requests: number }>`
    SELECT model, sum(unpriced)::float8 AS requests FROM ${unpricedRollups(since)} r GROUP BY model ORDER BY model`.execute(tx);
  return { totals: totalRows[0]!, top, unpriced };
}

/**
 * The window's five busiest tenants (requests, then id), exactly, without summing every tenant:
 * the threshold algorithm over usage_tenant_daily's per-day ranking (decisions.md #136). The
 * candidates are each day's `depth` busiest; a tenant that is none of them made at most the
 * depth-th figure of every day (the first, partial day counted whole), so once the fifth
 * candidate's exact total beats the sum of those figures, no other tenant can reach the five.
 * Else deeper, until a day has no more rows than the depth (then every tenant is a candidate).
 */
async function busiestTenants(tx: Tx, since: Date): Promise<TenantWindowUsage[]> {
  const firstFullDay = new Date(Math.ceil(since.getTime() / DAY_MS) * DAY_MS);
  const firstDay = since.toISOString().slice(0, 10);
  for (let depth = FIRST_DEPTH; ; depth *= 4) {
    const { rows } = await sql<TenantWindowUsage & { bound: number; exhaustive: boolean }>`
      WITH ranked AS (
        SELECT d.day, r.tenant_id, r.requests
          FROM generate_series(${firstDay}::date, greatest(${firstDay}::date, (SELECT max(day) FROM usage_tenant_daily)),
                               interval '1 day') AS d (day)
         CROSS JOIN LATERAL (
           SELECT tenant_id, requests FROM usage_tenant_daily u WHERE u.day = d.day::date
            ORDER BY requests DESC, tenant_id LIMIT ${depth}) r
      ), bound AS (
        -- A day with fewer rows than the depth lists every tenant it has: it bounds the rest by 0.
        SELECT coalesce(sum(CASE WHEN n = ${depth} THEN last ELSE 0 END), 0)::float8 AS bound,
               coalesce(bool_and(n < ${depth}), true) AS exhaustive
          FROM (SELECT count(*) AS n, min(requests) AS last FROM ranked GROUP BY day) per_day
      ), totals AS (
        -- Each candidate's exact window: its whole days, and the hours of the first, partial one.
        SELECT c.tenant_id, (coalesce(d.requests, 0) + coalesce(h.requests, 0))::float8 AS requests,
               (coalesce(d.tokens, 0) + coalesce(h.tokens, 0))::float8 AS tokens
          FROM (SELECT DISTINCT tenant_id FROM ranked) c
         CROSS JOIN LATERAL (
           SELECT sum(requests) AS requests, sum(prompt_tokens + completion_tokens) AS tokens FROM usage_tenant_daily
            WHERE tenant_id = c.tenant_id AND day >= ${firstFullDay.toISOString().slice(0, 10)}::date) d
         CROSS JOIN LATERAL (
           SELECT sum(requests) AS requests, sum(prompt_tokens + completion_tokens) AS tokens FROM usage_hourly
            WHERE tenant_id = c.tenant_id AND hour >= ${since} AND hour < ${firstFullDay}) h
         ORDER BY 2 DESC, 1
         LIMIT ${TOP_TENANTS}
      )
      SELECT t.tenant_id, t.requests, t.tokens, b.bound, b.exhaustive
        FROM bound b LEFT JOIN totals t ON true
       ORDER BY t.requests DESC, t.tenant_id`.execute(tx);
    const { bound, exhaustive } = rows[0]!;
    const top = rows.filter((r) => r.tenant_id !== null && r.requests > 0);
    // Strictly above the bound: a tenant outside the candidates could tie and win on its id.
    if (exhaustive || (top.length === TOP_TENANTS && top[TOP_TENANTS - 1]!.requests > bound)) {
      return top.map(({ tenant_id, requests, tokens }) => ({ tenant_id, requests, tokens }));
    }
  }
}

export interface TenantOverBudget {
  tenant_id: string;
  slug: string;
  budget_usd: number;
  budget_period: BudgetPeriod;
  spend_usd: number;
}
export type KeyOverBudget = Omit<TenantOverBudget, "slug"> & { key_id: string; name: string };

/** UTC days from the application's clock, the one the spend counters are named by. */
export interface PeriodDays {
  today: string;
  monthStart: string;
}

// A scope's spend in its current budget period (UTC: today, this month, or ever), from the
// daily rollups (a tenant's from usage_tenant_daily, a key's from usage_daily), compared in
// micro-dollars as the usage reads round it. The period's first day is computed per scope first,
// so `u.day >= start_day` is a range on the rollup's primary key (tenant_id, day, …) instead of
// an OR no index answers (bench:scale, decisions.md #133).
const startDay = (period: ReturnType<typeof sql.ref>, days: PeriodDays) =>
  sql`CASE ${period} WHEN 'daily' THEN ${days.today}::date WHEN 'monthly' THEN ${days.monthStart}::date ELSE '-infinity'::date END`;
const SPEND = sql`round(coalesce(sum(u.cost_usd), 0)::numeric, 6)`;

/** Tenants whose spend this period has reached their budget, the furthest over first. */
export async function tenantsOverBudget(tx: Tx, days: PeriodDays, limit: number): Promise<TenantOverBudget[]> {
  const { rows } = await sql<TenantOverBudget>`
    SELECT b.id AS tenant_id, b.slug, b.budget_usd, b.budget_period, ${SPEND}::float8 AS spend_usd
      FROM (SELECT id, slug, budget_usd, budget_period, ${startDay(sql.ref("budget_period"), days)} AS start_day
              FROM tenants WHERE budget_usd IS NOT NULL) b
      LEFT JOIN usage_tenant_daily u ON u.tenant_id = b.id AND u.day >= b.start_day
     GROUP BY b.id, b.slug, b.budget_usd, b.budget_period
    HAVING ${SPEND} >= b.budget_usd::numeric
     ORDER BY ${SPEND} / b.budget_usd::numeric DESC, b.id
     LIMIT ${limit}`.execute(tx);
  return rows;
}

/** Live keys whose spend this period has reached their own budget, the furthest over first. */
export async function keysOverBudget(tx: Tx, days: PeriodDays, limit: number): Promise<KeyOverBudget[]> {
  const { rows } = await sql<KeyOverBudget>`
    SELECT b.id AS key_id, b.tenant_id, b.name, b.budget_usd, b.budget_period, ${SPEND}::float8 AS spend_usd
      FROM (SELECT id, tenant_id, name, budget_usd, budget_period, ${startDay(sql.ref("budget_period"), days)} AS start_day
              FROM api_keys WHERE budget_usd IS NOT NULL AND revoked_at IS NULL) b
      LEFT JOIN usage_daily u ON u.tenant_id = b.tenant_id AND u.day >= b.start_day AND u.key_id = b.id
     GROUP BY b.id, b.tenant_id, b.name, b.budget_usd, b.budget_period
    HAVING ${SPEND} >= b.budget_usd::numeric
     ORDER BY ${SPEND} / b.budget_usd::numeric DESC, b.id
     LIMIT ${limit}`.execute(tx);
  return rows;
}

/** Signups that spent an invite code (registration and provision mark their tenant.signup event `viaInvite`). */
export async function inviteRedemptionsSince(tx: Tx, since: Date): Promise<number> {
  const row = await tx
    .selectFrom("platform_events")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("type", "=", "tenant.signup")
    .where("created_at", ">=", since)
    .where(eventField("tenant.signup", "viaInvite"), "=", "true")
    .executeTakeFirstOrThrow();
  return row.n;
}

export function deliveriesSince(tx: Tx, since: Date) {
  return tx
    .selectFrom("event_deliveries")
    .select(["subscriber", "status", sql<number>`count(*)::int`.as("n")])
    .where("created_at", ">=", since)
    .groupBy(["subscriber", "status"])
    .execute();
}
