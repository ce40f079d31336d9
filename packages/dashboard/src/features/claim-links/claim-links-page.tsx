import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ClaimLink, ClaimLinkSummary, MembershipRole } from "brainstormrouter";
import { useState } from "react";
import { CreateForm } from "../../components/create-form";
import { QueryTable, type Column } from "../../components/data-table";
import { OneTimeSecret } from "../../components/one-time-secret";
import { Badge, Banner, Button, Card, ConfirmDialog, EmptyState, Field } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";
import { useConfirmAction } from "../../components/use-confirm-action";
import { useTenant } from "../tenants/tenant-context";
import { claimLinksQueryOptions, createClaimLink, revokeClaimLink } from "./api/claim-links";

const STATE = {
  active: { label: "active", tone: "good" },
  revoked: { label: "revoked", tone: "bad" },
  expired: { label: "expired", tone: "neutral" },
  used_up: { label: "used up", tone: "neutral" },
} as const;

const KIND = { registration: "registration", link: "browser link", invite: "invite" } as const;

const ROLES: MembershipRole[] = ["member", "admin", "owner"];

const COLUMNS: Column<ClaimLinkSummary>[] = [
  {
    label: "Role",
    cell: (l) => (
      <span>
        <Badge>{l.role}</Badge> <span className="muted">{KIND[l.kind]}</span>
      </span>
    ),
  },
  { label: "Minted by", cell: (l) => mintedBy(l) },
  { label: "Uses left", cell: (l) => `${l.uses_left} of ${l.max_uses}` },
  { label: "Expires", title: (l) => formatDateTime(l.expires_at), cell: (l) => timeAgo(l.expires_at) },
  { label: "Status", cell: (l) => <Badge tone={STATE[l.state].tone}>{STATE[l.state].label}</Badge> },
];

/** A member's email, else what minted it: the registering agent, the claim email, or a former member. */
function mintedBy(l: ClaimLinkSummary): string {
  if (l.created_by_email) return l.created_by_email;
  if (l.created_by === "email") return "claim email";
  if (l.kind === "registration") return "registration";
  return l.created_by ? "an agent or former member" : "—";
}

export function ClaimLinksPage() {
  const { current } = useTenant();
  if (current!.role !== "owner") {
    return (
      <div className="page">
        <h1>Claim links</h1>
        <Banner tone="info" title="Only owners manage claim links">
          Claim links decide who joins {current!.tenant.name}. Ask one of its owners to send a link to your teammate.
        </Banner>
      </div>
    );
  }
  return <OwnerClaimLinks />;
}

function OwnerClaimLinks() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const client = useQueryClient();
  const links = useQuery(claimLinksQueryOptions(tenantId));
  const [created, setCreated] = useState<ClaimLink | null>(null);
  const refresh = () => client.invalidateQueries(claimLinksQueryOptions(tenantId));
  const revoke = useConfirmAction((l: ClaimLinkSummary) => revokeClaimLink(tenantId, l.id), refresh);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Claim links</h1>
        <p className="muted">Send a link to a teammate: whoever opens it and signs in joins {current!.tenant.name} with the link's role.</p>
      </div>
      <CreateLink
        tenantId={tenantId}
        onCreated={async (link) => {
          setCreated(link);
          await refresh();
        }}
      />
      {created && (
        <OneTimeSecret
          title="Link created — copy it now"
          label="New claim link"
          value={created.url}
          dismissLabel="Done"
          onDismiss={() => setCreated(null)}
        >
          <p>
            Anyone with this link can join as <strong>{created.role}</strong> ({created.max_uses} use{created.max_uses > 1 ? "s" : ""},
            until {formatDateTime(created.expires_at)}). It is shown only once.
          </p>
        </OneTimeSecret>
      )}
      <Card title="Links">
        <QueryTable
          query={links}
          columns={COLUMNS}
          empty={<EmptyState title="No claim links yet">Create one above to invite a teammate.</EmptyState>}
          actions={(l) =>
            l.state === "active" && (
              <Button
                variant="ghost"
                onClick={() => revoke.ask(l)}
                aria-label={`Revoke ${l.role} link expiring ${formatDateTime(l.expires_at)}`}
              >
                Revoke
              </Button>
            )
          }
        />
      </Card>
      <ConfirmDialog {...revoke.dialog} title="Revoke this link?" confirmLabel="Revoke link">
        <p>Nobody else can join with it. People who already joined stay members.</p>
      </ConfirmDialog>
    </div>
  );
}

function CreateLink({ tenantId, onCreated }: { tenantId: string; onCreated(link: ClaimLink): Promise<void> }) {
  const [role, setRole] = useState<MembershipRole>("member");
  const [maxUses, setMaxUses] = useState(1);
  const [days, setDays] = useState(7);
  const create = useMutation({
    mutationFn: () => createClaimLink(tenantId, { role, max_uses: maxUses, expires_in_days: days }),
    onSuccess: onCreated,
  });
  return (
    <CreateForm title="Create a link" submitLabel="Create link" mutation={create}>
      <Field label="Role">
        {(id) => (
          <select id={id} value={role} onChange={(e) => setRole(e.target.value as MembershipRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Max uses">
        {(id) => (
          <input id={id} type="number" min={1} max={1000} required value={maxUses} onChange={(e) => setMaxUses(Number(e.target.value))} />
        )}
      </Field>
      <Field label="Expires in (days)">
        {(id) => <input id={id} type="number" min={1} max={30} required value={days} onChange={(e) => setDays(Number(e.target.value))} />}
      </Field>
    </CreateForm>
  );
}
