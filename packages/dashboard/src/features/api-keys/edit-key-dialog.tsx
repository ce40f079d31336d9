import { useMutation } from "@tanstack/react-query";
import type { ApiKey, TenantSettings, UpdateApiKeyParams } from "brainstormrouter";
import { useEffect, useState } from "react";
import { FormDialog } from "../../components/form-dialog";
import { Field } from "../../components/ui";
import { useFocusFirstInvalid } from "../../components/use-focus-first-invalid";
import { changedPolicy, type FieldErrors } from "../../lib/policy";
import { updateApiKey } from "./api/api-keys";
import { KeyPolicyFields, keyDraftOf, readKeyDraft, serverErrors, type KeyDraft, type KeyField } from "./key-form";

/** A key's name, expiry and limits; only what changed is sent (the server refuses an empty PATCH). */
export function EditKeyDialog({
  tenantId,
  apiKey,
  tenant,
  onClose,
  onSaved,
}: {
  tenantId: string;
  apiKey: ApiKey | null;
  tenant: TenantSettings | undefined;
  onClose: () => void;
  onSaved: () => Promise<unknown>;
}) {
  const [forKey, setForKey] = useState<string | null>(null);
  const [draft, setDraft] = useState<KeyDraft | null>(null);
  const [invalid, setInvalid] = useState<FieldErrors<KeyField>>({});
  const [unchanged, setUnchanged] = useState(false);
  const save = useMutation({
    mutationFn: (params: UpdateApiKeyParams) => updateApiKey(tenantId, apiKey!.id, params),
    onSuccess: async () => {
      await onSaved();
      onClose();
    },
  });
  const body = useFocusFirstInvalid<HTMLDivElement>(invalid);
  // Each opening starts from the key as saved, not from the last edit's leftovers. (Set during
  // render, React's way to reset state from a prop; the dialog element itself stays mounted so
  // that closing it returns focus to the button that opened it.)
  if ((apiKey?.id ?? null) !== forKey) {
    setForKey(apiKey?.id ?? null);
    setDraft(apiKey ? keyDraftOf(apiKey) : null);
    setInvalid({});
    setUnchanged(false);
  }
  // The previous opening's refusal must not greet the next one.
  const { reset } = save;
  // biome-ignore lint/correctness/useExhaustiveDependencies: forKey is the trigger, a new opening
  useEffect(() => reset(), [forKey, reset]);
  const original = apiKey ? keyDraftOf(apiKey) : null;

  function submit() {
    if (!apiKey || !draft || !original) return;
    const read = readKeyDraft(draft, tenant);
    const expiryChanged = draft.expires !== original.expires;
    // An expiry left as it was is not checked again: it may be today's, or past what the tenant now allows.
    if (!expiryChanged) delete read.errors.expires_at;
    setInvalid(read.errors);
    if (Object.keys(read.errors).length > 0) return;
    const patch: UpdateApiKeyParams = { ...changedPolicy(apiKey, read.policy) };
    if (read.name !== apiKey.name) patch.name = read.name;
    if (expiryChanged) patch.expires_at = read.expiresAt;
    if (Object.keys(patch).length === 0) {
      setUnchanged(true);
      return;
    }
    save.mutate(patch);
  }
  const server = serverErrors(save.error);
  const errors = { ...server.fields, ...invalid };
  return (
    <FormDialog
      open={apiKey !== null && draft !== null}
      wide
      title={apiKey ? `Edit key “${apiKey.name || apiKey.prefix}”` : "Edit key"}
      submitLabel="Save changes"
      busy={save.isPending}
      error={server.form ?? (unchanged ? "Nothing changed yet." : null)}
      onSubmit={submit}
      onCancel={onClose}
    >
      {draft && (
        <div
          className="stack"
          ref={body}
          onChange={() => {
            setInvalid({});
            setUnchanged(false);
            if (save.error) save.reset();
          }}
        >
          <Field label="Key name" error={errors.name}>
            {(id, describedBy, bad) => (
              <input
                id={id}
                aria-describedby={describedBy}
                aria-invalid={bad || undefined}
                maxLength={100}
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
            )}
          </Field>
          <KeyPolicyFields draft={draft} onChange={setDraft} errors={errors} tenant={tenant} creating={false} />
        </div>
      )}
    </FormDialog>
  );
}
