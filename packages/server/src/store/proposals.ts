import { sql } from "kysely";
import type { Tx } from "./db.js";
import { beforeCursor, cursorColumn, type Page } from "./pagination.js";
import type { ActorRef, ProposalAction, ProposalStatus, WouldExecute } from "./schema.js";

export interface NewProposal {
  action: ProposalAction;
  targetId: string | null;
  params: Record<string, unknown>;
  rationale: string;
  wouldExecute: WouldExecute;
  summary: string;
  proposedBy: ActorRef;
  proposerIds: string[];
  expiresAt: Date;
}

export function insertProposal(tx: Tx, p: NewProposal) {
  return tx
    .insertInto("proposals")
    .values({
      action: p.action,
      target_id: p.targetId,
      params: JSON.stringify(p.params),
      rationale: p.rationale,
      would_execute: JSON.stringify(p.wouldExecute),
      summary: p.summary,
      proposed_by: JSON.stringify(p.proposedBy),
      proposer_ids: p.proposerIds,
      expires_at: p.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** `lock`: held until the transaction ends, so concurrent approvals of one proposal run one at a time. */
export function findProposal(tx: Tx, id: string, options: { lock?: boolean } = {}) {
  const q = tx.selectFrom("proposals").selectAll().where("id", "=", id);
  return (options.lock ? q.forUpdate() : q).executeTakeFirst();
}

export function listProposals(tx: Tx, f: Page & { status?: ProposalStatus | undefined }) {
  let q = tx.selectFrom("proposals as p").selectAll("p").select(cursorColumn("p").as("cursor_at")).where(beforeCursor("p", f.cursor));
  if (f.status !== undefined) q = q.where("p.status", "=", f.status);
  return q
    .orderBy("p.created_at", "desc")
    .orderBy("p.id", "desc")
    .limit(f.limit + 1)
    .execute();
}

/** Ends an open proposal; undefined when it was no longer open. */
export function decideProposal(
  tx: Tx,
  id: string,
  d: {
    status: Exclude<ProposalStatus, "open">;
    decidedBy: ActorRef | null;
    reason?: string | null;
    result?: Record<string, unknown> | null;
  },
) {
  return tx
    .updateTable("proposals")
    .set({
      status: d.status,
      decided_by: d.decidedBy ? JSON.stringify(d.decidedBy) : null,
      decided_at: sql<Date>`now()`,
      decision_reason: d.reason ?? null,
      result: d.result ? JSON.stringify(d.result) : null,
    })
    .where("id", "=", id)
    .where("status", "=", "open")
    .returningAll()
    .executeTakeFirst();
}

/** Marks every open proposal past its expiry as expired, and returns them. */
export function expireDueProposals(tx: Tx) {
  return tx
    .updateTable("proposals")
    .set({ status: "expired", decided_at: sql<Date>`now()` })
    .where("status", "=", "open")
    .where("expires_at", "<=", sql<Date>`now()`)
    .returningAll()
    .execute();
}

/** The digest's figures: open ones and the decisions taken since `since`. */
export async function proposalFigures(tx: Tx, since: Date) {
  const open = await tx
    .selectFrom("proposals")
    .select([sql<number>`count(*)::int`.as("count"), sql<Date | null>`min(created_at)`.as("oldest")])
    .where("status", "=", "open")
    .executeTakeFirstOrThrow();
  const decided = await tx
    .selectFrom("proposals")
    .select(["status", sql<number>`count(*)::int`.as("count")])
    .where("status", "<>", "open")
    .where("decided_at", ">=", since)
    .groupBy("status")
    .execute();
  return { open: open.count, oldestOpen: open.oldest, decided: Object.fromEntries(decided.map((r) => [r.status, r.count])) };
}
