import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import { revokeKeysOfUser } from "../store/api-keys.js";
import { revokeClaimTokensCreatedBy } from "../store/claim-tokens.js";
import type { Tx } from "../store/db.js";
import { expirePendingDevicesOfKeys } from "../store/device-authorizations.js";
import { countOwners, findMember, listMembers, lockTenant, updateMembershipRole } from "../store/memberships.js";
import { pageOf, type Page } from "../store/pagination.js";
import type { MembershipRole, UserRole } from "../store/schema.js";
import { deleteUser, updateUserRole } from "../store/users.js";
import { userRoleFor, type Actor } from "./actor.js";
import { audit } from "./audit.js";

type MemberDeps = Pick<Deps, "db" | "keyCache" | "devicePolls">;
type MemberRow = NonNullable<Awaited<ReturnType<typeof findMember>>>;

const notFound = () => new AppError("member_not_found");
const lastOwner = () => new AppError("last_owner");

/** Every member sees the team; only owners change it (DESIGN.md §6: owners "may create users"). */
function assertOwner(actor: Actor) {
  if (actor.membershipRole !== "owner") throw new AppError("owner_required", { message: "Only the tenant's owners manage members." });
}

export async function listTenantMembers(deps: MemberDeps, actor: Actor, page: Page) {
  const rows = await deps.db.asTenant(actor.tenantId, (tx) => listMembers(tx, page));
  const { data, next_cursor } = pageOf(rows, page.limit);
  return { data: data.map(memberView), next_cursor };
}

/**
 * Changes a member's role. An owner leaving `owner` loses their admin-role API keys with it: on
 * the dashboard only owners create one (tenant-api-keys.ts), so a kept one would leave the demoted
 * member a key above their new role (and the keys it could mint). The owner links they minted and
 * the device flows their keys started end too (revokeAccessOf): those would make them owner again.
 */
export async function changeMemberRole(deps: MemberDeps, actor: Actor, id: string, role: MembershipRole) {
  assertOwner(actor);
  const { view, revoked } = await deps.db.asTenant(actor.tenantId, async (tx) => {
    // The tenant lock serialises membership changes: two owners demoting each other at once
    // cannot both see "another owner remains".
    await lockTenant(tx, actor.tenantId);
    const member = await findMember(tx, id);
    if (!member) throw notFound();
    const demotedOwner = member.role === "owner" && role !== "owner";
    if (demotedOwner && (await countOwners(tx)) <= 1) throw lastOwner();
    await updateMembershipRole(tx, id, role);
    await updateUserRole(tx, member.user_id, userRoleFor(role));
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "member.role_changed",
      target: { type: "member", id },
      changes: { role: [member.role, role] },
    });
    const revoked = demotedOwner ? await revokeAccessOf(tx, member.user_id, "admin") : NOTHING_REVOKED;
    return { view: memberView({ ...member, role }), revoked };
  });
  await afterRevocation(deps, revoked);
  return view;
}

/**
 * Removes a member: their per-tenant actor row and membership go, and the API keys they made are
 * revoked with them — a removed teammate must not keep access through a key.
 */
export async function removeMember(deps: MemberDeps, actor: Actor, id: string) {
  assertOwner(actor);
  const revoked = await deps.db.asTenant(actor.tenantId, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const member = await findMember(tx, id);
    if (!member) throw notFound();
    if (member.role === "owner" && (await countOwners(tx)) <= 1) throw lastOwner();
    const revoked = await revokeAccessOf(tx, member.user_id);
    await deleteUser(tx, member.user_id);
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "member.removed",
      target: { type: "member", id },
      changes: { role: [member.role, null] },
    });
    return revoked;
  });
  await afterRevocation(deps, revoked);
  return { id, deleted: true as const };
}

interface Revoked {
  keyIds: string[];
  deviceCodeHashes: string[];
}
const NOTHING_REVOKED: Revoked = { keyIds: [], deviceCodeHashes: [] };

/**
 * Everything a member holds that outlives their role: API keys (of `role`, or all), the claim
 * links they minted — else a removed owner rejoins as owner through one — and the device flows
 * those keys started, still waiting for a human.
 */
async function revokeAccessOf(tx: Tx, userId: string, role?: UserRole): Promise<Revoked> {
  const keyIds = await revokeKeysOfUser(tx, userId, role);
  await revokeClaimTokensCreatedBy(tx, userId);
  return { keyIds, deviceCodeHashes: await expirePendingDevicesOfKeys(tx, keyIds) };
}

/** After the commit, so no instance re-caches a key as live from a transaction not yet visible. */
async function afterRevocation(deps: MemberDeps, revoked: Revoked) {
  await deps.keyCache.invalidate({ keyIds: revoked.keyIds });
  // The database already says expired; the poll cache is told as well as it can be.
  for (const hash of revoked.deviceCodeHashes) await deps.devicePolls.decided(hash);
}

function memberView(m: MemberRow) {
  return {
    id: m.id,
    user_id: m.user_id,
    subject: m.external_id,
    email: m.email,
    role: m.role,
    joined_at: m.created_at.toISOString(),
  };
}
