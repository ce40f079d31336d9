import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiKey, CreatedApiKey } from "brainstormrouter";
import { useMemo, useState } from "react";
import { Link } from "../../app/router";
import { QueryTable } from "../../components/data-table";
import { OneTimeSecret } from "../../components/one-time-secret";
import { Badge, Banner, Button, Card, ConfirmDialog, EmptyState } from "../../components/ui";
import { useConfirmAction } from "../../components/use-confirm-action";
import { tenantSettingsQueryOptions } from "../tenant-settings/api/tenant-settings";
import { useTenant } from "../tenants/tenant-context";
import { apiKeysQueryOptions, revokeApiKey } from "./api/api-keys";
import { CreateKey } from "./create-key";
import { EditKeyDialog } from "./edit-key-dialog";
import { keyColumns } from "./key-columns";
import { GraceRemaining, RotateKeyDialog } from "./rotate-key-dialog";

/** A secret on screen this once: a new key's, or a rotated key's with its predecessor's grace. */
type Shown = { kind: "created" | "rotated"; key: CreatedApiKey };

export function ApiKeysPage() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const client = useQueryClient();
  const keys = useQuery(apiKeysQueryOptions(tenantId));
  // The tenant's ceilings, for the forms' hints and checks; the page works without them.
  const settings = useQuery(tenantSettingsQueryOptions(tenantId));
  const [shown, setShown] = useState<Shown | null>(null);
  const [editing, setEditing] = useState<ApiKey | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const manages = current!.role !== "member";
  const refresh = () => client.invalidateQueries(apiKeysQueryOptions(tenantId));
  const revoke = useConfirmAction((key: ApiKey) => revokeApiKey(tenantId, key.id), refresh);
  const revoking = revoke.target;
  const columns = useMemo(() => keyColumns(keys.data ?? []), [keys.data]);
  const label = (k: ApiKey) => k.name || k.prefix;
  return (
    <div className="page">
      <div className="page-head">
        <h1>API keys</h1>
        <p className="muted">
          Keys authenticate agents and apps calling <code>/v1/*</code> for {current!.tenant.name}. Each key's limits narrow the{" "}
          <Link to="/settings">tenant's settings</Link>, never widen them.
        </p>
      </div>
      {manages ? (
        <CreateKey
          tenant={settings.data}
          onCreated={async (key) => {
            setShown({ kind: "created", key });
            await refresh();
          }}
        />
      ) : (
        <Banner tone="info" title="Only owners and admins create or revoke keys">
          You are a member of this tenant: you can see its keys. Ask an owner for a key of your own.
        </Banner>
      )}
      {shown?.kind === "created" && (
        <OneTimeSecret
          title={`Key “${shown.key.name}” created — copy it now`}
          label="New API key"
          value={shown.key.key}
          dismissLabel="I've saved it"
          onDismiss={() => setShown(null)}
        >
          <p>This is the only time the full key is shown. Store it in your secret manager.</p>
        </OneTimeSecret>
      )}
      {shown?.kind === "rotated" && (
        <OneTimeSecret
          title={`Key “${shown.key.name || shown.key.prefix}” rotated — copy the new secret now`}
          label="New secret"
          value={shown.key.key}
          dismissLabel="I've saved it"
          onDismiss={() => setShown(null)}
        >
          <p>This is the only time the new secret is shown. The key id and its limits stay the same.</p>
          <GraceRemaining until={shown.key.previous_secret_expires_at} />
        </OneTimeSecret>
      )}
      <Card title="Keys">
        <QueryTable
          query={keys}
          columns={columns}
          empty={<EmptyState title="No API keys yet">Create one above to start calling the API.</EmptyState>}
          actions={(k) =>
            k.revoked_at ? (
              <Badge tone="bad">revoked</Badge>
            ) : (
              manages && (
                <span className="row-actions">
                  <Button variant="ghost" onClick={() => setEditing(k)} aria-label={`Edit ${label(k)}`}>
                    Edit
                  </Button>
                  <Button variant="ghost" onClick={() => setRotating(k)} aria-label={`Rotate ${label(k)}`}>
                    Rotate
                  </Button>
                  <Button variant="ghost" onClick={() => revoke.ask(k)} aria-label={`Revoke ${label(k)}`}>
                    Revoke
                  </Button>
                </span>
              )
            )
          }
        />
      </Card>
      <EditKeyDialog tenantId={tenantId} apiKey={editing} tenant={settings.data} onClose={() => setEditing(null)} onSaved={refresh} />
      <RotateKeyDialog
        tenantId={tenantId}
        apiKey={rotating}
        onClose={() => setRotating(null)}
        onRotated={async (key) => {
          setShown({ kind: "rotated", key });
          await refresh();
        }}
      />
      <ConfirmDialog {...revoke.dialog} title="Revoke this key?" confirmLabel="Revoke key">
        <p>
          <strong>{revoking?.name || "This key"}</strong> (<span className="mono">{revoking?.prefix}…</span>) stops working immediately,
          everywhere. Anything using it will get <code>401</code>. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
