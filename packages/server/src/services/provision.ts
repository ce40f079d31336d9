import type { Identity } from "../auth/jwt.js";
import type { Deps } from "../deps.js";
import type { Tx } from "../store/db.js";
import { lockIdentity, resolveMemberships } from "../store/memberships.js";
import { claimableFor, membershipsOf, membershipView, selectMembership } from "./memberships.js";
import { signUp } from "./signup/sign-up.js";
import { assertTenantActive } from "./tenant-status.js";

export interface ProvisionInput {
  tenant_name?: string;
  invite_code?: string;
}

type ProvisionDeps = Pick<Deps, "db" | "config" | "limits">;

/**
 * First sign-in (DESIGN.md §6): an identity with memberships gets them back; one without signs up
 * for a tenant of its own with itself as owner (the beta gate decides whether it starts active).
 */
export async function provision(deps: ProvisionDeps, identity: Identity, address: string, input: ProvisionInput) {
  const existing = await membershipsOf(deps, identity.subject);
  const created = existing.length === 0 ? await createOwnTenant(deps, identity, address, input) : undefined;
  const memberships = existing.length === 0 ? await membershipsOf(deps, identity.subject) : existing;
  const current = created ? memberships.find((m) => m.tenant_id === created.id)! : selectMembership(memberships, undefined)!;
  // Status-aware answer: a rejected-only identity is refused like any other rejected tenant.
  if (current.tenant_status === "rejected" || current.tenant_status === "suspended") assertTenantActive({ status: current.tenant_status });
  const view = membershipView(current);
  return {
    created: created !== undefined,
    tenant: view.tenant,
    role: view.role,
    memberships: memberships.map(membershipView),
    claimable: await claimableFor(deps, identity),
  };
}

/** The identity's own tenant; undefined when a concurrent first sign-in of the same identity made one first. */
function createOwnTenant(deps: ProvisionDeps, identity: Identity, address: string, input: ProvisionInput) {
  return signUp(
    deps,
    {
      name: input.tenant_name ?? `${identity.email?.split("@")[0] ?? "My"}'s workspace`,
      adminEmail: identity.email ?? "",
      founder: { kind: "human", identity },
      inviteCode: input.invite_code,
      address,
    },
    {
      // Concurrent first sign-ins of one identity all found no tenant; one at a time, the first
      // creates it and the others find it here (READ COMMITTED: this read sees what committed
      // while waiting), before an invite use or any guessing budget is spent.
      async before(tx: Tx) {
        await lockIdentity(tx, identity.subject);
        return (await resolveMemberships(tx, identity.subject)).length === 0;
      },
      after: async ({ tenant }) => tenant,
    },
  );
}
