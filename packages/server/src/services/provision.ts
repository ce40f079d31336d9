import { randomUUID } from "node:crypto";
import type { Identity } from "../auth/jwt.js";
import type { Deps } from "../deps.js";
import { emit } from "../events/outbox.js";
import { InvalidRequestError } from "../http/errors.js";
import { guessWithinBudgets } from "../limits/failure-budget.js";
import { consumeInviteCode } from "../store/invite-codes.js";
import { insertMembership, lockIdentity, resolveMemberships } from "../store/memberships.js";
import type { Tx } from "../store/db.js";
import type { TenantStatus } from "../store/schema.js";
import { insertTenant, recordStatusChange } from "../store/tenants.js";
import { insertUser } from "../store/users.js";
import { isPlatformAdmin } from "./actor.js";
import { withUniqueSlug } from "./slug-retry.js";
import { assertTenantActive } from "./tenant-status.js";
import { claimableFor, membershipsOf, membershipView, selectMembership } from "./memberships.js";

export interface ProvisionInput {
  tenant_name?: string;
  invite_code?: string;
}

type ProvisionDeps = Pick<Deps, "db" | "config" | "limits">;

export const INVITE_FAILURE_WINDOW_SECONDS = 60 * 60;

/**
 * First sign-in (DESIGN.md §6): an identity with memberships gets them back; one without gets a
 * tenant of its own with itself as owner, held `pending` by the beta gate unless an invite code,
 * a disabled gate or platform-admin status lets it straight in.
 */
export async function provision(deps: ProvisionDeps, identity: Identity, address: string, input: ProvisionInput) {
  const existing = await membershipsOf(deps, identity.subject);
  const created = existing.length === 0 ? await createOwnTenant(deps, identity, address, input) : undefined;
  const memberships = existing.length === 0 ? await membershipsOf(deps, identity.subject) : existing;
  const current = created ? memberships.find((m) => m.tenant_id === created.id)! : selectMembership(memberships, undefined)!;
  // Status-aware answer: a rejected-only identity is refused like any other rejected tenant.
  if (current.tenant_status === "rejected" || current.tenant_status === "suspended") assertTenantActive({ status: current.tenant_status });
  return {
    status: current.tenant_status === "pending" ? (202 as const) : created ? (201 as const) : (200 as const),
    body: {
      created: created !== undefined,
      ...summary(current),
      memberships: memberships.map(membershipView),
      claimable: await claimableFor(deps, identity),
    },
  };
}

function summary(m: ReturnType<typeof selectMembership> & object) {
  const view = membershipView(m);
  return { tenant: view.tenant, role: view.role };
}

interface Signup {
  identity: Identity;
  address: string;
  input: ProvisionInput;
  name: string;
}

/** The identity's own tenant; undefined when a concurrent first sign-in of the same identity made one first. */
function createOwnTenant(deps: ProvisionDeps, identity: Identity, address: string, input: ProvisionInput) {
  const name = input.tenant_name ?? `${identity.email?.split("@")[0] ?? "My"}'s workspace`;
  return withUniqueSlug(name, undefined, (slug) => createOnce(deps, { identity, address, input, name }, slug));
}

function createOnce(deps: ProvisionDeps, { identity, address, input, name }: Signup, slug: string) {
  const tenantId = randomUUID();
  return deps.db.asTenant(tenantId, async (tx) => {
    // Concurrent first sign-ins of one identity all found no tenant; one at a time, the first
    // creates it and the others find it here (READ COMMITTED: this read sees what committed
    // while waiting), before an invite use or any guessing budget is spent.
    await lockIdentity(tx, identity.subject);
    if ((await resolveMemberships(tx, identity.subject)).length > 0) return undefined;
    if (input.invite_code !== undefined) await spendInviteCode(deps, tx, identity, address, input.invite_code);
    const admitted =
      input.invite_code !== undefined ||
      !deps.config.betaGate ||
      isPlatformAdmin(deps.config.platformAdminIds, identity.subject);
    const status: TenantStatus = admitted ? "active" : "pending";
    const tenant = await insertTenant(tx, {
      id: tenantId,
      slug,
      name,
      status,
      admin_email: identity.email ?? "",
      source: "oauth",
      status_reason: null,
      activated_at: admitted ? new Date() : null,
    });
    await recordStatusChange(tx, { tenantId, from: null, to: status, actor: identity.subject });
    const user = await insertUser(tx, {
      tenantId,
      kind: "human",
      role: "admin",
      externalId: identity.subject,
      email: identity.email,
    });
    await insertMembership(tx, { externalId: identity.subject, tenantId, userId: user.id, role: "owner" });
    await emit(
      tx,
      "tenant.signup",
      {
        tenantId,
        tenantSlug: tenant.slug,
        tenantName: tenant.name,
        email: identity.email,
        status,
        source: "oauth",
        viaInvite: input.invite_code !== undefined,
      },
      tenantId,
    );
    return tenant;
  });
}

/**
 * An invite code is a guessable secret (admins may choose short ones): wrong ones spend a
 * per-identity and a per-address budget, and once either is spent even a right one is refused
 * (429) until the window passes — otherwise the beta gate could be walked past by guessing.
 */
async function spendInviteCode(deps: ProvisionDeps, tx: Tx, identity: Identity, address: string, code: string) {
  const window = INVITE_FAILURE_WINDOW_SECONDS;
  const budgets = [
    { limiter: deps.limits.limiter({ name: "invite-identity", points: deps.config.BR_INVITE_FAILURES_PER_IDENTITY, durationSeconds: window }), key: identity.subject },
    { limiter: deps.limits.limiter({ name: "invite-address", points: deps.config.BR_INVITE_FAILURES_PER_ADDRESS, durationSeconds: window }), key: address },
  ];
  await guessWithinBudgets(
    budgets,
    async () => {
      if (await consumeInviteCode(tx, code)) return;
      throw new InvalidRequestError("invite_code_invalid", "The invite code is not valid, expired or used up.", {
        action: "retry_with_params",
        field: "invite_code",
      });
    },
    (err) => err instanceof InvalidRequestError && err.code === "invite_code_invalid",
  );
}
