import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiKey, ApiKeyRole, CreatedApiKey } from "brainstormrouter";
import { useState } from "react";
import { CreateForm } from "../../components/create-form";
import { QueryTable, type Column } from "../../components/data-table";
import { OneTimeSecret } from "../../components/one-time-secret";
import { Badge, Banner, Button, Card, ConfirmDialog, EmptyState, Field } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";
import { useConfirmAction } from "../../components/use-confirm-action";
import { useTenant } from "../tenants/tenant-context";
import { apiKeysQueryOptions, createApiKey, revokeApiKey } from "./api/api-keys";

/** Keys minted with platform power act on every tenant (DESIGN.md §8): they stand out. */
const PLATFORM_ROLE = { admin: "platform admin", proposer: "proposer" } as const;

const COLUMNS: Column<ApiKey>[] = [
  {
    label: "Name",
    cell: (k) => (
      <span>
        {k.name || <span className="muted">Unnamed</span>}
        {k.platform_role && (
          <>
            {" "}
            <Badge tone="warn">{PLATFORM_ROLE[k.platform_role]}</Badge>
          </>
        )}
      </span>
    ),
  },
  { label: "Key", className: "mono", cell: (k) => `${k.prefix}…` },
  { label: "Role", cell: (k) => <Badge tone={k.role === "admin" ? "accent" : "neutral"}>{k.role}</Badge> },
  { label: "Created", title: (k) => formatDateTime(k.created_at), cell: (k) => timeAgo(k.created_at) },
  { label: "Last used", title: (k) => formatDateTime(k.last_used_at), cell: (k) => timeAgo(k.last_used_at) },
];

export function ApiKeysPage() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const client = useQueryClient();
  const keys = useQuery(apiKeysQueryOptions(tenantId));
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const manages = current!.role !== "member";
  const refresh = () => client.invalidateQueries(apiKeysQueryOptions(tenantId));
  const revoke = useConfirmAction((key: ApiKey) => revokeApiKey(tenantId, key.id), refresh);
  const revoking = revoke.target;
  return (
    <div className="page">
      <div className="page-head">
        <h1>API keys</h1>
        <p className="muted">
          Keys authenticate agents and apps calling <code>/v1/*</code> for {current!.tenant.name}.
        </p>
      </div>
      {manages ? (
        <CreateKey
          onCreated={async (key) => {
            setCreated(key);
            await refresh();
          }}
        />
      ) : (
        <Banner tone="info" title="Only owners and admins create or revoke keys">
          You are a member of this tenant: you can see its keys. Ask an owner for a key of your own.
        </Banner>
      )}
      {created && (
        <OneTimeSecret
          title={`Key “${created.name}” created — copy it now`}
          label="New API key"
          value={created.key}
          dismissLabel="I've saved it"
          onDismiss={() => setCreated(null)}
        >
          <p>This is the only time the full key is shown. Store it in your secret manager.</p>
        </OneTimeSecret>
      )}
      <Card title="Keys">
        <QueryTable
          query={keys}
          columns={COLUMNS}
          empty={<EmptyState title="No API keys yet">Create one above to start calling the API.</EmptyState>}
          actions={(k) =>
            k.revoked_at ? (
              <Badge tone="bad">revoked</Badge>
            ) : (
              manages && (
                <Button variant="ghost" onClick={() => revoke.ask(k)} aria-label={`Revoke ${k.name || k.prefix}`}>
                  Revoke
                </Button>
              )
            )
          }
        />
      </Card>
      <ConfirmDialog {...revoke.dialog} title="Revoke this key?" confirmLabel="Revoke key">
        <p>
          <strong>{revoking?.name || "This key"}</strong> (<span className="mono">{revoking?.prefix}…</span>) stops working immediately,
          everywhere. Anything using it will get <code>401</code>. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CreateKey({ onCreated }: { onCreated(key: CreatedApiKey): Promise<void> }) {
  const { current } = useTenant();
  const [name, setName] = useState("");
  const [role, setRole] = useState<ApiKeyRole>("developer");
  const create = useMutation({
    mutationFn: () => createApiKey(current!.tenant.id, { name: name.trim(), role }),
    onSuccess: async (key) => {
      setName("");
      await onCreated(key);
    },
  });
  return (
    <CreateForm title="Create a key" submitLabel="Create key" mutation={create}>
      <Field label="Key name" hint="So you can tell keys apart later, e.g. “ci-agent”.">
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="ci-agent"
          />
        )}
      </Field>
      <Field
        label="Key role"
        hint={current!.role === "owner" ? "Admin keys may also mint claim links and link terminals." : "Only owners create admin keys."}
      >
        {(id, hint) => (
          <select id={id} aria-describedby={hint} value={role} onChange={(e) => setRole(e.target.value as ApiKeyRole)}>
            <option value="developer">developer</option>
            {current!.role === "owner" && <option value="admin">admin</option>}
          </select>
        )}
      </Field>
    </CreateForm>
  );
}
