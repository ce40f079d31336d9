import { z } from "zod";
import { DIGEST_WINDOWS, digest, type DigestWindow } from "../services/admin/digest.js";
import { createInviteCode, deleteInviteCode, INVITE_CODE_PATTERN, listInviteCodes } from "../services/admin/invite-codes.js";
import { approveTenant, getTenant, listTenants, rejectTenant, suspendTenant } from "../services/admin/tenant-admin.js";
import { PROPOSAL_ACTIONS, PROPOSAL_STATUSES } from "../http/routes/admin-proposals.js";
import { approveProposal, createProposal, declineProposal, getProposal, listProposals } from "../services/admin/proposals.js";
import { listPlatformAudit } from "../services/audit.js";
import { defineTool, dryRunInput, type ToolSpec } from "./tool.js";

const paging = {
  limit: z.number().int().min(1).max(200).optional().describe("Page size (default 50)."),
  cursor: z.string().max(500).optional().describe("next_cursor of the previous page."),
};
const tenantId = { id: z.uuid().describe("Tenant id.") };
const reason = {
  reason: z.string().trim().min(1).max(500).optional().describe("Why; kept in the status history and sent with the event."),
};
const windows = Object.keys(DIGEST_WINDOWS) as [DigestWindow, ...DigestWindow[]];

/** Platform-admin tools (DESIGN.md §6), each over the same service as its /v1/admin route. */
export const ADMIN_TOOLS: ToolSpec[] = [
  defineTool({
    name: "br_list_tenants",
    operationId: "admin.listTenants",
    title: "List tenants",
    description: "Tenants, oldest first, optionally only one status (pending ones await approval).",
    input: { status: z.enum(["pending", "active", "rejected", "suspended"]).optional(), ...paging },
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => listTenants(deps, actor, args),
  }),
  defineTool({
    name: "br_get_tenant",
    operationId: "admin.getTenant",
    title: "Tenant detail",
    description: "One tenant with its members, API key count, recent usage and status history.",
    input: tenantId,
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => getTenant(deps, actor, args),
  }),
  defineTool({
    name: "br_approve_tenant",
    operationId: "admin.approveTenant",
    title: "Approve tenant",
    description: "Pending or suspended → active. With dry_run, reports the change and makes none.",
    input: { ...tenantId, ...dryRunInput },
    mutation: true,
    forProposers: "dry_run_only",
    run: (deps, { actor }, { id, dry_run }) => approveTenant(deps, actor, { id, dryRun: dry_run }),
  }),
  defineTool({
    name: "br_reject_tenant",
    operationId: "admin.rejectTenant",
    title: "Reject tenant",
    description: "Pending → rejected. With dry_run, reports the change and makes none.",
    input: { ...tenantId, ...reason, ...dryRunInput },
    mutation: true,
    forProposers: "dry_run_only",
    run: (deps, { actor }, { id, reason, dry_run }) => rejectTenant(deps, actor, { id, reason, dryRun: dry_run }),
  }),
  defineTool({
    name: "br_suspend_tenant",
    operationId: "admin.suspendTenant",
    title: "Suspend tenant",
    description: "Active → suspended; the tenant's API keys stop working at once. With dry_run, reports the change and makes none.",
    input: { ...tenantId, ...reason, ...dryRunInput },
    mutation: true,
    forProposers: "dry_run_only",
    run: (deps, { actor }, { id, reason, dry_run }) => suspendTenant(deps, actor, { id, reason, dryRun: dry_run }),
  }),
  defineTool({
    name: "br_get_business_digest",
    operationId: "admin.digest",
    title: "Business digest",
    description: "Tenants by status, signups, approvals, oldest pending, usage, failed notifications, and highlights to relay.",
    input: { window: z.enum(windows).optional().describe("24h (default), 7d or 30d.") },
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => digest(deps, actor, args),
  }),
  defineTool({
    name: "br_create_invite_code",
    operationId: "admin.createInviteCode",
    title: "Create invite code",
    description: "A code that lets a registration skip the beta gate. Generated when `code` is absent. With dry_run, makes none.",
    input: {
      code: z.string().regex(INVITE_CODE_PATTERN).optional().describe("4-64 letters, digits, '-' or '_'."),
      max_uses: z.number().int().positive().nullable().optional().describe("null or absent: unlimited."),
      expires_at: z.iso.datetime({ offset: true }).optional(),
      note: z.string().trim().max(500).optional(),
      ...dryRunInput,
    },
    mutation: true,
    forProposers: "dry_run_only",
    run: (deps, { actor }, { dry_run, ...input }) => createInviteCode(deps, actor, { ...input, dryRun: dry_run }),
  }),
  defineTool({
    name: "br_list_invite_codes",
    operationId: "admin.listInviteCodes",
    title: "List invite codes",
    description: "Invite codes with status and uses left.",
    input: { include_revoked: z.boolean().optional(), ...paging },
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => listInviteCodes(deps, actor, args),
  }),
  defineTool({
    name: "br_delete_invite_code",
    operationId: "admin.deleteInviteCode",
    title: "Revoke invite code",
    description: "Later registrations with the code fail; tenants it admitted stay. With dry_run, makes no change.",
    input: { id: z.uuid().describe("Invite code id."), ...dryRunInput },
    mutation: true,
    forProposers: "dry_run_only",
    run: (deps, { actor }, { id, dry_run }) => deleteInviteCode(deps, actor, { id, dryRun: dry_run }),
  }),
  defineTool({
    name: "br_propose_action",
    operationId: "admin.createProposal",
    title: "Propose an admin action",
    description:
      "Stores an action for a human admin to approve (in Slack, the API or the CLI); runs its dry run now. Tenant actions need target_id (the tenant), delete_invite_code the code's id; params: {reason} for tenant actions, the invite-code fields for create_invite_code.",
    input: {
      action: z.enum(PROPOSAL_ACTIONS),
      target_id: z.uuid().optional().describe("Tenant id, or invite code id for delete_invite_code."),
      params: z.record(z.string(), z.unknown()).optional().describe("The action's body."),
      rationale: z.string().trim().min(1).max(2000).describe("Why, for the human deciding: 'their domain matches our ICP'."),
      expires_in_minutes: z.number().int().min(1).max(10_080).optional().describe("Default 1440."),
    },
    mutation: true,
    forProposers: "as_is",
    run: (deps, { actor }, args) => createProposal(deps, actor, args),
  }),
  defineTool({
    name: "br_list_proposals",
    operationId: "admin.listProposals",
    title: "List proposals",
    description: "Proposals, newest first; status open ones await a human.",
    input: { status: z.enum(PROPOSAL_STATUSES).optional(), ...paging },
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => listProposals(deps, actor, args),
  }),
  defineTool({
    name: "br_get_proposal",
    operationId: "admin.getProposal",
    title: "Proposal",
    description: "One proposal: its status, would_execute, who proposed and who decided.",
    input: { id: z.uuid().describe("Proposal id.") },
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => getProposal(deps, actor, args),
  }),
  defineTool({
    name: "br_approve_proposal",
    operationId: "admin.approveProposal",
    title: "Approve proposal",
    description: "Executes a proposal once (never the proposer's own). With dry_run, shows what would run.",
    input: { id: z.uuid().describe("Proposal id."), ...dryRunInput },
    mutation: true,
    run: (deps, { actor }, { id, dry_run }) => approveProposal(deps, actor, { id, dryRun: dry_run }),
  }),
  defineTool({
    name: "br_decline_proposal",
    operationId: "admin.declineProposal",
    title: "Decline proposal",
    description: "Declines a proposal (never the proposer's own).",
    input: { id: z.uuid().describe("Proposal id."), reason: reason.reason },
    mutation: true,
    run: (deps, { actor }, args) => declineProposal(deps, actor, args),
  }),
  defineTool({
    name: "br_list_audit_events",
    operationId: "admin.listAuditEvents",
    title: "Audit trail",
    description: "Every mutation, newest first: who, through what, what changed. Filter by tenant, action, actor, time.",
    input: {
      tenant_id: z.uuid().optional(),
      action: z.string().max(100).optional().describe("resource.verb, e.g. tenant.approved."),
      actor: z.string().max(200).optional().describe("An actor's id or label."),
      since: z.iso.datetime({ offset: true }).optional(),
      until: z.iso.datetime({ offset: true }).optional(),
      ...paging,
    },
    mutation: false,
    forProposers: "as_is",
    run: (deps, { actor }, args) => listPlatformAudit(deps, actor, args),
  }),
];
