import type { Deps } from "../../deps.js";
import { AppError } from "../../errors/index.js";
import { emit } from "../../events/outbox.js";
import type { ProposalEvent } from "../../events/types.js";
import type { Tx } from "../../store/db.js";
import { pageOf } from "../../store/pagination.js";
import {
  decideProposal,
  expireDueProposals,
  findProposal,
  insertProposal,
  listProposals as listProposalRows,
} from "../../store/proposals.js";
import type { Proposal, ProposalAction, ProposalStatus } from "../../store/schema.js";
import type { Actor } from "../actor.js";
import { actorRef, audit, SYSTEM_ACTOR } from "../audit.js";
import { assertPlatformAdmin, assertPlatformReader, iso, isUuid } from "./access.js";
import { PROPOSAL_ACTIONS } from "./proposal-actions.js";
import { statusChanged } from "./tenant-admin.js";

type ProposalDeps = Pick<Deps, "db" | "keyCache">;

const DEFAULT_EXPIRY_MINUTES = 1440;

export function proposalView(p: Proposal) {
  return {
    id: p.id,
    status: p.status,
    action: p.action,
    target_id: p.target_id,
    params: p.params,
    rationale: p.rationale,
    summary: p.summary,
    would_execute: p.would_execute,
    proposed_by: p.proposed_by,
    created_at: p.created_at.toISOString(),
    expires_at: p.expires_at.toISOString(),
    decided_by: p.decided_by,
    decided_at: iso(p.decided_at),
    decision_reason: p.decision_reason,
    result: p.result,
  };
}

/** Every id an actor is known by: the proposer's, compared with a decider's, forbid self-approval. */
function identitiesOf(actor: Actor): string[] {
  return [...new Set([actorRef(actor).id, actor.subject, actor.userId].filter((id): id is string => !!id))];
}

/** The event of a proposal as it stands; the Slack click's reply is built from it too. */
export function proposalEvent(v: ReturnType<typeof proposalView>): ProposalEvent {
  return {
    proposalId: v.id,
    action: v.action,
    targetId: v.target_id,
    summary: v.summary,
    rationale: v.rationale,
    proposedBy: v.proposed_by,
    status: v.status,
    expiresAt: v.expires_at,
    ...(v.decided_by ? { decidedBy: v.decided_by } : {}),
    reason: v.decision_reason,
  };
}

/** The tenant a proposal is about, for its audit rows (invite codes are the platform's). */
const tenantOf = (p: Pick<Proposal, "action" | "target_id">) => (PROPOSAL_ACTIONS[p.action].target === "tenant" ? p.target_id : null);

async function ended(tx: Tx, actor: Actor, p: Proposal) {
  const type = `proposal.${p.status as Exclude<ProposalStatus, "open">}` as const;
  await emit(tx, type, proposalEvent(proposalView(p)), tenantOf(p));
  await audit(tx, actor, {
    tenantId: tenantOf(p),
    action: type,
    target: { type: "proposal", id: p.id },
    changes: { status: ["open", p.status] },
    proposalId: p.id,
  });
}

/** Open proposals past expires_at become expired: on every read and from the sweeper. */
export async function expireDue(tx: Tx): Promise<number> {
  const rows = await expireDueProposals(tx);
  for (const p of rows) await ended(tx, SYSTEM_ACTOR, p);
  return rows.length;
}

export const sweepExpiredProposals = (deps: Pick<Deps, "db">) => deps.db.asPlatform(expireDue);

export interface CreateProposalInput {
  action: ProposalAction;
  target_id?: string | undefined;
  params?: Record<string, unknown> | undefined;
  rationale: string;
  expires_in_minutes?: number | undefined;
}

/**
 * An admin action stored for a human to approve. The dry run runs now, so an illegal transition is
 * the dry run's own 409 and the stored would_execute is what the approver sees.
 */
export async function createProposal(deps: Pick<Deps, "db">, actor: Actor, input: CreateProposalInput) {
  assertPlatformReader(actor);
  const spec = PROPOSAL_ACTIONS[input.action];
  const targetId = input.target_id ?? null;
  if (spec.target !== null && targetId === null) {
    throw new AppError("invalid_proposal", { message: `${input.action} needs a target_id.` });
  }
  if (spec.target === null && targetId !== null) {
    throw new AppError("invalid_proposal", { message: `${input.action} takes no target_id.` });
  }
  if (targetId !== null && !isUuid(targetId)) {
    throw new AppError(spec.target === "tenant" ? "tenant_not_found" : "invite_code_not_found");
  }
  const parsed = spec.params.safeParse(input.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("invalid_proposal", {
      message: `params${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}`,
      recovery: { action: "retry_with_params", field: "params" },
    });
  }
  const params = parsed.data;
  const minutes = input.expires_in_minutes ?? DEFAULT_EXPIRY_MINUTES;
  return deps.db.asPlatform(async (tx) => {
    const { would, summary } = await spec.plan(tx, actor, targetId, params);
    const row = await insertProposal(tx, {
      action: input.action,
      targetId,
      params,
      rationale: input.rationale,
      wouldExecute: would,
      summary,
      proposedBy: actorRef(actor),
      proposerIds: identitiesOf(actor),
      expiresAt: new Date(Date.now() + minutes * 60_000),
    });
    await emit(tx, "proposal.created", proposalEvent(proposalView(row)), tenantOf(row));
    await audit(tx, actor, {
      tenantId: tenantOf(row),
      action: "proposal.created",
      target: { type: "proposal", id: row.id },
      proposalId: row.id,
    });
    return proposalView(row);
  });
}

export async function listProposals(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { status?: ProposalStatus | undefined; limit?: number | undefined; cursor?: string | undefined },
) {
  assertPlatformReader(actor);
  const limit = input.limit ?? 50;
  const rows = await deps.db.asPlatform(async (tx) => {
    await expireDue(tx);
    return listProposalRows(tx, { status: input.status, limit, cursor: input.cursor });
  });
  const page = pageOf(rows, limit);
  return { data: page.data.map(proposalView), next_cursor: page.next_cursor };
}

const notFound = () => new AppError("proposal_not_found");

export async function getProposal(deps: Pick<Deps, "db">, actor: Actor, input: { id: string }) {
  assertPlatformReader(actor);
  if (!isUuid(input.id)) throw notFound();
  return deps.db.asPlatform(async (tx) => {
    await expireDue(tx);
    const row = await findProposal(tx, input.id);
    if (!row) throw notFound();
    return proposalView(row);
  });
}

/**
 * The checks every decision makes, under the proposal's row lock: it exists, the decider is not
 * the proposer, it is still open. An open one past its expiry is expired here, committed, and
 * answered as such.
 */
async function lockForDecision(tx: Tx, actor: Actor, id: string): Promise<Proposal | "expired"> {
  const row = await findProposal(tx, id, { lock: true });
  if (!row) throw notFound();
  const mine = new Set(identitiesOf(actor));
  if (row.proposer_ids.some((pid) => mine.has(pid))) throw new AppError("self_approval_forbidden");
  if (row.status === "expired") throw new AppError("proposal_expired");
  if (row.status !== "open") throw new AppError("proposal_already_decided", { message: `The proposal is already ${row.status}.` });
  if (row.expires_at.getTime() <= Date.now()) {
    const expired = await decideProposal(tx, row.id, { status: "expired", decidedBy: null });
    if (expired) await ended(tx, SYSTEM_ACTOR, expired);
    return "expired";
  }
  return row;
}

/**
 * Executes a proposal exactly once: under its row lock, after re-checking that the target is where
 * the dry run saw it, through the same code as the direct admin route, all in one transaction. A
 * target that moved makes the proposal `stale` and changes nothing else.
 */
export async function approveProposal(deps: ProposalDeps, actor: Actor, input: { id: string; dryRun?: boolean | undefined }) {
  assertPlatformAdmin(actor);
  if (!isUuid(input.id)) throw notFound();
  const outcome = await deps.db.asPlatform(async (tx) => {
    const row = await lockForDecision(tx, actor, input.id);
    if (row === "expired") return { kind: "expired" as const };
    const spec = PROPOSAL_ACTIONS[row.action];
    const stored = { targetId: row.target_id, params: row.params, would: row.would_execute };
    const moved = await spec.stale(tx, stored);
    // A dry run reports what moved and records nothing.
    if (input.dryRun) return { kind: "dry_run" as const, would: row.would_execute, moved };
    const decidedBy = actorRef(actor);
    if (moved) {
      const stale = (await decideProposal(tx, row.id, { status: "stale", decidedBy, reason: moved }))!;
      await ended(tx, actor, stale);
      return { kind: "stale" as const, reason: moved };
    }
    const result = await spec.execute(tx, actor, { ...stored, proposalId: row.id });
    const executed = (await decideProposal(tx, row.id, { status: "executed", decidedBy, result }))!;
    await ended(tx, actor, executed);
    return { kind: "executed" as const, proposal: executed };
  });
  switch (outcome.kind) {
    case "expired":
      throw new AppError("proposal_expired");
    case "stale":
      throw new AppError("proposal_stale", { message: `The target changed (${outcome.reason}); nothing was executed.` });
    case "dry_run":
      if (outcome.moved) {
        throw new AppError("proposal_stale", {
          message: `The target changed (${outcome.moved}); approving would mark the proposal stale.`,
        });
      }
      return { dry_run: true as const, would_execute: outcome.would };
  }
  const tenantId = tenantOf(outcome.proposal);
  if (tenantId) await statusChanged(deps, tenantId);
  return proposalView(outcome.proposal);
}

/** Declines an open proposal; like approval, admins only and never its proposer. */
export async function declineProposal(deps: Pick<Deps, "db">, actor: Actor, input: { id: string; reason?: string | undefined }) {
  assertPlatformAdmin(actor);
  if (!isUuid(input.id)) throw notFound();
  const outcome = await deps.db.asPlatform(async (tx) => {
    const row = await lockForDecision(tx, actor, input.id);
    if (row === "expired") return "expired" as const;
    const declined = (await decideProposal(tx, row.id, { status: "declined", decidedBy: actorRef(actor), reason: input.reason ?? null }))!;
    await ended(tx, actor, declined);
    return declined;
  });
  if (outcome === "expired") throw new AppError("proposal_expired");
  return proposalView(outcome);
}
