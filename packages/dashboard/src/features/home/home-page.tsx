import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "../../app/router";
import { Badge, Button, Card, Field, SecretValue, statusTone } from "../../components/ui";
import { errorMessage } from "../../lib/api-errors";
import { apiKeysQueryOptions } from "../api-keys/api/api-keys";
import { claimLinksQueryOptions } from "../claim-links/api/claim-links";
import { ClaimableTenants } from "../claim/claimable-tenants";
import { membersQueryOptions } from "../members/api/members";
import { meQueryKey, provision } from "../tenants/api/me";
import { useTenant } from "../tenants/tenant-context";
import { usageQueryOptions } from "../usage/api/usage";
import { tenantSettingsQueryOptions } from "../tenant-settings/api/tenant-settings";
import { formatUsd, PERIOD_PHRASE } from "../../lib/money";

type Metrics = Partial<Record<string, string>>;

const SECTIONS = [
  { to: "/keys", title: "API keys", body: "Create keys for agents and apps, see when each was last used, revoke them." },
  { to: "/members", title: "Members", body: "Everyone linked to this tenant, and their roles." },
  { to: "/links", title: "Claim links", body: "Invite teammates with a link that carries a role." },
  { to: "/usage", title: "Usage", body: "Requests, tokens and cost per day, per key and per model." },
  { to: "/settings", title: "Settings", body: "The tenant's budget, allowed models and limits for every key." },
  { to: "/device", title: "Link a terminal", body: "Approve a CLI or agent that shows you a code." },
];

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;

/** One line per tile, from the same cached queries the pages use; absent while loading or refused. */
function useMetrics(tenantId: string, active: boolean, owner: boolean): Metrics {
  const keys = useQuery({ ...apiKeysQueryOptions(tenantId), enabled: active });
  const members = useQuery({ ...membersQueryOptions(tenantId), enabled: active });
  const links = useQuery({ ...claimLinksQueryOptions(tenantId), enabled: active && owner });
  const usage = useQuery({ ...usageQueryOptions(tenantId), enabled: active });
  const settings = useQuery({ ...tenantSettingsQueryOptions(tenantId), enabled: active }).data;
  return {
    "/keys": keys.data && plural(keys.data.filter((k) => !k.revoked_at).length, "active key"),
    "/members": members.data && plural(members.data.length, "member"),
    "/links": links.data && plural(links.data.filter((l) => l.state === "active").length, "open link"),
    "/usage": usage.data ? `${plural(usage.data.totals.requests, "request")} in 30 days` : undefined,
    "/settings":
      settings && settings.budget_usd !== null
        ? `${formatUsd(settings.spend_usd ?? 0)} of ${formatUsd(settings.budget_usd)} ${PERIOD_PHRASE[settings.budget_period ?? "monthly"]}`
        : undefined,
  };
}

export function HomePage() {
  const { current } = useTenant();
  if (!current) return <Welcome />;
  return <Overview key={current.tenant.id} />;
}

function Overview() {
  const { me, current } = useTenant();
  const t = current!.tenant;
  const metrics = useMetrics(t.id, t.status === "active", current!.role === "owner");
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t.name}</h1>
        <p className="muted">
          <span className="mono">{t.slug}</span> · <Badge tone={statusTone[t.status]}>{t.status}</Badge> · you are{" "}
          <Badge tone="accent">{current!.role}</Badge>
        </p>
      </div>
      <div className="grid">
        {SECTIONS.map((s) => (
          <Link key={s.to} to={s.to} className="tile">
            <strong>{s.title}</strong>
            <span>{s.body}</span>
            {metrics[s.to] && <span className="tile-metric">{metrics[s.to]}</span>}
          </Link>
        ))}
      </div>
      <Card title="Tenant id">
        <p className="muted">
          Agents send it as <code>X-BR-Tenant-Id</code> when an identity belongs to several tenants.
        </p>
        <SecretValue value={t.id} label="Tenant id" />
      </Card>
      {me.memberships.length > 1 && <p className="muted">You belong to {me.memberships.length} tenants — switch at the top of the page.</p>}
      <ClaimableTenants />
    </div>
  );
}

function Welcome() {
  const { me, select } = useTenant();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [invite, setInvite] = useState("");
  const create = useMutation({
    mutationFn: () => provision({ tenant_name: name.trim(), ...(invite.trim() ? { invite_code: invite.trim() } : {}) }),
    onSuccess: async (result) => {
      select(result.tenant.id);
      await client.invalidateQueries({ queryKey: meQueryKey });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <div className="page narrow">
      <h1>Welcome</h1>
      <p className="lead">
        You're signed in as <strong>{me.identity.email ?? me.identity.subject}</strong> but not a member of any tenant yet.
      </p>
      <ClaimableTenants />
      <Card title="Joining a team?">
        <p>
          Open the claim link a teammate or your agent gave you — it looks like <span className="mono">…/dashboard/?claim=brct_…</span>
        </p>
      </Card>
      <Card title="Create a tenant">
        <form className="stack" onSubmit={submit}>
          <Field label="Tenant name">
            {(id) => <input id={id} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="My Lab" />}
          </Field>
          <Field
            label="Invite code (optional)"
            hint="With a valid invite the tenant is active at once; without one it may wait for approval."
          >
            {(id, hint) => <input id={id} aria-describedby={hint} value={invite} onChange={(e) => setInvite(e.target.value)} />}
          </Field>
          {create.isError && (
            <p className="form-error" role="alert">
              {errorMessage(create.error)}
            </p>
          )}
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create tenant
          </Button>
        </form>
      </Card>
    </div>
  );
}
