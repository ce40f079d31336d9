import { useMutation } from "@tanstack/react-query";
import type { ApiKey, CreatedApiKey } from "brainstormrouter";
import { useEffect, useState } from "react";
import { FormDialog } from "../../components/form-dialog";
import { Field } from "../../components/ui";
import { errorMessage } from "../../lib/api-errors";
import { formatDateTime, timeLeft } from "../../lib/dates";
import { rotateApiKey } from "./api/api-keys";

/** The server's bounds are 0–86,400 s, default 3,600 (decision 119). */
const GRACES = [
  { seconds: 0, label: "Stop it now" },
  { seconds: 300, label: "5 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
] as const;

export function RotateKeyDialog({
  tenantId,
  apiKey,
  onClose,
  onRotated,
}: {
  tenantId: string;
  apiKey: ApiKey | null;
  onClose: () => void;
  onRotated: (key: CreatedApiKey) => Promise<unknown>;
}) {
  const [grace, setGrace] = useState(3600);
  const rotate = useMutation({
    mutationFn: (key: ApiKey) => rotateApiKey(tenantId, key.id, grace),
    onSuccess: async (key) => {
      onClose();
      await onRotated(key);
    },
  });
  const { reset } = rotate;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each opening starts afresh
  useEffect(() => {
    reset();
    setGrace(3600);
  }, [apiKey?.id, reset]);
  const inGrace = apiKey?.previous_secret_expires_at && Date.parse(apiKey.previous_secret_expires_at) > Date.now();
  return (
    <FormDialog
      open={apiKey !== null}
      title={`Rotate key “${apiKey?.name || apiKey?.prefix || ""}”?`}
      submitLabel="Rotate key"
      busy={rotate.isPending}
      error={rotate.error ? errorMessage(rotate.error) : null}
      onSubmit={() => apiKey && rotate.mutate(apiKey)}
      onCancel={onClose}
    >
      <p>
        The key gets a new secret under the same id and keeps its limits. The new secret is shown once. After the grace, the old one answers{" "}
        <code>401 api_key_rotated</code>.
      </p>
      {inGrace && (
        <p className="form-warning">
          This key is still in the grace of its last rotation: the secret before the current one stops working at once.
        </p>
      )}
      <Field label="Old secret keeps working for" hint="Time to roll the new secret out to everything that uses the key.">
        {(id, describedBy) => (
          <select id={id} aria-describedby={describedBy} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
            {GRACES.map((g) => (
              <option key={g.seconds} value={g.seconds}>
                {g.label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </FormDialog>
  );
}

/** The old secret's grace, counting down while it is on screen. */
export function GraceRemaining({ until }: { until: string | null }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const left = until ? timeLeft(until, now) : null;
  return (
    <p data-testid="old-secret-grace">
      {left ? `The old secret works for ${left} (until ${formatDateTime(until)}).` : "The old secret has stopped working."}
    </p>
  );
}
