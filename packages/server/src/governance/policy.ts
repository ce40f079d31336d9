import type { BudgetPeriod } from "../store/schema.js";
import { ModelAccess } from "./model-access.js";

/** A spending limit of one scope: the key's own, or its tenant's (every key's spend together). */
export interface Budget {
  scope: "key" | "tenant";
  id: string;
  tenantId: string;
  usd: number;
  period: BudgetPeriod;
}

/** What the hot path enforces for a key, compiled once per key-cache load. */
export interface KeyPolicy {
  budgets: readonly Budget[];
  /** null: every model the gateway serves. */
  models: ModelAccess | null;
  /** Requests per minute: the key's own, capped by the tenant's, or the tenant's default. */
  rateLimitRpm: number | null;
}

/** The key's and the tenant's settings as the key look-up returns them. */
export interface PolicySources {
  keyId: string;
  tenantId: string;
  key: { budgetUsd: number | null; budgetPeriod: BudgetPeriod | null; allowedModels: string[] | null; rateLimitRpm: number | null };
  tenant: { budgetUsd: number | null; budgetPeriod: BudgetPeriod | null; allowedModels: string[] | null; rateLimitRpm: number | null };
}

export function compilePolicy({ keyId, tenantId, key, tenant }: PolicySources): KeyPolicy {
  const budgets: Budget[] = [];
  if (key.budgetUsd !== null && key.budgetPeriod)
    budgets.push({ scope: "key", id: keyId, tenantId, usd: key.budgetUsd, period: key.budgetPeriod });
  if (tenant.budgetUsd !== null && tenant.budgetPeriod) {
    budgets.push({ scope: "tenant", id: tenantId, tenantId, usd: tenant.budgetUsd, period: tenant.budgetPeriod });
  }
  const lists = [tenant.allowedModels, key.allowedModels].filter((l): l is string[] => l !== null);
  return {
    budgets,
    models: lists.length > 0 ? new ModelAccess(lists) : null,
    rateLimitRpm: effectiveRpm(key.rateLimitRpm, tenant.rateLimitRpm),
  };
}

function effectiveRpm(key: number | null, tenant: number | null): number | null {
  if (key === null) return tenant;
  return tenant === null ? key : Math.min(key, tenant);
}
