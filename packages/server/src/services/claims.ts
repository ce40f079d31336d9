import type { Identity } from "../auth/jwt.js";
import type { Deps } from "../deps.js";
import { audit, identityActor } from "./audit.js";
import { emit } from "../events/outbox.js";
import { AppError } from "../errors/index.js";
import { CLAIM_TOKEN_PREFIX, isWellFormed, sha256 } from "../lib/tokens.js";
import { findClaimToken, lookupClaimToken, redeemClaimToken } from "../store/claim-tokens.js";
import { pgErrorCode, UNIQUE_VIOLATION, type Tx } from "../store/db.js";
import { findMemberBySubject, lockTenant } from "../store/memberships.js";
import type { MembershipRole, TenantStatus } from "../store/schema.js";
import { findTenantSummary } from "../store/tenants.js";
import { hasHumanUser } from "../store/users.js";
import { claimableFor, membershipsOf } from "./memberships.js";
import { assertTenantActive } from "./tenant-status.js";
import { addHumanMember } from "./memberships.js";

export type ClaimInput = { token: string; tenant_id?: undefined } | { tenant_id: string; token?: undefined };

type ClaimDeps = Pick<Deps, "db">;
type Tenant = { id: string; slug: string; name: string; status: TenantStatus };

const invalidToken = () => new AppError("claim_token_invalid");
const expiredToken = () => new AppError("claim_token_expired");
const alreadyMember = () => new AppError("already_member");
const notClaimableByEmail = () => new AppError("email_claim_not_allowed");

/**
 * Pending tenants may be claimed (the human then waits for approval with the agent); rejected and
 * suspended ones are refused with their status code, like every other boundary.
 */
function assertClaimable(tenant: Tenant) {
  if (tenant.status !== "pending") assertTenantActive(tenant);
}

/**
 * Links the identity to a tenant (DESIGN.md §6): by a `brct_` token (proof of possession, any
 * email), or by `tenant_id` when the JWT's verified email is that unclaimed tenant's admin_email.
 * One transaction creates the actor row and the membership, spends the token's use and writes
 * `tenant.claimed`; a failure anywhere leaves all of it undone.
 */
export async function claimTenant(deps: ClaimDeps, identity: Identity, input: ClaimInput) {
  return input.token !== undefined ? claimByToken(deps, identity, input.token) : claimByEmail(deps, identity, input.tenant_id);
}

/**
 * What claiming `token` would do, without doing it: its tenant (in any status, so the page can say
 * why a rejected or suspended one cannot be joined), the role, the uses left, and whether this
 * identity is in already. As for a claim, holding the token is the proof: any identity may look.
 */
export async function previewClaim(deps: ClaimDeps, identity: Identity, token: string) {
  const found = await locateToken(deps, token);
  return deps.db.asTenant(found.tenant_id, async (tx) => {
    const tenant = await findTenantSummary(tx, found.tenant_id);
    if (!tenant) throw invalidToken();
    const current = await findClaimToken(tx, found.token_id);
    assertRedeemable(current);
    return {
      tenant,
      role: current.role,
      expires_at: current.expires_at.toISOString(),
      uses_left: current.max_uses - current.used_count,
      already_member: (await findMemberBySubject(tx, identity.subject)) !== undefined,
    };
  });
}

async function claimByToken(deps: ClaimDeps, identity: Identity, token: string) {
  const found = await locateToken(deps, token);
  return join(deps, identity, found.tenant_id, "token", async (tx) => {
    const spent = await redeemClaimToken(tx, found.token_id);
    if (spent) return { role: spent.role, kind: spent.kind };
    // Nothing matched: read the token again (this statement sees the latest commit) to say why.
    assertRedeemable(await findClaimToken(tx, found.token_id));
    // Only reached when the database's clock already counts the token expired and ours not yet.
    throw expiredToken();
  });
}

/** The token's id and tenant, across tenants. */
async function locateToken(deps: ClaimDeps, token: string) {
  // Checksum first: a mistyped token never reaches the database (DESIGN.md §5).
  if (!isWellFormed(token, CLAIM_TOKEN_PREFIX)) throw invalidToken();
  const found = await deps.db.asApp((tx) => lookupClaimToken(tx, sha256(token)));
  if (!found) throw invalidToken();
  return found;
}

type TokenState = { revoked_at: Date | null; expires_at: Date; used_count: number; max_uses: number };

/** Revoked (or gone), expired, used up: the three answers a claim and its preview give alike. */
function assertRedeemable<T extends TokenState>(token: T | undefined): asserts token is T {
  if (!token || token.revoked_at) throw invalidToken();
  if (token.expires_at.getTime() <= Date.now()) throw expiredToken();
  if (token.used_count >= token.max_uses) {
    throw new AppError("claim_token_fully_redeemed");
  }
}

async function claimByEmail(deps: ClaimDeps, identity: Identity, tenantId: string) {
  if ((await membershipsOf(deps, identity.subject)).some((m) => m.tenant_id === tenantId)) throw alreadyMember();
  const claimable = await claimableFor(deps, identity);
  if (!claimable.some((t) => t.id === tenantId)) throw notClaimableByEmail();
  return join(deps, identity, tenantId, "email", async (tx) => {
    // Under the tenant lock: of two identities sharing a verified email, only the first gets in.
    if (await hasHumanUser(tx)) throw notClaimableByEmail();
    return { role: "owner" as const, kind: null };
  });
}

async function join(
  deps: ClaimDeps,
  identity: Identity,
  tenantId: string,
  via: "token" | "email",
  authorize: (tx: Tx) => Promise<{ role: MembershipRole; kind: string | null }>,
) {
  try {
    return await deps.db.asTenant(tenantId, async (tx) => {
      const tenant = await lockTenant(tx, tenantId);
      if (!tenant) throw via === "token" ? invalidToken() : notClaimableByEmail();
      assertClaimable(tenant);
      if (await findMemberBySubject(tx, identity.subject)) throw alreadyMember();
      const { role, kind } = await authorize(tx);
      const { userId, membership } = await addHumanMember(tx, tenantId, identity, role);
      await audit(tx, identityActor(identity), {
        tenantId,
        action: "claim.redeemed",
        target: { type: "member", id: membership.id },
        changes: { role: [null, role] },
      });
      await emit(
        tx,
        "tenant.claimed",
        { tenantId, tenantSlug: tenant.slug, tenantName: tenant.name, subject: identity.subject, email: identity.email, role, via, kind },
        tenantId,
      );
      return {
        tenant,
        membership: { id: membership.id, role, user_id: userId, joined_at: membership.created_at.toISOString() },
      };
    });
  } catch (err) {
    // The same identity claiming twice at once: the unique (tenant, subject) index decides.
    if (pgErrorCode(err) === UNIQUE_VIOLATION) throw alreadyMember();
    throw err;
  }
}
