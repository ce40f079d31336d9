import type { BudgetPeriod, PolicyFields, SpendFields } from "brainstormrouter";
import { UsageError } from "./output.js";

/** The limit flags `keys create|update` and `settings set` share (DESIGN.md §10). */
export const LIMIT_FLAGS = {
  budget: { type: "string" },
  "budget-period": { type: "string" },
  models: { type: "string" },
  rpm: { type: "string" },
} as const;

interface LimitValues {
  budget?: string | undefined;
  "budget-period"?: string | undefined;
  models?: string | undefined;
  rpm?: string | undefined;
}

const PERIODS: readonly string[] = ["daily", "monthly", "lifetime"] satisfies BudgetPeriod[];

/**
 * The limits the flags ask for, as the API takes them. `--budget none`, `--rpm none` and
 * `--models all` send null: no budget, no rate limit of its own, every model the tenant allows.
 * Only the form is checked here; the server judges ranges and the tenant's ceilings.
 */
export function limitParams(values: LimitValues, usage: string): Partial<PolicyFields> {
  const out: Partial<PolicyFields> = {};
  if (values.budget !== undefined) out.budget_usd = values.budget === "none" ? null : amount(values.budget, usage);
  const period = values["budget-period"];
  if (period !== undefined) {
    if (!PERIODS.includes(period)) throw new UsageError(`--budget-period must be daily, monthly or lifetime, not ${period}`, usage);
    out.budget_period = period as BudgetPeriod;
  }
  if (values.rpm !== undefined) out.rate_limit_rpm = values.rpm === "none" ? null : whole("rpm", values.rpm, usage);
  if (values.models !== undefined) out.allowed_models = values.models === "all" ? null : globs(values.models, usage);
  return out;
}

export function whole(flag: string, raw: string, usage: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number, not ${raw}`, usage);
  return n;
}

function amount(raw: string, usage: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--budget must be a positive amount of USD (or none), not ${raw}`, usage);
  }
  return n;
}

function globs(raw: string, usage: string): string[] {
  const list = raw.split(",").map((g) => g.trim());
  if (list.some((g) => g === "")) throw new UsageError(`--models takes comma-separated globs (or all), not ${JSON.stringify(raw)}`, usage);
  return list;
}

/** USD as people read it: no trailing zeros, micro-dollars at most. */
export const usd = (n: number) => n.toFixed(6).replace(/\.?0+$/, "") || "0";

/** A budget and its spend: "1.25/10 USD monthly", or "-" without one. */
export function spendCell(p: Pick<PolicyFields, "budget_usd" | "budget_period"> & Partial<SpendFields>): string {
  if (p.budget_usd === null) return "-";
  return `${usd(p.spend_usd ?? 0)}/${usd(p.budget_usd)} USD ${p.budget_period}`;
}

/** A key's limits in one line: "budget 0/10 USD monthly, 60 rpm, models echo*,gpt-4o*". */
export function describeLimits(p: PolicyFields & Partial<SpendFields>): string {
  const parts = [
    p.budget_usd !== null ? `budget ${spendCell(p)}` : "",
    p.rate_limit_rpm !== null ? `${p.rate_limit_rpm} rpm` : "",
    p.allowed_models !== null ? `models ${p.allowed_models.join(",")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "none (the tenant's settings apply)";
}
