import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Member, MembershipRole } from "brainstormrouter";
import { Link } from "../../app/router";
import { QueryTable, type Column } from "../../components/data-table";
import { Badge, Banner, Button, Card, ConfirmDialog, EmptyState } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";
import { useConfirmAction } from "../../components/use-confirm-action";
import { errorMessage } from "../../lib/api-errors";
import { useTenant } from "../tenants/tenant-context";
import { membersQueryOptions, removeMember, updateMemberRole } from "./api/members";

const ROLES: MembershipRole[] = ["owner", "admin", "member"];

const label = (m: Member) => m.email ?? m.id;

export function MembersPage() {
  const { current, me } = useTenant();
  const tenantId = current!.tenant.id;
  const isOwner = current!.role === "owner";
  const client = useQueryClient();
  const members = useQuery(membersQueryOptions(tenantId));
  const refresh = () => client.invalidateQueries(membersQueryOptions(tenantId));
  const update = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: MembershipRole }) => updateMemberRole(tenantId, member.id, role),
    onSettled: refresh,
  });
  const remove = useConfirmAction((member: Member) => removeMember(tenantId, member.id), refresh);
  const removing = remove.target;
  const columns: Column<Member>[] = [
    {
      label: "Member",
      cell: (m) => (
        <span>
          {label(m)} {m.subject === me.identity.subject && <Badge tone="accent">you</Badge>}
        </span>
      ),
    },
    {
      label: "Role",
      cell: (m) =>
        isOwner ? (
          <select
            aria-label={`Role of ${label(m)}`}
            value={m.role}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ member: m, role: e.target.value as MembershipRole })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          <Badge>{m.role}</Badge>
        ),
    },
    { label: "Joined", title: (m) => formatDateTime(m.joined_at), cell: (m) => timeAgo(m.joined_at, "—") },
  ];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Members</h1>
        <p className="muted">
          People whose sign-in is linked to {current!.tenant.name}. Invite more with a <Link to="/links">claim link</Link>.
        </p>
      </div>
      {!isOwner && (
        <Banner tone="info" title="Only owners can change roles or remove members">
          You are {current!.role === "admin" ? "an admin" : "a member"} of this tenant.
        </Banner>
      )}
      {update.isError && (
        <Banner tone="danger" title="The role was not changed">
          {errorMessage(update.error)}
        </Banner>
      )}
      <Card>
        <QueryTable
          query={members}
          columns={columns}
          empty={<EmptyState title="No members yet" />}
          actions={
            isOwner
              ? (m) => (
                  <Button variant="ghost" aria-label={`Remove ${label(m)}`} onClick={() => remove.ask(m)}>
                    Remove
                  </Button>
                )
              : undefined
          }
        />
      </Card>
      <ConfirmDialog {...remove.dialog} title="Remove this member?" confirmLabel="Remove member">
        <p>
          <strong>{removing && label(removing)}</strong> loses access to {current!.tenant.name} at once. They can rejoin only with a new
          claim link.
        </p>
      </ConfirmDialog>
    </div>
  );
}
