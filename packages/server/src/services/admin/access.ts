import { AppError } from "../../errors/index.js";
import type { Actor } from "../actor.js";

/**
 * Re-checked by every admin service, whatever the caller: the HTTP middleware is one way in, MCP
 * tools, Slack buttons and the CLI are others, and none of them may skip the allow-list.
 */
export function assertPlatformAdmin(actor: Actor): void {
  if (!actor.isPlatformAdmin) {
    throw new AppError("not_platform_admin");
  }
}

/** Reads of the admin API: admins and proposers alike. */
export function assertPlatformReader(actor: Actor): void {
  if (!actor.isPlatformAdmin && !actor.isPlatformProposer) {
    throw new AppError("not_platform_admin");
  }
}

/** An admin mutation: a proposer may dry-run it, only an admin may make it. */
export function assertMayMutate(actor: Actor, dryRun: boolean | undefined): void {
  if (actor.isPlatformAdmin) return;
  if (actor.isPlatformProposer) {
    if (dryRun) return;
    throw new AppError("proposal_required");
  }
  throw new AppError("not_platform_admin");
}

/** How an admin action is recorded in status history and events: channel and identity. */
export function actorLabel(actor: Actor): string {
  return `${actor.via}:${actor.subject ?? actor.userId ?? "unknown"}`;
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids reach services from MCP and Slack too; a non-uuid must be "not found", not a SQL cast error. */
export const isUuid = (id: string) => UUID.test(id);
