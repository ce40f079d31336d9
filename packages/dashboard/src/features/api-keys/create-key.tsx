import { useMutation } from "@tanstack/react-query";
import type { ApiKeyRole, CreateApiKeyParams, CreatedApiKey, TenantSettings } from "brainstormrouter";
import { useState } from "react";
import { Button, Card, Field } from "../../components/ui";
import { useFocusFirstInvalid } from "../../components/use-focus-first-invalid";
import type { FieldErrors } from "../../lib/policy";
import { useTenant } from "../tenants/tenant-context";
import { createApiKey } from "./api/api-keys";
import { EMPTY_KEY, KeyPolicyFields, readKeyDraft, serverErrors, type KeyDraft, type KeyField } from "./key-form";

/** Name and role, then the optional policy: every limit empty is a key bounded by the tenant alone. */
export function CreateKey({ tenant, onCreated }: { tenant: TenantSettings | undefined; onCreated(key: CreatedApiKey): Promise<void> }) {
  const { current } = useTenant();
  const [draft, setDraft] = useState<KeyDraft>(EMPTY_KEY);
  const [role, setRole] = useState<ApiKeyRole>("developer");
  const [invalid, setInvalid] = useState<FieldErrors<KeyField>>({});
  const create = useMutation({
    mutationFn: (params: CreateApiKeyParams) => createApiKey(current!.tenant.id, params),
    onSuccess: async (key) => {
      setDraft(EMPTY_KEY);
      await onCreated(key);
    },
  });
  function submit() {
    const read = readKeyDraft(draft, tenant);
    setInvalid(read.errors);
    if (Object.keys(read.errors).length > 0) return;
    const { policy } = read;
    create.mutate({
      name: read.name,
      role,
      ...(read.expiresAt ? { expires_at: read.expiresAt } : {}),
      ...(policy.rate_limit_rpm !== null ? { rate_limit_rpm: policy.rate_limit_rpm } : {}),
      ...(policy.budget_usd !== null ? { budget_usd: policy.budget_usd, budget_period: policy.budget_period } : {}),
      ...(policy.allowed_models ? { allowed_models: policy.allowed_models } : {}),
    });
  }
  const server = serverErrors(create.error);
  const errors = { ...server.fields, ...invalid };
  const form = useFocusFirstInvalid<HTMLFormElement>(invalid);
  return (
    <Card title="Create a key">
      <form
        ref={form}
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onChange={() => {
          // Checked again on the next submit; a stale message next to a corrected field misleads.
          setInvalid({});
          if (create.error) create.reset();
        }}
      >
        <div className="form-row">
          <Field label="Key name" hint="So you can tell keys apart later, e.g. “ci-agent”." error={errors.name}>
            {(id, describedBy, bad) => (
              <input
                id={id}
                aria-describedby={describedBy}
                aria-invalid={bad || undefined}
                required
                maxLength={100}
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
                placeholder="ci-agent"
              />
            )}
          </Field>
          <Field
            label="Key role"
            hint={current!.role === "owner" ? "Admin keys may also mint claim links and link terminals." : "Only owners create admin keys."}
          >
            {(id, describedBy) => (
              <select id={id} aria-describedby={describedBy} value={role} onChange={(e) => setRole(e.target.value as ApiKeyRole)}>
                <option value="developer">developer</option>
                {current!.role === "owner" && <option value="admin">admin</option>}
              </select>
            )}
          </Field>
        </div>
        <fieldset className="fieldset">
          <legend>Limits (optional)</legend>
          <div className="stack">
            <KeyPolicyFields draft={draft} onChange={setDraft} errors={errors} tenant={tenant} creating />
          </div>
        </fieldset>
        {server.form && (
          <p className="form-error" role="alert">
            {server.form}
          </p>
        )}
        <div>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create key
          </Button>
        </div>
      </form>
    </Card>
  );
}
