import type { BudgetPeriod, PolicyFields } from "brainstormrouter";

/**
 * The policy a key or the tenant carries (DESIGN.md §10), as the forms edit it, and the server's
 * bounds checked before asking: the same numbers as the routes' schemas, so a mistake is named
 * next to its field instead of coming back as a 400 (the server's answer still shows in place
 * when it refuses, e.g. `exceeds_tenant_policy`).
 */
export const BOUNDS = {
  rpm: { min: 1, max: 100_000 },
  budget: { max: 1_000_000 },
  patterns: { max: 50, length: 200 },
  lifetimeDays: { min: 1, max: 3650 },
} as const;

/** Text as typed; "" is "none". */
export interface PolicyDraft {
  rpm: string;
  budget: string;
  period: BudgetPeriod;
  models: string[];
  /** A pattern typed but not yet added: saving adds it rather than dropping it silently. */
  pendingModel: string;
}

export type PolicyField = keyof PolicyFields;
export type FieldErrors<F extends string = string> = Partial<Record<F, string>>;

export const EMPTY_DRAFT: PolicyDraft = { rpm: "", budget: "", period: "monthly", models: [], pendingModel: "" };

export function draftOf(policy: PolicyFields): PolicyDraft {
  return {
    rpm: policy.rate_limit_rpm === null ? "" : String(policy.rate_limit_rpm),
    budget: policy.budget_usd === null ? "" : String(policy.budget_usd),
    period: policy.budget_period ?? "monthly",
    models: policy.allowed_models ?? [],
    pendingModel: "",
  };
}

/** A whole number in [min, max], or null for "". */
export function parseWhole(text: string, min: number, max: number, what: string): { value: number | null; error?: string } {
  const t = text.trim();
  if (t === "") return { value: null };
  const n = Number(t);
  if (!Number.isInteger(n) || n < min || n > max) {
    return { value: null, error: `${what} must be a whole number from ${min.toLocaleString()} to ${max.toLocaleString()}.` };
  }
  return { value: n };
}

function parseBudget(text: string): { value: number | null; error?: string } {
  const t = text.trim();
  if (t === "") return { value: null };
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0 || n > BOUNDS.budget.max) {
    return { value: null, error: `The budget must be more than $0 and at most $${BOUNDS.budget.max.toLocaleString()}.` };
  }
  return { value: n };
}

/** Why `pattern` cannot join `list`, or null when it can. */
export function patternProblem(pattern: string, list: string[]): string | null {
  if (pattern === "") return "Type a model name or pattern first.";
  if (pattern.length > BOUNDS.patterns.length) return `A pattern is at most ${BOUNDS.patterns.length} characters.`;
  if (/[\s\0]/.test(pattern)) return "A pattern has no spaces.";
  if (list.includes(pattern)) return `“${pattern}” is already in the list.`;
  if (list.length >= BOUNDS.patterns.max) return `At most ${BOUNDS.patterns.max} patterns.`;
  return null;
}

/** The draft as the API's fields, or the errors to show next to each field. */
export function readPolicy(draft: PolicyDraft): { value: PolicyFields; errors: FieldErrors<PolicyField> } {
  const errors: FieldErrors<PolicyField> = {};
  const rpm = parseWhole(draft.rpm, BOUNDS.rpm.min, BOUNDS.rpm.max, "Requests per minute");
  if (rpm.error) errors.rate_limit_rpm = rpm.error;
  const budget = parseBudget(draft.budget);
  if (budget.error) errors.budget_usd = budget.error;
  const pending = draft.pendingModel.trim();
  let models = draft.models;
  if (pending !== "") {
    const problem = patternProblem(pending, models);
    if (problem) errors.allowed_models = problem;
    else models = [...models, pending];
  }
  return {
    value: {
      rate_limit_rpm: rpm.value,
      budget_usd: budget.value,
      // A period without an amount means nothing; the server refuses it.
      budget_period: budget.value === null ? null : draft.period,
      allowed_models: models.length === 0 ? null : models,
    },
    errors,
  };
}

const sameList = (a: string[] | null, b: string[] | null) => (a ?? []).join("\n") === (b ?? []).join("\n");

/** Only what changed, for a PATCH: an amount and its period travel together. */
export function changedPolicy(before: PolicyFields, after: PolicyFields): Partial<PolicyFields> {
  const patch: Partial<PolicyFields> = {};
  if (before.rate_limit_rpm !== after.rate_limit_rpm) patch.rate_limit_rpm = after.rate_limit_rpm;
  if (before.budget_usd !== after.budget_usd || (after.budget_usd !== null && before.budget_period !== after.budget_period)) {
    patch.budget_usd = after.budget_usd;
    patch.budget_period = after.budget_period;
  }
  if (!sameList(before.allowed_models, after.allowed_models)) patch.allowed_models = after.allowed_models;
  return patch;
}

/** `2026-12-31` (a UTC day from a date input) → that day's 00:00 UTC; "" → null. */
export function dayToIso(day: string): string | null {
  return day === "" ? null : `${day}T00:00:00.000Z`;
}

/** The UTC day `days` from now, YYYY-MM-DD, for a date input's min/max. */
export function utcDayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
