import { AppError } from "../errors/index.js";
import { periodWindow } from "../governance/budget-period.js";
import type { KeyPolicyColumns } from "../store/api-keys.js";
import type { Tx } from "../store/db.js";
import type { BudgetPeriod } from "../store/schema.js";
import { findTenantSettings } from "../store/tenants.js";

// A key narrows its tenant's settings, never widens them (DESIGN.md §10): its rpm is at most the
// tenant's, its expiry within the tenant's key lifetime. Budgets and model lists need no check
// here: the hot path enforces the key's and the tenant's together, so the tighter one wins.

const DAY_MS = 24 * 60 * 60 * 1000;

export type TenantSettingsRow = NonNullable<Awaited<ReturnType<typeof findTenantSettings>>>;

/** The limits as a request changes them; null clears, undefined leaves as is. */
export interface PolicyInput {
  rate_limit_rpm?: number | null | undefined;
  budget_usd?: number | null | undefined;
  budget_period?: BudgetPeriod | null | undefined;
  allowed_models?: string[] | null | undefined;
}

export async function tenantSettingsOf(tx: Tx, tenantId: string): Promise<TenantSettingsRow> {
  const settings = await findTenantSettings(tx, tenantId);
  if (!settings) throw new AppError("tenant_not_found");
  return settings;
}

/**
 * The columns to write for `input` over a key (or tenant) that had `before`: a budget without a
 * period gets the period it had, else monthly; clearing the budget clears its period.
 */
export function policyColumns(
  before: { budget_usd?: number | null; budget_period?: BudgetPeriod | null },
  input: PolicyInput,
  ceiling: { rate_limit_rpm: number | null } | null,
): KeyPolicyColumns {
  const columns: KeyPolicyColumns = {};
  if (input.rate_limit_rpm !== undefined) {
    const cap = ceiling?.rate_limit_rpm ?? null;
    if (input.rate_limit_rpm !== null && cap !== null && input.rate_limit_rpm > cap) {
      throw exceeds("rate_limit_rpm", `The tenant allows at most ${cap} requests per minute per key.`);
    }
    columns.rateLimitRpm = input.rate_limit_rpm;
  }
  if (input.allowed_models !== undefined) columns.allowedModels = input.allowed_models;
  if (input.budget_usd !== undefined || input.budget_period !== undefined) {
    const usd = input.budget_usd !== undefined ? input.budget_usd : (before.budget_usd ?? null);
    if (usd === null && input.budget_period) throw invalid("budget_period needs a budget_usd.");
    if (usd !== null && input.budget_period === null) throw invalid("A budget needs a budget_period; send budget_usd: null to remove it.");
    columns.budgetUsd = usd;
    columns.budgetPeriod = usd === null ? null : (input.budget_period ?? before.budget_period ?? "monthly");
  }
  return columns;
}

/** An ISO expiry from a request: in the future, or null for none. */
export function parseExpiry(iso: string | null | undefined): Date | null | undefined {
  if (iso === undefined || iso === null) return iso;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) throw new AppError("invalid_expires_at");
  return at;
}

/** Within the tenant's key lifetime; no expiry asked becomes that lifetime's end. */
export function boundedExpiry(requested: Date | null, settings: { max_key_lifetime_days: number | null }): Date | null {
  const days = settings.max_key_lifetime_days;
  if (days === null) return requested;
  const latest = Date.now() + days * DAY_MS;
  if (requested === null) return new Date(latest);
  if (requested.getTime() > latest) throw exceeds("expires_at", `The tenant's keys expire within ${days} days.`);
  return requested;
}

/** When the current period of `period` ends, ISO; null for lifetime or no budget. */
export function resetsAt(period: BudgetPeriod | null, now = Date.now()): string | null {
  const end = period ? periodWindow(period, now).resetsAt : null;
  return end === null ? null : new Date(end).toISOString();
}

const exceeds = (field: string, message: string) => new AppError("exceeds_tenant_policy", { message, recovery: { field } });
const invalid = (message: string) => new AppError("invalid_value", { message });
