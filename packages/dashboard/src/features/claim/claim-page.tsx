import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ClaimPreview } from "brainstormrouter";
import { useEffect, useState } from "react";
import { clearPendingClaim, pendingClaim } from "../../app/intents";
import { navigate } from "../../app/router";
import { Badge, Banner, Button, Card, Loading, statusTone, SuccessMark } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";
import { errorCode } from "../../lib/api-errors";
import { meQueryKey } from "../tenants/api/me";
import { useTenant } from "../tenants/tenant-context";
import { claimPreviewQueryOptions, claimTenant } from "./api/claim";
import { ClaimableTenants } from "./claimable-tenants";
import { claimErrorMessage, claimMessage, type ClaimMessage } from "./claim-errors";

const ROLE_MEANS = {
  owner: "full access, including members and claim links",
  admin: "full access to keys and settings",
  member: "standard access: use and create API keys",
} as const;

/** /claim: the page a claim URL lands on once the token has left the address bar. */
export function ClaimPage() {
  // Read once: a link that can never work is forgotten from storage, and this page still explains why.
  const [token] = useState(pendingClaim);
  const { me, select } = useTenant();
  const client = useQueryClient();
  // Before the one click: which tenant, which role. Nothing is spent by looking.
  const preview = useQuery(claimPreviewQueryOptions(token));
  useEffect(() => {
    if (preview.error && !claimErrorMessage(preview.error).retry) clearPendingClaim();
  }, [preview.error]);
  const claim = useMutation({
    mutationFn: (t: string) => claimTenant({ token: t }),
    onSuccess: async (result) => {
      clearPendingClaim();
      select(result.tenant.id);
      await client.invalidateQueries({ queryKey: meQueryKey });
    },
    onError: (error) => {
      // A link that can never work again is forgotten; a retryable failure keeps it.
      if (!claimErrorMessage(error).retry) clearPendingClaim();
    },
  });

  if (claim.isSuccess) {
    const { tenant } = claim.data;
    const role = claim.data.membership.role;
    return (
      <div className="page narrow">
        <Card>
          <SuccessMark />
          <h2 className="success-title">You're in</h2>
          <p className="lead" data-testid="claim-success">
            You joined <strong>{tenant.name}</strong> as <Badge tone="accent">{role}</Badge>.
          </p>
          <p className="muted">That means {ROLE_MEANS[role]}. The tenant switcher at the top now lists it.</p>
          {tenant.status !== "active" && (
            <Banner tone="warning" title={`${tenant.name} is ${tenant.status}`}>
              Its API keys start working once the tenant is active.
            </Banner>
          )}
          <div className="actions">
            <Button variant="primary" onClick={() => navigate("/keys")}>
              Manage API keys
            </Button>
            <Button onClick={() => navigate("/")}>Go to overview</Button>
          </div>
        </Card>
      </div>
    );
  }

  const failure = claim.error ? claimErrorMessage(claim.error) : null;
  const already = errorCode(claim.error) === "already_member";
  return (
    <div className="page narrow">
      <h1>Join a tenant</h1>
      {!token ? (
        <Card>
          <p>There is no claim link waiting. Open the full link you were given — it looks like</p>
          <p className="mono muted">…/dashboard/?claim=brct_…</p>
        </Card>
      ) : preview.isPending ? (
        <Card>
          <Loading label="Checking the link…" />
        </Card>
      ) : preview.isError ? (
        <Card>
          <LinkProblem message={claimErrorMessage(preview.error)} onRetry={() => void preview.refetch()} />
        </Card>
      ) : (
        <Card>
          <p className="lead">Someone shared a claim link with you. Claiming it links your identity to this tenant.</p>
          <PreviewFacts preview={preview.data} token={token} signedInAs={me.identity.email ?? me.identity.subject} />
          {preview.data.already_member ? (
            <>
              <Banner tone="info" title={`You're already a member of ${preview.data.tenant.name}`}>
                Nothing to claim: this identity belongs to it already. It is in the tenant switcher.
              </Banner>
              <div className="actions">
                <Button
                  variant="primary"
                  onClick={() => {
                    clearPendingClaim();
                    select(preview.data.tenant.id);
                    navigate("/");
                  }}
                >
                  Open {preview.data.tenant.name}
                </Button>
              </div>
            </>
          ) : preview.data.tenant.status === "rejected" || preview.data.tenant.status === "suspended" ? (
            <LinkProblem message={claimMessage(`tenant_${preview.data.tenant.status}`)} />
          ) : (
            <>
              {preview.data.tenant.status === "pending" && (
                <Banner tone="warning" title={`${preview.data.tenant.name} is waiting for approval`}>
                  You can join now; its API keys start working once a platform admin approves it.
                </Banner>
              )}
              {failure && (
                <Banner tone={already ? "info" : "danger"} title={failure.title}>
                  {failure.body}
                </Banner>
              )}
              <div className="actions">
                {(!failure || failure.retry) && (
                  <Button variant="primary" busy={claim.isPending} onClick={() => claim.mutate(token)}>
                    Accept and join
                  </Button>
                )}
                {failure && !failure.retry && (
                  <Button variant="primary" onClick={() => navigate("/")}>
                    Go to dashboard
                  </Button>
                )}
              </div>
            </>
          )}
        </Card>
      )}
      {me.memberships.length > 0 && (
        <p className="muted">
          You're already in {me.memberships.length} tenant{me.memberships.length > 1 ? "s" : ""}:{" "}
          {me.memberships.map((m) => (
            <span key={m.tenant.id}>
              {m.tenant.name} <Badge tone={statusTone[m.tenant.status]}>{m.tenant.status}</Badge>{" "}
            </span>
          ))}
        </p>
      )}
      <ClaimableTenants />
    </div>
  );
}

function PreviewFacts({ preview, token, signedInAs }: { preview: ClaimPreview; token: string; signedInAs: string }) {
  const { tenant, role, uses_left } = preview;
  return (
    <dl className="facts" data-testid="claim-preview">
      <dt>Tenant</dt>
      <dd>
        <strong>{tenant.name}</strong> <span className="muted mono">{tenant.slug}</span>{" "}
        <Badge tone={statusTone[tenant.status]}>{tenant.status}</Badge>
      </dd>
      <dt>Your role</dt>
      <dd>
        <Badge tone="accent">{role}</Badge> <span className="muted">{ROLE_MEANS[role]}</span>
      </dd>
      <dt>Signed in as</dt>
      <dd>{signedInAs}</dd>
      <dt>Link</dt>
      <dd>
        <span className="mono">{`${token.slice(0, 9)}…${token.slice(-4)}`}</span>{" "}
        <span className="muted">
          · {uses_left} use{uses_left === 1 ? "" : "s"} left ·{" "}
          <time dateTime={preview.expires_at} title={formatDateTime(preview.expires_at)}>
            expires {timeAgo(preview.expires_at)}
          </time>
        </span>
      </dd>
    </dl>
  );
}

/** A link that cannot be claimed: why, and where to go; a passing failure can be tried again. */
function LinkProblem({ message, onRetry }: { message: ClaimMessage; onRetry?: () => void }) {
  return (
    <>
      <Banner tone="danger" title={message.title}>
        {message.body}
      </Banner>
      <div className="actions">
        {message.retry && onRetry ? (
          <Button variant="primary" onClick={onRetry}>
            Try again
          </Button>
        ) : (
          <Button variant="primary" onClick={() => navigate("/")}>
            Go to dashboard
          </Button>
        )}
      </div>
    </>
  );
}
