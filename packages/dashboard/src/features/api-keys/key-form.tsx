import type { ApiKey, PolicyFields, TenantSettings } from "brainstormrouter";
import { PolicyFieldsEditor } from "../../components/policy-fields";
import { Field } from "../../components/ui";
import { errorField, errorMessage } from "../../lib/api-errors";
import { formatDay } from "../../lib/dates";
import { formatUsd, PERIOD_PHRASE } from "../../lib/money";
import {
  dayToIso,
  draftOf,
  EMPTY_DRAFT,
  readPolicy,
  utcDayFromNow,
  type FieldErrors,
  type PolicyDraft,
  type PolicyField,
} from "../../lib/policy";

/** A key's name, expiry and policy as typed; `expires` is a UTC day from a date input. */
export interface KeyDraft {
  name: string;
  expires: string;
  policy: PolicyDraft;
}

export type KeyField = PolicyField | "name" | "expires_at";

export const EMPTY_KEY: KeyDraft = { name: "", expires: "", policy: EMPTY_DRAFT };

export const keyDraftOf = (key: ApiKey): KeyDraft => ({
  name: key.name,
  expires: key.expires_at ? formatDay(key.expires_at) : "",
  policy: draftOf(key),
});

/** The draft as request fields, or what is wrong with it, field by field. */
export function readKeyDraft(
  draft: KeyDraft,
  tenant: TenantSettings | undefined,
): { name: string; expiresAt: string | null; policy: PolicyFields; errors: FieldErrors<KeyField> } {
  const { value, errors } = readPolicy(draft.policy);
  const all: FieldErrors<KeyField> = { ...errors };
  const name = draft.name.trim();
  if (name === "") all.name = "Give the key a name.";
  const expiresAt = dayToIso(draft.expires);
  if (expiresAt !== null) {
    if (Number.isNaN(Date.parse(expiresAt))) all.expires_at = "Pick a date.";
    else if (Date.parse(expiresAt) <= Date.now()) all.expires_at = "Pick a day after today (UTC).";
    else if (tenant?.max_key_lifetime_days != null && draft.expires > utcDayFromNow(tenant.max_key_lifetime_days)) {
      all.expires_at = `This tenant allows keys for at most ${tenant.max_key_lifetime_days} days: pick ${utcDayFromNow(tenant.max_key_lifetime_days)} or earlier.`;
    }
  }
  if (tenant?.rate_limit_rpm != null && value.rate_limit_rpm !== null && value.rate_limit_rpm > tenant.rate_limit_rpm) {
    all.rate_limit_rpm = `This tenant allows at most ${tenant.rate_limit_rpm.toLocaleString()} requests per minute per key.`;
  }
  return { name, expiresAt, policy: value, errors: all };
}

const FIELDS: readonly string[] = ["name", "expires_at", "rate_limit_rpm", "budget_usd", "budget_period", "allowed_models"];

/**
 * The server's refusal, next to the field it names (`exceeds_tenant_policy`'s field, a validation
 * failure's path); `form` is what names no field of this form.
 */
export function serverErrors(error: unknown): { fields: FieldErrors<KeyField>; form: string | null } {
  if (!error) return { fields: {}, form: null };
  let field = errorField(error);
  if (field === "expires_in_days") field = "expires_at";
  if (field === "budget_period") field = "budget_usd";
  if (field && FIELDS.includes(field)) return { fields: { [field]: errorMessage(error) }, form: null };
  return { fields: {}, form: errorMessage(error) };
}

/** What an empty field means under this tenant's settings. */
export function tenantHints(tenant: TenantSettings | undefined) {
  if (!tenant) return {};
  return {
    rpm:
      tenant.rate_limit_rpm === null
        ? "Empty: no limit."
        : `Empty: the tenant's ${tenant.rate_limit_rpm.toLocaleString()} per minute, also the most a key may have.`,
    budget:
      tenant.budget_usd === null
        ? "Empty: no budget."
        : `Empty: no budget of its own; the tenant's ${formatUsd(tenant.budget_usd)} ${PERIOD_PHRASE[tenant.budget_period ?? "monthly"]} still applies.`,
    models:
      tenant.allowed_models === null
        ? "Empty: every model."
        : `Empty: every model the tenant allows (${tenant.allowed_models.join(", ")}); a key's list narrows it.`,
  };
}

/** Expiry and policy: the fields the create form and the edit dialog share. */
export function KeyPolicyFields({
  draft,
  onChange,
  errors,
  tenant,
  creating,
}: {
  draft: KeyDraft;
  onChange: (draft: KeyDraft) => void;
  errors: FieldErrors<KeyField>;
  tenant: TenantSettings | undefined;
  creating: boolean;
}) {
  const maxDays = tenant?.max_key_lifetime_days ?? null;
  const expiryHint =
    maxDays === null
      ? "The key stops working at 00:00 UTC that day. Empty: it never expires."
      : creating
        ? `The key stops working at 00:00 UTC that day. Empty: in ${maxDays} days, the longest this tenant allows.`
        : `The key stops working at 00:00 UTC that day; at most ${maxDays} days ahead.`;
  return (
    <PolicyFieldsEditor
      draft={draft.policy}
      onChange={(policy) => onChange({ ...draft, policy })}
      errors={errors}
      hints={tenantHints(tenant)}
      beside={
        <Field label="Expires on (UTC)" hint={expiryHint} error={errors.expires_at}>
          {(id, describedBy, invalid) => (
            <input
              id={id}
              type="date"
              className="input-date"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              min={utcDayFromNow(1)}
              max={maxDays === null ? undefined : utcDayFromNow(maxDays)}
              value={draft.expires}
              onChange={(e) => onChange({ ...draft, expires: e.target.value })}
            />
          )}
        </Field>
      }
    />
  );
}
