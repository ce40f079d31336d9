import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import type { BudgetPeriod } from "../store/schema.js";
import { lockTenantSettings, updateTenantSettings as writeTenantSettings } from "../store/tenants.js";
import type { Actor } from "./actor.js";
import { audit } from "./audit.js";
import { type PolicyInput, policyColumns, resetsAt, type TenantSettingsRow, tenantSettingsOf } from "./key-policy.js";

// The tenant's settings (DESIGN.md §10): defaults and ceilings for every key, and the tenant's
// own budget over all of its keys' spend. One service for /auth/tenant/settings (members read,
// owners and admins change) and /v1/tenant/settings (admin-role keys; the route refuses others).

type SettingsDeps = Pick<Deps, "db" | "keyCache" | "spend">;

export interface SettingsInput extends PolicyInput {
  max_key_lifetime_days?: number | null | undefined;
}

export async function getTenantSettings(deps: SettingsDeps, actor: Actor) {
  const row = await deps.db.asTenant(actor.tenantId, (tx) => tenantSettingsOf(tx, actor.tenantId));
  return settingsView(deps, actor.tenantId, row);
}

/** Every key of the tenant reloads its policy on every instance (key-cache invalidation by tenant). */
export async function updateTenantSettings(deps: SettingsDeps, actor: Actor, input: SettingsInput) {
  if (actor.via === "jwt" && actor.membershipRole !== "owner" && actor.membershipRole !== "admin") {
    throw new AppError("admin_required", { message: "Only the tenant's owners and admins change its settings." });
  }
  const { after, budgetChanged } = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const before = await lockTenantSettings(tx, actor.tenantId);
    if (!before) throw new AppError("tenant_not_found");
    const columns = policyColumns(before, input, null);
    const after = await writeTenantSettings(tx, actor.tenantId, {
      rate_limit_rpm: columns.rateLimitRpm,
      budget_usd: columns.budgetUsd,
      budget_period: columns.budgetPeriod,
      allowed_models: columns.allowedModels,
      max_key_lifetime_days: input.max_key_lifetime_days,
    });
    const changes: Record<string, [unknown, unknown]> = {};
    for (const field of FIELDS) {
      if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changes[field] = [before[field], after[field]];
    }
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "tenant.settings_updated",
      target: { type: "tenant", id: actor.tenantId },
      changes,
    });
    return { after, budgetChanged: "budget_usd" in changes || "budget_period" in changes };
  });
  if (budgetChanged && after.budget_period) {
    await deps.spend.resync({ scope: "tenant", id: actor.tenantId, tenantId: actor.tenantId }, after.budget_period);
  }
  await deps.keyCache.invalidate({ tenantIds: [actor.tenantId] });
  return settingsView(deps, actor.tenantId, after);
}

const FIELDS = ["rate_limit_rpm", "budget_usd", "budget_period", "allowed_models", "max_key_lifetime_days"] as const;

async function settingsView(deps: Pick<Deps, "spend">, tenantId: string, row: TenantSettingsRow) {
  const period: BudgetPeriod | null = row.budget_period;
  const [spent] =
    row.budget_usd !== null && period
      ? await deps.spend.spentUsd([{ scope: "tenant", id: tenantId, tenantId, usd: row.budget_usd, period }])
      : [];
  return { ...row, spend_usd: spent ?? null, budget_resets_at: resetsAt(period) };
}
