import type { BudgetPeriod } from "brainstormrouter";
import { useId, useState, type ReactNode } from "react";
import { PERIOD_LABEL } from "../lib/money";
import { patternProblem, type FieldErrors, type PolicyDraft, type PolicyField } from "../lib/policy";
import { Button, Field } from "./ui";

const PERIODS: BudgetPeriod[] = ["monthly", "daily", "lifetime"];

/**
 * The fields a key and the tenant share: budget and its period, requests per minute, allowed
 * models. `hints` says what an empty field means here (the tenant's ceiling, or "no limit").
 */
export function PolicyFieldsEditor({
  draft,
  onChange,
  errors,
  hints,
  beside,
}: {
  draft: PolicyDraft;
  onChange: (draft: PolicyDraft) => void;
  errors: FieldErrors<PolicyField>;
  hints: Partial<Record<"budget" | "rpm" | "models", string>>;
  /** A field of the caller's (a key's expiry, the tenant's key lifetime) in the row of the rate limit. */
  beside?: ReactNode;
}) {
  const set = (patch: Partial<PolicyDraft>) => onChange({ ...draft, ...patch });
  return (
    <>
      <div className="form-row">
        <Field label="Budget (USD)" hint={hints.budget ?? "Empty: no budget."} error={errors.budget_usd}>
          {(id, describedBy, invalid) => (
            <input
              id={id}
              type="number"
              inputMode="decimal"
              min="0.01"
              step="any"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={draft.budget}
              onChange={(e) => set({ budget: e.target.value })}
              placeholder="none"
            />
          )}
        </Field>
        <Field label="Budget period" hint="Periods are UTC days and months.">
          {(id, describedBy) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={draft.period}
              disabled={draft.budget.trim() === ""}
              onChange={(e) => set({ period: e.target.value as BudgetPeriod })}
            >
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {PERIOD_LABEL[p]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Requests per minute" hint={hints.rpm ?? "Empty: no limit."} error={errors.rate_limit_rpm}>
          {(id, describedBy, invalid) => (
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min="1"
              step="1"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={draft.rpm}
              onChange={(e) => set({ rpm: e.target.value })}
              placeholder="none"
            />
          )}
        </Field>
        {beside}
      </div>
      <ModelPatterns
        models={draft.models}
        pending={draft.pendingModel}
        onChange={(models, pendingModel) => set({ models, pendingModel })}
        error={errors.allowed_models}
        hint={hints.models ?? "Empty: every model."}
      />
    </>
  );
}

/** Allowed models as a list of glob patterns: type one, Add (or Enter), remove any. */
function ModelPatterns({
  models,
  pending,
  onChange,
  error,
  hint,
}: {
  models: string[];
  pending: string;
  onChange: (models: string[], pending: string) => void;
  error?: string;
  hint: string;
}) {
  const listId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  function add() {
    const pattern = pending.trim();
    const why = patternProblem(pattern, models);
    setProblem(why);
    if (!why) onChange([...models, pattern], "");
  }
  return (
    <div className="stack-sm">
      <Field
        label="Allowed models"
        hint={
          <>
            Model names or patterns: <code>*</code> is any text, <code>?</code> one character, e.g. <code>gpt-4o*</code>. {hint}
          </>
        }
        error={problem ?? error}
      >
        {(id, describedBy, invalid) => (
          <div className="pattern-add">
            <input
              id={id}
              aria-describedby={describedBy ? `${describedBy} ${listId}` : listId}
              aria-invalid={invalid || undefined}
              value={pending}
              maxLength={200}
              spellCheck={false}
              autoCapitalize="off"
              placeholder="gpt-4o*"
              onChange={(e) => {
                setProblem(null);
                onChange(models, e.target.value);
              }}
              onKeyDown={(e) => {
                // Enter adds the pattern; it must not submit the whole form half-filled.
                if (e.key === "Enter") {
                  e.preventDefault();
                  add();
                }
              }}
            />
            <Button onClick={add}>Add pattern</Button>
          </div>
        )}
      </Field>
      <ul className="patterns" id={listId} aria-label="Allowed model patterns">
        {models.length === 0 ? (
          <li className="hint">No patterns: every model.</li>
        ) : (
          models.map((m) => (
            <li key={m} className="pattern">
              <code>{m}</code>
              <button
                type="button"
                className="pattern-remove"
                aria-label={`Remove ${m}`}
                onClick={() =>
                  onChange(
                    models.filter((x) => x !== m),
                    pending,
                  )
                }
              >
                ×
              </button>
            </li>
          ))
        )}
      </ul>
    </div>
  );
}
