import type { ActorRef } from "./audit.js";
import type { ListParams } from "./shared.js";

// Agents propose, humans approve (DESIGN.md §8).

export type ProposalAction = "approve_tenant" | "reject_tenant" | "suspend_tenant" | "create_invite_code" | "delete_invite_code";
export type ProposalStatus = "open" | "executed" | "declined" | "expired" | "stale";

export interface Proposal {
  id: string;
  status: ProposalStatus;
  action: ProposalAction;
  /** The tenant or invite code; null for create_invite_code. */
  target_id: string | null;
  params: Record<string, unknown>;
  rationale: string;
  /** The would-execute in one line: `approve tenant Acme (acme): pending → active`. */
  summary: string;
  /** The dry run's would_execute when proposed. */
  would_execute: { action: string; [detail: string]: unknown };
  proposed_by: ActorRef;
  created_at: string;
  expires_at: string;
  decided_by: ActorRef | null;
  decided_at: string | null;
  decision_reason: string | null;
  /** What the execution returned. */
  result: Record<string, unknown> | null;
}

export interface CreateProposalParams {
  action: ProposalAction;
  /** The tenant or invite code; absent for create_invite_code. */
  target_id?: string;
  /** `{reason}` for tenant actions, the invite-code fields for create_invite_code. */
  params?: Record<string, unknown>;
  /** Why, for the human deciding: 1–2000 characters. */
  rationale: string;
  /** Default 1440 (a day), at most 10080. */
  expires_in_minutes?: number;
}

export type ListProposalsParams = ListParams & { status?: ProposalStatus };

export interface DeclineProposalParams {
  reason?: string;
}
