import type { Deps } from "../deps.js";
import { dailyUsage } from "../store/usage-events.js";
import type { Actor } from "./actor.js";

export interface UsageDay {
  date: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
}

/**
 * The tenant's requests and tokens per UTC day for the last `days` days, today included, with
 * empty days present so a chart needs no gap-filling.
 */
export async function usageByDay(deps: Pick<Deps, "db">, actor: Actor, days: number, now = new Date()) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (days - 1) * 86_400_000);
  const rows = await deps.db.asTenant(actor.tenantId, (tx) => dailyUsage(tx, since));
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const data: UsageDay[] = [];
  for (let t = since.getTime(); t <= today; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(date);
    data.push({
      date,
      requests: row?.requests ?? 0,
      errors: row?.errors ?? 0,
      prompt_tokens: row?.prompt_tokens ?? 0,
      completion_tokens: row?.completion_tokens ?? 0,
    });
  }
  const sum = (k: keyof Omit<UsageDay, "date">) => data.reduce((n, d) => n + d[k], 0);
  return {
    days: data,
    totals: {
      requests: sum("requests"),
      errors: sum("errors"),
      prompt_tokens: sum("prompt_tokens"),
      completion_tokens: sum("completion_tokens"),
    },
  };
}
