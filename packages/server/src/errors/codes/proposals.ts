import { defineErrorCodes } from "../types.js";

/** Proposals: agents propose admin actions, humans approve them (DESIGN.md §8). */
export const PROPOSAL_ERRORS = defineErrorCodes({
  proposal_required: {
    status: 403,
    type: "permission_error",
    message: "This credential may only propose: create a proposal with POST /v1/admin/proposals, or call with dry_run=true.",
    meaning: "A platform proposer called an admin mutation for real; proposers dry-run and propose, a human admin approves.",
    recovery: { action: "escalate", route: "POST /v1/admin/proposals" },
  },
  self_approval_forbidden: {
    status: 403,
    type: "permission_error",
    message: "The identity that proposed this cannot decide it; another admin must.",
    meaning: "The approver or decliner is the identity that created the proposal.",
    recovery: { action: "escalate" },
  },
  proposal_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No proposal with that id.",
    meaning: "No proposal has that id.",
  },
  proposal_already_decided: {
    status: 409,
    type: "conflict_error",
    message: "The proposal is already decided.",
    meaning: "The proposal was executed, declined, expired or went stale before this decision.",
  },
  proposal_expired: {
    status: 409,
    type: "conflict_error",
    message: "The proposal expired before it was approved; propose again.",
    meaning: "The proposal's `expires_at` passed before the approval.",
  },
  proposal_stale: {
    status: 409,
    type: "conflict_error",
    message: "The target changed since the proposal was made; nothing was executed.",
    meaning: "The target is no longer in the state the proposal's dry run saw; the proposal is now `stale`.",
  },
  invalid_proposal: {
    status: 400,
    type: "invalid_request_error",
    message: "The proposal's action needs a target_id.",
    meaning: "A proposal's `target_id` or `params` do not fit its action.",
    recovery: { action: "retry_with_params", field: "target_id" },
  },
});
