import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import { NO_KEY, usageByDay, usageByGroup, usageTotals, type DayRange, type UsageFigures } from "../store/usage-rollups.js";
import type { Actor } from "./actor.js";

export const USAGE_GROUPS = ["day", "key", "model"] as const;
export type UsageGroupBy = (typeof USAGE_GROUPS)[number];

/** What a usage query may ask (DESIGN.md §10); the routes, the MCP tool and the CLI share them. */
export const USAGE_BOUNDS = { defaultDays: 30, maxDays: 366, limit: { min: 1, max: 1000, default: 100 } } as const;

export interface UsageQuery {
  /** First UTC day, YYYY-MM-DD (default: `to` − 29 days). */
  from?: string | undefined;
  /** Last UTC day, included (default: today). */
  to?: string | undefined;
  group_by?: UsageGroupBy | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A real calendar day as YYYY-MM-DD (not 2026-02-30), as epoch ms at UTC midnight; else undefined. */
export function parseDay(day: string): number | undefined {
  if (!DAY.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || isoDay(ms) !== day ? undefined : ms;
}

const invalid = (path: string, message: string) =>
  new AppError("validation_failed", { message: `${path}: ${message}`, recovery: { issues: [{ path, message }] } });

/** The query's days, defaults applied; 400 validation_failed for a range backwards or too long. */
export function usageRange(input: Pick<UsageQuery, "from" | "to">, now = new Date()): DayRange {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const to = input.to === undefined ? today : parseDay(input.to);
  if (to === undefined) throw invalid("to", "must be a date YYYY-MM-DD");
  const from = input.from === undefined ? to - (USAGE_BOUNDS.defaultDays - 1) * DAY_MS : parseDay(input.from);
  if (from === undefined) throw invalid("from", "must be a date YYYY-MM-DD");
  if (from > to) throw invalid("from", "must not be after to");
  if ((to - from) / DAY_MS + 1 > USAGE_BOUNDS.maxDays) throw invalid("from", `the range may span at most ${USAGE_BOUNDS.maxDays} days`);
  return { from: isoDay(from), to: isoDay(to) };
}

const ZERO: UsageFigures = { requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
const figures = (f: UsageFigures) => ({
  requests: f.requests,
  prompt_tokens: f.prompt_tokens,
  completion_tokens: f.completion_tokens,
  cost_usd: f.cost_usd,
  errors: f.errors,
});

/**
 * The actor's tenant's usage over a UTC day range, from the daily rollup: per day (every day of
 * the range, empty ones as zeros, oldest first), or per key or model (by cost, a page at a time).
 * One service for /v1/tenant/usage, /auth/usage, the MCP tool and the CLI; row-level security
 * keeps every figure to the actor's tenant.
 */
export async function usageReport(deps: Pick<Deps, "db">, actor: Actor, input: UsageQuery, now = new Date()) {
  const range = usageRange(input, now);
  const groupBy = input.group_by ?? "day";
  const limit = input.limit ?? USAGE_BOUNDS.limit.default;
  if (!Number.isInteger(limit) || limit < USAGE_BOUNDS.limit.min || limit > USAGE_BOUNDS.limit.max) {
    throw invalid("limit", `must be a whole number from ${USAGE_BOUNDS.limit.min} to ${USAGE_BOUNDS.limit.max}`);
  }
  // Days come whole, never in pages: a cursor here is not one this list returned.
  if (groupBy === "day" && input.cursor !== undefined) throw new AppError("invalid_cursor");
  return deps.db.asTenant(actor.tenantId, async (tx) => {
    const totals = figures(await usageTotals(tx, actor.tenantId, range));
    if (groupBy === "day") {
      const byDay = new Map((await usageByDay(tx, actor.tenantId, range)).map((r) => [r.day, r]));
      const data = [];
      for (let t = parseDay(range.from)!; t <= parseDay(range.to)!; t += DAY_MS) {
        const day = isoDay(t);
        data.push({ day, ...figures(byDay.get(day) ?? ZERO) });
      }
      return { data, totals, next_cursor: null };
    }
    const page = await usageByGroup(tx, actor.tenantId, { ...range, by: groupBy, limit, cursor: input.cursor });
    const data = page.rows.map((r) =>
      groupBy === "key" ? { key_id: r.id === NO_KEY ? null : r.id, key_name: r.key_name, ...figures(r) } : { model: r.id, ...figures(r) },
    );
    return { data, totals, next_cursor: page.nextCursor };
  });
}

/** The last `days` UTC days, today included: the admin tenant detail's window. */
export function lastDays(days: number, now = new Date()): DayRange {
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: isoDay(to - (days - 1) * DAY_MS), to: isoDay(to) };
}
