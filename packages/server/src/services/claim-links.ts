import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import { listClaimTokens, revokeClaimToken } from "../store/claim-tokens.js";
import { pageOf, type Page } from "../store/pagination.js";
import type { MembershipRole } from "../store/schema.js";
import type { Actor } from "./actor.js";
import { audit } from "./audit.js";
import { issueClaimToken } from "./credentials.js";
import { assertOwnerPower } from "./owner-power.js";

type LinkDeps = Pick<Deps, "db" | "config">;

/** Bounds of POST /v1/tenant/claim-link and POST /auth/claim-links (DESIGN.md §6). */
export const CLAIM_LINK_BOUNDS = { maxUses: { min: 1, max: 1000 }, expiresInDays: { min: 1, max: 30 } } as const;
const CLAIM_LINK_DEFAULTS: ClaimLinkInput = { role: "member", max_uses: 1, expires_in_days: 7 };
const BROWSER_LINK_DAYS = 7;

export interface ClaimLinkInput {
  role: MembershipRole;
  max_uses: number;
  expires_in_days: number;
}

/**
 * Claim links are the keys to the tenant's membership, so they are managed by its owners on the
 * dashboard, or by an admin-role API key. A key mints owner links only while it acts for the
 * owner (issueAudited, owner-power.ts).
 */
function assertManagesClaimLinks(actor: Actor) {
  const allowed = actor.via === "jwt" ? actor.membershipRole === "owner" : actor.role === "admin";
  if (!allowed) throw new AppError("owner_required", { message: "Only the tenant's owners manage claim links." });
}

/**
 * Mints a link and its audit row together; the row names the link, never its token. An owner link
 * makes its redeemer owner, so only a credential with the owner's power mints one (DESIGN.md §10).
 */
function issueAudited(deps: LinkDeps, actor: Actor, input: Parameters<typeof issueClaimToken>[2]) {
  return deps.db.asTenant(actor.tenantId, async (tx) => {
    if (input.role === "owner") await assertOwnerPower(tx, actor, "mint owner links; ask for role admin or member");
    const link = await issueClaimToken(tx, deps.config, input);
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "claim_link.created",
      target: { type: "claim_link", id: link.id },
      changes: { role: [null, input.role] },
    });
    return link;
  });
}

/** A claim link for teammates: role, uses and lifetime within CLAIM_LINK_BOUNDS. */
export async function createClaimLink(deps: LinkDeps, actor: Actor, options: Partial<ClaimLinkInput>) {
  assertManagesClaimLinks(actor);
  const link = await issueAudited(deps, actor, {
    tenantId: actor.tenantId,
    role: options.role ?? CLAIM_LINK_DEFAULTS.role,
    maxUses: options.max_uses ?? CLAIM_LINK_DEFAULTS.max_uses,
    expiresInDays: options.expires_in_days ?? CLAIM_LINK_DEFAULTS.expires_in_days,
    kind: "invite",
    createdBy: actor.userId,
  });
  return {
    id: link.id,
    token: link.token,
    url: link.url,
    role: link.role,
    max_uses: link.max_uses,
    expires_at: link.expires_at.toISOString(),
  };
}

/** The terminal's "open the dashboard as me" link: single use, 7 days, owner. */
export async function createBrowserLink(deps: LinkDeps, actor: Actor) {
  assertManagesClaimLinks(actor);
  const link = await issueAudited(deps, actor, {
    tenantId: actor.tenantId,
    role: "owner",
    maxUses: 1,
    expiresInDays: BROWSER_LINK_DAYS,
    kind: "link",
    createdBy: actor.userId,
  });
  return { id: link.id, token: link.token, url: link.url, expires_at: link.expires_at.toISOString() };
}

export async function listClaimLinks(deps: LinkDeps, actor: Actor, page: Page) {
  assertManagesClaimLinks(actor);
  const rows = await deps.db.asTenant(actor.tenantId, (tx) => listClaimTokens(tx, page));
  const { data, next_cursor } = pageOf(rows, page.limit);
  return { data: data.map(claimLinkView), next_cursor };
}

export async function revokeClaimLink(deps: LinkDeps, actor: Actor, id: string) {
  assertManagesClaimLinks(actor);
  const row = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const revoked = await revokeClaimToken(tx, id);
    if (revoked) await audit(tx, actor, { tenantId: actor.tenantId, action: "claim_link.revoked", target: { type: "claim_link", id } });
    return revoked;
  });
  if (!row) throw new AppError("claim_link_not_found");
  return claimLinkView(row);
}

type ClaimTokenRow = NonNullable<Awaited<ReturnType<typeof revokeClaimToken>>>;

function claimLinkView(row: ClaimTokenRow) {
  const usesLeft = row.max_uses - row.used_count;
  const state = row.revoked_at ? "revoked" : row.expires_at.getTime() <= Date.now() ? "expired" : usesLeft === 0 ? "used_up" : "active";
  return {
    id: row.id,
    kind: row.kind,
    role: row.role,
    max_uses: row.max_uses,
    used_count: row.used_count,
    uses_left: state === "active" ? usesLeft : 0,
    state,
    expires_at: row.expires_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    // Who minted it: a member's user id (with their email while they are a member), or a label.
    created_by: row.created_by,
    created_by_email: row.created_by_email,
  } as const;
}
