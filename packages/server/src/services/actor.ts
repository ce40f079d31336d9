import type { MembershipRole, UserRole } from "../store/schema.js";

/** Who is acting, however they arrived (HTTP, MCP, Slack, CLI). Services decide on this alone. */
export interface Actor {
  tenantId: string;
  userId: string | null;
  role: UserRole;
  /** Set for humans acting through a membership. */
  membershipRole?: MembershipRole;
  isPlatformAdmin: boolean;
  via: "api_key" | "jwt" | "mcp" | "slack" | "cli";
  keyId?: string;
  /** Identity subject of a human, or the external id linked to a key's user. */
  subject?: string | null;
}

/** Claim role → per-tenant users.role (DESIGN.md §6 role mapping). */
export function userRoleFor(role: MembershipRole): UserRole {
  return role === "member" ? "developer" : "admin";
}

/** Platform admins are an allow-list of identity subjects and user ids (not an RBAC role). */
export function isPlatformAdmin(adminIds: ReadonlySet<string>, ...ids: (string | null | undefined)[]): boolean {
  return ids.some((id) => id != null && adminIds.has(id));
}
