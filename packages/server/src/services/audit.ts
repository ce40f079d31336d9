import type { Identity } from "../auth/jwt.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import type { Tx } from "../store/db.js";
import { type AuditFilter, insertAuditEvent, listAuditEvents } from "../store/audit-events.js";
import { pageOf } from "../store/pagination.js";
import type { ActorRef, AuditEvent } from "../store/schema.js";
import type { Actor } from "./actor.js";
import { assertPlatformReader, isUuid } from "./admin/access.js";

/** The system itself: sweepers, expiry, background work. */
export const SYSTEM_ACTOR: Actor = {
  tenantId: "",
  userId: null,
  role: "admin",
  isPlatformAdmin: false,
  via: "jwt",
  channel: "system",
  label: "system",
};

/** What the audit trail needs to know of whoever acts. */
export type AuditActor = Pick<Actor, "via" | "channel" | "keyId" | "subject" | "userId" | "label" | "requestId">;

/** A signed-in human acting without a tenant role yet (a claim, a first sign-in), through the dashboard. */
export function identityActor(identity: Identity): AuditActor {
  return {
    via: "jwt",
    channel: "dashboard",
    userId: null,
    subject: identity.subject,
    label: identity.email ?? identity.subject,
    requestId: identity.requestId,
  };
}

/** Who an actor is, as proposals and audit rows name them (DESIGN.md §9). Never a secret. */
export function actorRef(actor: AuditActor): ActorRef {
  if (actor.channel === "system") return { kind: "system", id: "system", label: "system" };
  if (actor.keyId) return { kind: "api_key", id: actor.keyId, label: actor.label ?? actor.keyId };
  if (actor.via === "slack") return { kind: "slack_user", id: actor.subject ?? "", label: actor.label ?? actor.subject ?? "" };
  const id = actor.subject ?? actor.userId ?? "unknown";
  return { kind: "user", id, label: actor.label ?? id };
}

export interface AuditEntry {
  tenantId: string | null;
  /** `resource.verb`: `api_key.created`, `tenant.approved`, … */
  action: string;
  target: { type: string; id: string | null };
  /** Before → after of the fields that changed (status, role, …). */
  changes?: Record<string, [unknown, unknown]> | undefined;
  proposalId?: string | undefined;
}

/**
 * One row per mutation, written with the caller's transaction so it exists exactly when the change
 * does. The row names the actor and the surface it came through, never a credential.
 */
export function audit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  return insertAuditEvent(tx, {
    ...entry,
    actor: actorRef(actor),
    via: actor.channel ?? "system",
    requestId: actor.requestId,
  });
}

export function auditView(e: AuditEvent) {
  return {
    id: e.id,
    at: e.at.toISOString(),
    tenant_id: e.tenant_id,
    action: e.action,
    actor: e.actor,
    via: e.via,
    target: { type: e.target_type, id: e.target_id },
    changes: e.changes,
    request_id: e.request_id,
    proposal_id: e.proposal_id,
  };
}

export interface AuditQuery {
  tenant_id?: string | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

function filterOf(q: AuditQuery): AuditFilter {
  const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));
  return { action: q.action, actor: q.actor, since: date(q.since), until: date(q.until), limit: q.limit ?? 50, cursor: q.cursor };
}

/** Every tenant's trail and the platform's own: admins and proposers. */
export async function listPlatformAudit(deps: Pick<Deps, "db">, actor: Actor, q: AuditQuery) {
  assertPlatformReader(actor);
  if (q.tenant_id !== undefined && !isUuid(q.tenant_id)) throw new AppError("tenant_not_found");
  const filter = { ...filterOf(q), tenantId: q.tenant_id };
  const page = pageOf(await deps.db.asPlatform((tx) => listAuditEvents(tx, filter)), filter.limit);
  return { data: page.data.map(auditView), next_cursor: page.next_cursor };
}

/** The caller's own tenant, in its RLS scope: no other tenant's row can appear. */
export async function listTenantAudit(deps: Pick<Deps, "db">, actor: Actor, q: Omit<AuditQuery, "tenant_id">) {
  // The dashboard's word for it is admin_required, an API key's insufficient_role (as for keys and links).
  if (actor.role !== "admin") throw new AppError(actor.via === "jwt" ? "admin_required" : "insufficient_role");
  const filter = filterOf(q);
  const page = pageOf(await deps.db.asTenant(actor.tenantId, (tx) => listAuditEvents(tx, filter)), filter.limit);
  return { data: page.data.map(auditView), next_cursor: page.next_cursor };
}
