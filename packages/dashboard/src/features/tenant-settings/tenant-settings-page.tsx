import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TenantSettings, UpdateTenantSettingsParams } from "brainstormrouter";
import { useState } from "react";
import { Link } from "../../app/router";
import { PolicyFieldsEditor } from "../../components/policy-fields";
import { QueryState } from "../../components/query-state";
import { SpendMeter } from "../../components/spend-meter";
import { Banner, Button, Card, Field } from "../../components/ui";
import { useFocusFirstInvalid } from "../../components/use-focus-first-invalid";
import { errorField, errorMessage } from "../../lib/api-errors";
import { formatUsd, PERIOD_LABEL } from "../../lib/money";
import { BOUNDS, changedPolicy, draftOf, parseWhole, readPolicy, type FieldErrors, type PolicyDraft } from "../../lib/policy";
import { useTenant } from "../tenants/tenant-context";
import { tenantSettingsQueryOptions, updateTenantSettings } from "./api/tenant-settings";

type SettingsField = keyof UpdateTenantSettingsParams;
const FIELDS: readonly string[] = ["rate_limit_rpm", "budget_usd", "budget_period", "allowed_models", "max_key_lifetime_days"];

export function TenantSettingsPage() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const settings = useQuery(tenantSettingsQueryOptions(tenantId));
  const manages = current!.role !== "member";
  return (
    <div className="page">
      <div className="page-head">
        <h1>Settings</h1>
        <p className="muted">
          Limits for all of {current!.tenant.name}: its budget over every key's spend, the models any key may use, and each key's defaults
          and ceilings. A key's own limits (on <Link to="/keys">API keys</Link>) narrow these, never widen them.
        </p>
      </div>
      {!manages && (
        <Banner tone="info" title="Only owners and admins change these settings">
          You are a member of this tenant: you can see its limits and its spend.
        </Banner>
      )}
      <QueryState query={settings}>
        {(data) => (
          <>
            <Card title="Spend this period">
              <div data-testid="tenant-spend">
                <SpendMeter scope={data} showReset />
              </div>
            </Card>
            {manages ? <SettingsForm tenantId={tenantId} settings={data} /> : <SettingsFacts settings={data} />}
          </>
        )}
      </QueryState>
    </div>
  );
}

/** What a member sees: the same five settings, as text. */
function SettingsFacts({ settings: s }: { settings: TenantSettings }) {
  return (
    <Card title="Limits">
      <dl className="facts" data-testid="settings-facts">
        <dt>Budget</dt>
        <dd>{s.budget_usd === null ? "No budget" : `${formatUsd(s.budget_usd)} ${PERIOD_LABEL[s.budget_period ?? "monthly"]}`}</dd>
        <dt>Requests per minute, per key</dt>
        <dd>{s.rate_limit_rpm === null ? "No limit" : s.rate_limit_rpm.toLocaleString()}</dd>
        <dt>Allowed models</dt>
        <dd>{s.allowed_models === null ? "Every model" : <span className="mono">{s.allowed_models.join(", ")}</span>}</dd>
        <dt>Longest key lifetime</dt>
        <dd>{s.max_key_lifetime_days === null ? "No bound" : `${s.max_key_lifetime_days} days`}</dd>
      </dl>
    </Card>
  );
}

function SettingsForm({ tenantId, settings }: { tenantId: string; settings: TenantSettings }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(settings));
  const [lifetime, setLifetime] = useState(settings.max_key_lifetime_days === null ? "" : String(settings.max_key_lifetime_days));
  const [invalid, setInvalid] = useState<FieldErrors<SettingsField>>({});
  const [saved, setSaved] = useState<"saved" | "unchanged" | null>(null);
  const save = useMutation({
    mutationFn: (params: UpdateTenantSettingsParams) => updateTenantSettings(tenantId, params),
    onSuccess: (next) => {
      client.setQueryData(tenantSettingsQueryOptions(tenantId).queryKey, next);
      setDraft(draftOf(next));
      setLifetime(next.max_key_lifetime_days === null ? "" : String(next.max_key_lifetime_days));
      setSaved("saved");
    },
  });
  const form = useFocusFirstInvalid<HTMLFormElement>(invalid);
  function submit() {
    const { value, errors } = readPolicy(draft);
    const all: FieldErrors<SettingsField> = { ...errors };
    const days = parseWhole(lifetime, BOUNDS.lifetimeDays.min, BOUNDS.lifetimeDays.max, "The longest key lifetime");
    if (days.error) all.max_key_lifetime_days = days.error;
    setInvalid(all);
    if (Object.keys(all).length > 0) return;
    const patch: UpdateTenantSettingsParams = { ...changedPolicy(settings, value) };
    if (days.value !== settings.max_key_lifetime_days) patch.max_key_lifetime_days = days.value;
    if (Object.keys(patch).length === 0) return setSaved("unchanged");
    save.mutate(patch);
  }
  let field = save.error ? errorField(save.error) : null;
  if (field === "budget_period") field = "budget_usd";
  const placed = field !== null && FIELDS.includes(field);
  const errors: FieldErrors<SettingsField> = { ...(placed && save.error ? { [field!]: errorMessage(save.error) } : {}), ...invalid };
  return (
    <Card title="Limits">
      <form
        ref={form}
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onChange={() => {
          setInvalid({});
          setSaved(null);
          if (save.error) save.reset();
        }}
      >
        <PolicyFieldsEditor
          draft={draft}
          onChange={(d) => {
            setDraft(d);
            setSaved(null);
          }}
          errors={errors}
          hints={{
            budget: "The whole tenant's spend, every key together. Empty: no budget.",
            rpm: "Each key's default, and the most a key may ask for. Empty: no limit.",
            models: "Empty: every model the server offers.",
          }}
          beside={
            <Field
              label="Longest key lifetime (days)"
              hint="New keys expire within this many days, and by then when no expiry is given. Empty: keys may never expire."
              error={errors.max_key_lifetime_days}
            >
              {(id, describedBy, bad) => (
                <input
                  id={id}
                  type="number"
                  inputMode="numeric"
                  min="1"
                  step="1"
                  aria-describedby={describedBy}
                  aria-invalid={bad || undefined}
                  value={lifetime}
                  onChange={(e) => setLifetime(e.target.value)}
                  placeholder="none"
                />
              )}
            </Field>
          }
        />
        {save.error && !placed && (
          <p className="form-error" role="alert">
            {errorMessage(save.error)}
          </p>
        )}
        <div className="form-footer">
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save settings
          </Button>
          <span role="status" className="muted">
            {saved === "saved" ? "Saved. Every key follows the new settings now." : saved === "unchanged" ? "Nothing changed yet." : ""}
          </span>
        </div>
      </form>
    </Card>
  );
}
