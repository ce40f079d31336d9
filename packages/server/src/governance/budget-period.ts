import type { BudgetPeriod } from "../store/schema.js";

/** One budget period as the spend counters and the rollup reads see it (UTC). */
export interface PeriodWindow {
  /** Part of the counter's name: `d2026-12-03`, `m2026-12`, `life`. */
  key: string;
  /** First UTC day of the period, YYYY-MM-DD; null for lifetime. */
  startDay: string | null;
  /** When the next period begins (epoch ms); null for lifetime. */
  resetsAt: number | null;
}

export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const d = new Date(now);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  switch (period) {
    case "daily": {
      const start = Date.UTC(y, m, day);
      return { key: `d${isoDay(start)}`, startDay: isoDay(start), resetsAt: Date.UTC(y, m, day + 1) };
    }
    case "monthly": {
      const start = Date.UTC(y, m, 1);
      return { key: `m${isoDay(start).slice(0, 7)}`, startDay: isoDay(start), resetsAt: Date.UTC(y, m + 1, 1) };
    }
    case "lifetime":
      return { key: "life", startDay: null, resetsAt: null };
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
