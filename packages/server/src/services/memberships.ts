import type { Identity } from "../auth/jwt.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import type { Tx } from "../store/db.js";
import { claimableByEmail, insertMembership, resolveMemberships, type MembershipRow } from "../store/memberships.js";
import type { MembershipRole } from "../store/schema.js";
import { insertUser } from "../store/users.js";
import { platformRoleOf, userRoleFor, type Actor } from "./actor.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Links a human identity to a tenant: their per-tenant actor (users.role from the membership role,
 * DESIGN.md §6 role mapping) and the membership, in the caller's transaction. Every way in —
 * first sign-in, claim, device approval — goes through here.
 */
export async function addHumanMember(tx: Tx, tenantId: string, identity: Pick<Identity, "subject" | "email">, role: MembershipRole) {
  const user = await insertUser(tx, {
    tenantId,
    kind: "human",
    role: userRoleFor(role),
    externalId: identity.subject,
    email: identity.email,
  });
  const membership = await insertMembership(tx, { externalId: identity.subject, tenantId, userId: user.id, role });
  return { userId: user.id, membership };
}

export function membershipsOf(deps: Pick<Deps, "db">, subject: string): Promise<MembershipRow[]> {
  return deps.db.asApp((tx) => resolveMemberships(tx, subject));
}

/** Unclaimed tenants the identity may claim by its verified email alone. */
export async function claimableFor(deps: Pick<Deps, "db">, identity: Identity) {
  if (!identity.email || !identity.emailVerified) return [];
  const rows = await deps.db.asApp((tx) => claimableByEmail(tx, identity.email!));
  return rows.map((r) => ({ id: r.tenant_id, slug: r.tenant_slug, name: r.tenant_name, status: r.tenant_status }));
}

/**
 * The membership a request acts in: the one named by X-BR-Tenant-Id, else the first active one,
 * else the first. Naming a tenant the identity does not belong to is a 403.
 */
export function selectMembership(memberships: MembershipRow[], requested: string | undefined): MembershipRow | undefined {
  if (requested !== undefined) {
    if (!UUID.test(requested)) {
      throw new AppError("invalid_tenant_id");
    }
    const found = memberships.find((m) => m.tenant_id === requested.toLowerCase());
    if (!found) throw new AppError("not_a_member");
    return found;
  }
  return memberships.find((m) => m.tenant_status === "active") ?? memberships[0];
}

export function actorFor(deps: Pick<Deps, "config">, identity: Identity, m: MembershipRow): Actor {
  const platform = platformRoleOf(deps.config, null, identity.subject, m.user_id);
  return {
    tenantId: m.tenant_id,
    userId: m.user_id,
    role: userRoleFor(m.role),
    membershipRole: m.role,
    isPlatformAdmin: platform === "admin",
    isPlatformProposer: platform === "proposer",
    via: "jwt",
    channel: "dashboard",
    label: identity.email ?? identity.subject,
    subject: identity.subject,
  };
}

export function membershipView(m: MembershipRow) {
  return {
    tenant: { id: m.tenant_id, slug: m.tenant_slug, name: m.tenant_name, status: m.tenant_status },
    role: m.role,
    joined_at: m.created_at.toISOString(),
  };
}
