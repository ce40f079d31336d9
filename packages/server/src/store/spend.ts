import { sql } from "kysely";
import type { Tx } from "./db.js";
import type { BudgetPeriod } from "./schema.js";

export interface ScopeSpend {
  scope: "key" | "tenant";
  id: string;
  period: BudgetPeriod;
  spent_usd: number;
}

/**
 * Every budgeted scope's spend in its current period, from the daily rollup (platform scope: all
 * tenants). `today` and `monthStart` are UTC days from the application's clock, the one the
 * counters are named by.
 */
export async function budgetedSpend(tx: Tx, days: { today: string; monthStart: string }): Promise<ScopeSpend[]> {
  const since = (period: ReturnType<typeof sql.ref>) =>
    sql`(${period} = 'lifetime' OR u.day >= CASE ${period} WHEN 'daily' THEN ${days.today}::date ELSE ${days.monthStart}::date END)`;
  const { rows } = await sql<ScopeSpend>`
    SELECT 'key' AS scope, k.id, k.budget_period AS period, coalesce(sum(u.cost_usd), 0)::float8 AS spent_usd
      FROM api_keys k
      LEFT JOIN usage_daily u ON u.tenant_id = k.tenant_id AND u.key_id = k.id AND ${since(sql.ref("k.budget_period"))}
     WHERE k.budget_usd IS NOT NULL AND k.revoked_at IS NULL
     GROUP BY k.id, k.budget_period
    UNION ALL
    SELECT 'tenant', t.id, t.budget_period, coalesce(sum(u.cost_usd), 0)::float8
      FROM tenants t
      LEFT JOIN usage_daily u ON u.tenant_id = t.id AND ${since(sql.ref("t.budget_period"))}
     WHERE t.budget_usd IS NOT NULL
     GROUP BY t.id, t.budget_period`.execute(tx);
  return rows;
}

/** One scope's spend since `startDay` (null: ever), in `tenantId` (the transaction's tenant). */
export async function spendSince(
  tx: Tx,
  scope: { kind: "key" | "tenant"; id: string; tenantId: string },
  startDay: string | null,
): Promise<number> {
  const { rows } = await sql<{ spent_usd: number }>`
    SELECT coalesce(sum(cost_usd), 0)::float8 AS spent_usd
      FROM usage_daily
     WHERE tenant_id = ${scope.tenantId}::uuid
       ${scope.kind === "key" ? sql`AND key_id = ${scope.id}::uuid` : sql``}
       AND (${startDay}::date IS NULL OR day >= ${startDay}::date)`.execute(tx);
  return rows[0]?.spent_usd ?? 0;
}
