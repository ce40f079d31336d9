import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TenantSummary } from "brainstormrouter";
import { useState } from "react";
import { navigate } from "../../app/router";
import { Badge, Banner, Button, Card, statusTone } from "../../components/ui";
import { meQueryKey } from "../tenants/api/me";
import { useTenant } from "../tenants/tenant-context";
import { claimTenant } from "./api/claim";
import { claimErrorMessage } from "./claim-errors";

/** Unclaimed tenants registered with this identity's verified email: one click each. */
export function ClaimableTenants() {
  const { me, select } = useTenant();
  const client = useQueryClient();
  const [claimingId, setClaimingId] = useState<string | null>(null);
  const claim = useMutation({
    mutationFn: (tenant: TenantSummary) => claimTenant({ tenant_id: tenant.id }),
    onMutate: (tenant) => setClaimingId(tenant.id),
    onSuccess: async (result) => {
      select(result.tenant.id);
      await client.invalidateQueries({ queryKey: meQueryKey });
      navigate("/");
    },
  });
  if (me.claimable.length === 0) return null;
  const failure = claim.error ? claimErrorMessage(claim.error) : null;
  return (
    <Card title="Tenants waiting for you">
      <p className="muted">
        These tenants were registered with your verified email address ({me.identity.email}) and nobody has claimed them yet. Claim one to
        manage it here.
      </p>
      {failure && (
        <Banner tone="danger" title={failure.title}>
          {failure.body}
        </Banner>
      )}
      <ul className="rows">
        {me.claimable.map((t) => (
          <li key={t.id} className="row">
            <div>
              <strong>{t.name}</strong> <span className="muted mono">{t.slug}</span> <Badge tone={statusTone[t.status]}>{t.status}</Badge>
            </div>
            <Button variant="primary" busy={claim.isPending && claimingId === t.id} onClick={() => claim.mutate(t)}>
              Claim {t.name}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
