import { sql } from "kysely";
import type { Tx } from "./db.js";
import { beforeCursor, cursorColumn, type Page } from "./pagination.js";
import type { ActorRef, AuditVia } from "./schema.js";

export interface NewAuditEvent {
  tenantId: string | null;
  action: string;
  actor: ActorRef;
  via: AuditVia;
  target: { type: string; id: string | null };
  changes?: Record<string, [unknown, unknown]> | undefined;
  requestId?: string | undefined;
  proposalId?: string | undefined;
}

/** Append-only: the application's roles may INSERT and SELECT this table, nothing else. */
export async function insertAuditEvent(tx: Tx, e: NewAuditEvent): Promise<void> {
  await tx
    .insertInto("audit_events")
    .values({
      tenant_id: e.tenantId,
      action: e.action,
      actor: JSON.stringify(e.actor),
      via: e.via,
      target_type: e.target.type,
      target_id: e.target.id,
      changes: e.changes ? JSON.stringify(e.changes) : null,
      request_id: e.requestId ?? null,
      proposal_id: e.proposalId ?? null,
    })
    .execute();
}

export interface AuditFilter extends Page {
  tenantId?: string | undefined;
  action?: string | undefined;
  /** An actor's id or label. */
  actor?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** Newest first; in a br_app scope, row-level security leaves only the scope's tenant. */
export function listAuditEvents(tx: Tx, f: AuditFilter) {
  let q = tx
    .selectFrom("audit_events as a")
    .selectAll("a")
    .select(cursorColumn("a", "at").as("cursor_at"))
    .where(beforeCursor("a", f.cursor, "at"));
  if (f.tenantId !== undefined) q = q.where("a.tenant_id", "=", f.tenantId);
  if (f.action !== undefined) q = q.where("a.action", "=", f.action);
  if (f.actor !== undefined) q = q.where(sql<boolean>`(a.actor->>'id' = ${f.actor} OR a.actor->>'label' = ${f.actor})`);
  if (f.since !== undefined) q = q.where("a.at", ">=", f.since);
  if (f.until !== undefined) q = q.where("a.at", "<", f.until);
  return q
    .orderBy("a.at", "desc")
    .orderBy("a.id", "desc")
    .limit(f.limit + 1)
    .execute();
}
