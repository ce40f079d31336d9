import type { Config } from "../config.js";
import type { AuditVia, MembershipRole, PlatformRole, UserRole } from "../store/schema.js";

/** Who is acting, however they arrived (HTTP, MCP, Slack, CLI). Services decide on this alone. */
export interface Actor {
  tenantId: string;
  userId: string | null;
  role: UserRole;
  /** Set for humans acting through a membership. */
  membershipRole?: MembershipRole;
  isPlatformAdmin: boolean;
  /** May read the admin API, dry-run its mutations and propose them, never execute (DESIGN.md §8). */
  isPlatformProposer?: boolean;
  /** The credential it came with. */
  via: "api_key" | "jwt" | "mcp" | "slack";
  /** The surface it came through, as the audit trail records it; absent: the system itself. */
  channel?: AuditVia;
  /** A name a human recognises: an email, a key's name and prefix, a Slack user. */
  label?: string;
  /** The request that carried it, for the audit trail. */
  requestId?: string;
  keyId?: string;
  /** Identity subject of a human, or the external id linked to a key's user. */
  subject?: string | null;
}

/** Claim role → per-tenant users.role (DESIGN.md §6 role mapping). */
export function userRoleFor(role: MembershipRole): UserRole {
  return role === "member" ? "developer" : "admin";
}

/**
 * The platform power of a credential: an identity subject or user id on an allow-list, or what an
 * API key was minted with. Admin wins over proposer when both apply.
 */
export function platformRoleOf(
  lists: Pick<Config, "platformAdminIds" | "platformProposerIds">,
  minted: PlatformRole | null,
  ...ids: (string | null | undefined)[]
): PlatformRole | null {
  if (minted === "admin" || isPlatformAdmin(lists.platformAdminIds, ...ids)) return "admin";
  if (minted === "proposer" || isPlatformAdmin(lists.platformProposerIds, ...ids)) return "proposer";
  return null;
}

/** Platform admins are an allow-list of identity subjects and user ids (not an RBAC role). */
export function isPlatformAdmin(adminIds: ReadonlySet<string>, ...ids: (string | null | undefined)[]): boolean {
  return ids.some((id) => id != null && adminIds.has(id));
}
