import { defineErrorCodes } from "../types.js";

/** Tenant governance (DESIGN.md §10): budgets, model access and the policy a key may ask for. */
export const GOVERNANCE_ERRORS = defineErrorCodes({
  budget_exceeded: {
    status: 429,
    type: "rate_limit_error",
    message: "The budget for this period is spent.",
    meaning:
      'The key\'s or the tenant\'s `budget_usd` for its current period is spent. Periodic budgets answer `recovery.action: "wait"` with `wait_ms` and `Retry-After` until the period resets (UTC); a lifetime budget answers `"escalate"`. `recovery.scope` says whose budget (`key` | `tenant`).',
    recovery: { action: "wait" },
    recoveryFields: ["wait_ms", "scope", "budget_usd", "budget_period", "resets_at"],
  },
  model_not_allowed: {
    status: 403,
    type: "permission_error",
    message: "This key may not use this model.",
    meaning: "The model is outside the key's or the tenant's `allowed_models`; `recovery.models` lists the models it may use.",
    recovery: { action: "switch_model" },
    recoveryFields: ["models"],
  },
  exceeds_tenant_policy: {
    status: 400,
    type: "invalid_request_error",
    message: "The key asks for more than the tenant's settings allow.",
    meaning:
      "A key's `rate_limit_rpm` is above the tenant's, or its expiry is past the tenant's `max_key_lifetime_days`: a key narrows the tenant's policy, never widens it. `recovery.field` names the field.",
    recovery: { action: "retry_with_params" },
    recoveryFields: ["field"],
  },
});
