import type { RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";

/** UTC periods; a lifetime budget never resets. */
export type BudgetPeriod = "daily" | "monthly" | "lifetime";

/** Limits a key or a tenant may carry (DESIGN.md §10); null: none. */
export interface PolicyFields {
  /** Requests per minute. On the tenant: each key's default and ceiling. */
  rate_limit_rpm: number | null;
  /** USD per `budget_period`. On the tenant: every key's spend together. */
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  /** Glob patterns (`*`, `?`) of the models allowed, e.g. `gpt-4o*`, `openai/*`. */
  allowed_models: string[] | null;
}

/** Spend in the current budget period. */
export interface SpendFields {
  /** null: no budget. */
  spend_usd: number | null;
  /** When the period ends (UTC); null: lifetime or no budget. */
  budget_resets_at: string | null;
}

export interface TenantSettings extends PolicyFields, SpendFields {
  /** New keys expire within this many days (their default expiry). */
  max_key_lifetime_days: number | null;
}

/** At least one field; null clears it. A budget without a period is monthly. */
export type UpdateTenantSettingsParams = Partial<PolicyFields & { max_key_lifetime_days: number | null }>;

/** The current tenant's settings on the dashboard: members read, owners and admins change. */
export class TenantSettingsResource extends APIResource {
  retrieve(options?: RequestOptions): Promise<TenantSettings> {
    return this.core.request({ method: "GET", path: "/auth/tenant/settings", credential: "accessToken", options });
  }
  update(params: UpdateTenantSettingsParams, options?: RequestOptions): Promise<TenantSettings> {
    return this.core.request({ method: "PATCH", path: "/auth/tenant/settings", credential: "accessToken", body: params, options });
  }
}
